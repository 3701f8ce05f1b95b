import { CURRENT_LETTER, getCurrentLetter, readLetterFile, registerLetterVersion } from "../../app/domain/letter/letter.server";
import type { SignFormInput } from "../../app/domain/signatures/schema";
import { submitSignature, type SignContext } from "../../app/domain/signatures/sign.server";
import type { Db } from "../../db/client";

export const TEST_IP_SECRET = "test-ip-hash-secret-0123456789abcdef";

let ipCounter = 1;
/** A context with a fresh IP each call, so rate limits do not cross tests unless a test wants them to. */
export function freshContext(ip?: string): SignContext {
  const n = ipCounter++;
  return { ip: ip ?? `198.51.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`, ipHashSecret: TEST_IP_SECRET };
}

let emailCounter = 0;
export function uniqueEmail(prefix = "artist"): string {
  return `${prefix}.${Date.now().toString(36)}.${emailCounter++}@example.org`;
}

export function signInput(overrides: Partial<SignFormInput> = {}): SignFormInput {
  return {
    displayName: "The Weather Station",
    role: "musician",
    country: "CA",
    email: uniqueEmail(),
    attest: true,
    consent: true,
    ...overrides,
  };
}

export async function registerCurrentLetter(db: Db) {
  return registerLetterVersion(db, CURRENT_LETTER.slug, await readLetterFile());
}

/** The letter in force, as the server holds it (tests register it first). */
export async function currentLetter(db: Db) {
  const letter = await getCurrentLetter(db, CURRENT_LETTER.slug);
  if (!letter) throw new Error("register the current letter first (registerCurrentLetter)");
  return letter;
}

export async function sign(db: Db, overrides: Partial<SignFormInput> = {}, ctx = freshContext()) {
  return submitSignature(db, await currentLetter(db), signInput(overrides), undefined, ctx);
}

/** The props of the newest email queued to `to` (tests read tokens from here, as a person reads their inbox). */
export async function lastEmailTo(db: Db, to: string) {
  const row = await db
    .selectFrom("email_outbox")
    .select(["template", "props", "to_address"])
    .where("to_address", "=", to)
    .orderBy("id", "desc")
    .executeTakeFirst();
  return row && { template: row.template, props: row.props as Record<string, string> };
}

export async function emailsTo(db: Db, to: string) {
  return db.selectFrom("email_outbox").select(["template", "props"]).where("to_address", "=", to).orderBy("id").execute();
}
