import type { Transaction } from "kysely";
import type { Db } from "../../../db/client";
import type { DB } from "../../../db/schema";
import { templates, type TemplateName, type TemplateProps } from "../../../emails/index";

/**
 * Queues an email inside the caller's transaction: if the change that causes it rolls back, the
 * email is never sent; if it commits, a worker will send it. The props are checked now, so a bad
 * call fails in the request that made it rather than in the worker.
 */
export async function enqueue<T extends TemplateName>(
  trx: Transaction<DB> | Db,
  template: T,
  to: string,
  props: TemplateProps<T>,
): Promise<{ id: string; idempotencyKey: string }> {
  const check = templates[template].schema.safeParse({ ...props, appUrl: "https://placeholder.invalid" });
  if (!check.success) throw new Error(`enqueue(${template}): bad props: ${check.error.message}`);
  const row = await trx
    .insertInto("email_outbox")
    .values({ template, to_address: to, props: JSON.stringify(props) })
    .returning(["id", "idempotency_key"])
    .executeTakeFirstOrThrow();
  return { id: row.id, idempotencyKey: row.idempotency_key };
}
