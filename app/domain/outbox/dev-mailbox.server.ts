import type { Db } from "../../../db/client";
import type { Env } from "../../utils/env.server";
import { linksIn } from "./render.server";

/** The dev mailbox exists only where no real provider is configured, and never in production. */
export function devMailboxEnabled(env: Env): boolean {
  return !env.isProduction && !env.RESEND_API_KEY;
}

export async function listDevMailbox(db: Db, limit = 100) {
  return db.selectFrom("dev_mailbox").select(["id", "to_address as to", "subject", "created_at as createdAt"]).orderBy("id", "desc").limit(limit).execute();
}

export async function getDevMailboxEmail(db: Db, id: string) {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const row = await db
    .selectFrom("dev_mailbox")
    .select(["id", "to_address as to", "from_address as from", "subject", "html", "text", "created_at as createdAt"])
    .where("id", "=", id)
    .executeTakeFirst();
  return row && { ...row, links: linksIn(row.html) };
}
