import { sql, type Transaction } from "kysely";
import type { Db } from "../../../db/client";
import type { DB } from "../../../db/schema";
import type { OutboxState } from "./states";
import { templates, type TemplateName, type TemplateProps } from "../../../emails/index";
import { DEFAULT_LANGUAGE } from "../../i18n";

/**
 * Queues an email inside the caller's transaction: if the change that causes it rolls back, the
 * email is never sent; if it commits, a worker will send it. The props are checked now, so a bad
 * call fails in the request that made it rather than in the worker. `language` is the one the
 * email is written in: the worker renders it later, away from any request, so it is stored here.
 */
export async function enqueue<T extends TemplateName>(
  trx: Transaction<DB> | Db,
  template: T,
  to: string,
  props: TemplateProps<T>,
  language: string = DEFAULT_LANGUAGE,
): Promise<{ id: string; idempotencyKey: string }> {
  const check = templates[template].schema.safeParse({ ...props, appUrl: "https://placeholder.invalid" });
  if (!check.success) throw new Error(`enqueue(${template}): bad props: ${check.error.message}`);
  const row = await trx
    .insertInto("email_outbox")
    .values({ template, to_address: to, props: JSON.stringify(props), language })
    .returning(["id", "idempotency_key"])
    .executeTakeFirstOrThrow();
  return { id: row.id, idempotencyKey: row.idempotency_key };
}

/**
 * An address that must be forgotten (its signer withdrew): the outbox keeps its records of what was
 * sent, without the address or the contents, and anything not yet sent to it is never sent.
 */
export async function redactRecipient(trx: Transaction<DB> | Db, address: string, why: string, onlyTemplates?: TemplateName[]): Promise<void> {
  await trx
    .updateTable("email_outbox")
    .set((eb) => ({
      to_address: sql<string>`'withdrawn-' || ${eb.ref("id")} || '@redacted.invalid'`,
      props: null,
      state: eb.case().when("state", "in", ["queued", "batched"]).then(eb.val<OutboxState>("dead")).else(eb.ref("state")).end(),
      last_error: eb.case().when("state", "in", ["queued", "batched"]).then(why).else(eb.ref("last_error")).end(),
    }))
    .where("to_address", "=", address)
    .$if(onlyTemplates !== undefined, (qb) => qb.where("template", "in", onlyTemplates!))
    .execute();
}

/**
 * Queues an email whose props the worker completes at claim time (a sign-in email: whether the
 * address has an account is decided there, out of the request's time). Not checked against the
 * template's schema here, because these props are not yet the template's.
 */
export async function enqueueForWorker(trx: Transaction<DB> | Db, template: TemplateName, to: string, request: Record<string, unknown>): Promise<void> {
  await trx
    .insertInto("email_outbox")
    .values({ template, to_address: to, props: JSON.stringify(request) })
    .execute();
}
