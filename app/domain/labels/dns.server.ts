import { randomBytes } from "node:crypto";
import { Resolver } from "node:dns/promises";
import type { Db } from "../../../db/client";
import { recordAudit } from "../audit/audit.server";

/**
 * The optional, stronger proof: a TXT record `countersign-verification=<token>` on the label's
 * domain. The token is not a secret (it is published in DNS); it only ties the record to this label.
 */

export const DNS_PREFIX = "countersign-verification=";

export function newDnsToken(): string {
  return randomBytes(16).toString("hex");
}

/** TXT records of a name, each as its strings (as node's resolver gives them). Tests inject their own. */
export type TxtResolver = (domain: string) => Promise<string[][]>;

/** Node's resolver with a short timeout and two tries: a slow DNS answers "not found yet", never hangs a request. */
export function systemTxtResolver(): TxtResolver {
  const resolver = new Resolver({ timeout: 2500, tries: 2 });
  return (domain) => resolver.resolveTxt(domain);
}

export type DnsOutcome = { status: "verified" } | { status: "already" } | { status: "not_found"; record: string } | { status: "lookup_failed"; record: string };

export function dnsRecord(token: string): string {
  return `${DNS_PREFIX}${token}`;
}

/** Looks the record up on the label's domain and records the proof when it is there. */
export async function checkDns(db: Db, labelId: string, actor: string, resolve: TxtResolver): Promise<DnsOutcome> {
  const label = await db.selectFrom("labels").select(["domain", "dns_token", "dns_verified_at"]).where("id", "=", labelId).executeTakeFirstOrThrow();
  if (label.dns_verified_at) return { status: "already" };
  let token = label.dns_token;
  if (!token) {
    token = newDnsToken();
    await db.updateTable("labels").set({ dns_token: token }).where("id", "=", labelId).execute();
  }
  const record = dnsRecord(token);
  let records: string[][];
  try {
    records = await resolve(label.domain);
  } catch (error) {
    const code = (error as { code?: string }).code;
    // No TXT records at all is an answer, not a failure.
    if (code === "ENODATA" || code === "ENOTFOUND") return { status: "not_found", record };
    return { status: "lookup_failed", record };
  }
  // A long TXT record arrives split into strings of at most 255 characters: join them.
  if (!records.some((parts) => parts.join("").trim() === record)) return { status: "not_found", record };
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("labels").set({ dns_verified_at: new Date(), updated_at: new Date() }).where("id", "=", labelId).execute();
    await recordAudit(trx, { actor, action: "label_dns_confirm", subjectType: "label", subjectId: labelId, after: "dns_confirmed", reason: label.domain });
  });
  return { status: "verified" };
}
