import { sql, type Kysely } from "kysely";

// The delivery pack (decision 018): a PDF of the letter and every listed name, made in the
// background from a sealed snapshot, stored in the database (any web process can serve it), and
// the record of each delivery, which /press shows.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("delivery_packs")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("letter_id", "integer", (c) => c.notNull().references("letters.id"))
    .addColumn("state", "text", (c) =>
      c
        .notNull()
        .defaultTo("queued")
        .check(sql`state in ('queued', 'building', 'ready', 'failed')`),
    )
    .addColumn("requested_by", "bigint", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("requested_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // The build's lease: a building pack whose heartbeat is old belongs to a process that died.
    .addColumn("heartbeat_at", "timestamptz")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("snapshot_id", "bigint", (c) => c.references("public_snapshots.id"))
    // The list's change counter when that snapshot was chosen: unchanged since means it still is the list.
    .addColumn("list_marker", "bigint")
    .addColumn("letter_version_id", "integer", (c) => c.references("letter_versions.id"))
    .addColumn("rows_total", "integer")
    .addColumn("rows_done", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("counts", "jsonb")
    .addColumn("made_at", "timestamptz")
    .addColumn("byte_size", "integer")
    .addColumn("sha256", "char(64)")
    .addColumn("error", "text")
    .execute();
  // One pack waiting or building per letter at a time.
  await sql`create unique index delivery_packs_in_flight_idx on delivery_packs (letter_id) where state in ('queued', 'building')`.execute(db);

  // The PDF in pieces of about 1 MB, written as it is made; served only once its pack is ready.
  await db.schema
    .createTable("delivery_pack_chunks")
    .addColumn("pack_id", "bigint", (c) => c.notNull().references("delivery_packs.id").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("data", "bytea", (c) => c.notNull())
    .addPrimaryKeyConstraint("delivery_pack_chunks_pkey", ["pack_id", "seq"])
    .execute();

  await db.schema
    .createTable("deliveries")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("letter_id", "integer", (c) => c.notNull().references("letters.id"))
    .addColumn("pack_id", "bigint", (c) => c.notNull().references("delivery_packs.id"))
    .addColumn("delivered_on", "date", (c) => c.notNull())
    .addColumn("recipient", "text", (c) => c.notNull())
    .addColumn("method", "text", (c) => c.notNull())
    .addColumn("recorded_by", "bigint", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index deliveries_letter_idx on deliveries (letter_id, delivered_on desc, id desc)`.execute(db);

  // The pack lists a snapshot's names A–Z: the listed names in that order, and each one's row in
  // the snapshot by (signature, snapshot). The redaction trigger's lookup by signature still
  // uses the second index's first column.
  await sql`create index signatures_named_az_idx on signatures (letter_id, search_key, public_id) where state = 'approved' and named`.execute(db);
  await sql`create index public_snapshot_rows_signature_snapshot_idx on public_snapshot_rows (signature_id, snapshot_id) where salt is not null`.execute(db);
  await sql`drop index public_snapshot_rows_signature_idx`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index public_snapshot_rows_signature_idx on public_snapshot_rows (signature_id) where salt is not null`.execute(db);
  await sql`drop index public_snapshot_rows_signature_snapshot_idx`.execute(db);
  await sql`drop index signatures_named_az_idx`.execute(db);
  await db.schema.dropTable("deliveries").execute();
  await db.schema.dropTable("delivery_pack_chunks").execute();
  await db.schema.dropTable("delivery_packs").execute();
}
