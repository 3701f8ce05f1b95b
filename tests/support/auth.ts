import type { AppLoadContext } from "@remix-run/node";
import { startSession } from "../../app/utils/session.server";
import { addUser } from "../../app/domain/auth/users.server";
import type { UserRole } from "../../app/domain/auth/roles";
import { parseEnv } from "../../app/utils/env.server";
import type { Db } from "../../db/client";
import { labelWithRep } from "./labels";

let n = 0;
/** A user of the given role and a cookie header for a session of theirs. */
export async function userWithSession(db: Db, role: UserRole, appUrl = "http://letters.test") {
  const email = `${role}.${Date.now().toString(36)}.${n++}@countersign.test`;
  // A rep's account belongs to a label (the labels domain creates them; see tests/support/labels.ts).
  const { id } = role === "label_rep" ? { id: (await labelWithRep(db, { email })).userId } : await addUser(db, email, role);
  const context = { db, env: parseEnv({ APP_ENV: "test", APP_URL: appUrl }) } as unknown as AppLoadContext;
  const setCookie = await startSession(context, id);
  return { id, email, cookie: setCookie.split(";", 1)[0]!, setCookie };
}
