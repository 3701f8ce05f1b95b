import { sql, type Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A batch is the unit the worker claims and sends: its rows and its idempotency key never change,
  // so a retry after a crash or an error repeats exactly the same request.
  await db.schema
    .createTable("email_batches")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("state", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(sql`state in ('pending', 'sent', 'dead')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("claimed_by", "text")
    .addColumn("claim_expires_at", "timestamptz")
    .addColumn("last_error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .execute();
  await sql`create index email_batches_due_idx on email_batches (next_attempt_at) where state = 'pending'`.execute(db);

  await db.schema
    .createTable("email_outbox")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("template", "text", (c) => c.notNull())
    .addColumn("to_address", sql`citext`, (c) => c.notNull())
    // Null once sent: props may hold a one-time token that must not outlive its email.
    .addColumn("props", "jsonb")
    .addColumn("idempotency_key", "text", (c) =>
      c
        .notNull()
        .unique()
        .defaultTo(sql`'outbox-' || gen_random_uuid()`),
    )
    .addColumn("state", "text", (c) =>
      c
        .notNull()
        .defaultTo("queued")
        .check(sql`state in ('queued', 'batched', 'sent', 'suppressed', 'dead')`),
    )
    .addColumn("batch_id", "uuid", (c) => c.references("email_batches.id").onDelete("set null"))
    .addColumn("provider_message_id", "text")
    .addColumn("delivery_status", "text", (c) => c.check(sql`delivery_status in ('sent', 'delivered', 'delivery_delayed', 'bounced', 'complained', 'failed')`))
    .addColumn("delivery_updated_at", "timestamptz")
    .addColumn("last_error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("sent_at", "timestamptz")
    .addColumn("dead_at", "timestamptz")
    .execute();
  await sql`create index email_outbox_queued_idx on email_outbox (id) where state = 'queued'`.execute(db);
  await sql`create index email_outbox_batch_idx on email_outbox (batch_id)`.execute(db);
  await sql`create index email_outbox_provider_idx on email_outbox (provider_message_id)`.execute(db);
  await sql`create index email_outbox_dead_idx on email_outbox (dead_at) where state = 'dead'`.execute(db);

  await db.schema
    .createTable("email_suppressions")
    .addColumn("address", sql`citext`, (c) => c.primaryKey())
    .addColumn("reason", "text", (c) => c.notNull().check(sql`reason in ('bounced', 'complained', 'manual')`))
    .addColumn("detail", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("webhook_events")
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("webhook_events_pkey", ["provider", "event_id"])
    .execute();

  await db.schema
    .createTable("dev_mailbox")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("outbox_id", "bigint")
    .addColumn("to_address", sql`citext`, (c) => c.notNull())
    .addColumn("from_address", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("html", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("idempotency_key", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Shared by every worker process: the next moment a request to the provider may be sent.
  await db.schema
    .createTable("rate_limiter_slots")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("next_free_at", "timestamptz", (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("rate_limiter_slots").execute();
  await db.schema.dropTable("dev_mailbox").execute();
  await db.schema.dropTable("webhook_events").execute();
  await db.schema.dropTable("email_suppressions").execute();
  await db.schema.dropTable("email_outbox").execute();
  await db.schema.dropTable("email_batches").execute();
}
