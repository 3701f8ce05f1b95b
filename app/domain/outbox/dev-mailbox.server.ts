import { isIP } from "node:net";
import type { Db } from "../../../db/client";
import type { Env } from "../../utils/env.server";
import { linksIn } from "./render.server";

/**
 * The dev mailbox shows every email, sign-in codes included, to whoever can reach it, without a
 * sign-in. So it exists only where no real provider is configured, never in production, and only
 * when the server listens on a loopback address — or DEV_MAILBOX=on says the network is trusted.
 */
export function devMailboxEnabled(env: Pick<Env, "isProduction" | "RESEND_API_KEY" | "HOST" | "DEV_MAILBOX">): boolean {
  if (env.isProduction || env.RESEND_API_KEY || env.DEV_MAILBOX === "off") return false;
  return env.DEV_MAILBOX === "on" || isLoopbackHost(env.HOST);
}

/** 127.0.0.0/8, ::1 (bracketed or not) and localhost: addresses no other machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || h === "0:0:0:0:0:0:0:1";
  return false;
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
