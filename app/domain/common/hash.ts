import { createHash } from "node:crypto";

/** The SHA-256 of a text's UTF-8 bytes, as 64 lowercase hex characters. */
export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
