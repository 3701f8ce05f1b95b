import { z } from "zod";
import "./messages";

/** Inputs every area reads the same way. */

/** A row id (a PostgreSQL bigint) as it travels in URLs and forms. */
export const idSchema = z.string({ error: "Missing id" }).regex(/^[1-9]\d{0,17}$/, "Not a valid id");

export const isId = (value: unknown): value is string => idSchema.safeParse(value).success;

/** An email address as a person types it: trimmed, at most 254 characters, well formed. */
export function emailSchema(messages: { missing: string; invalid: string }) {
  return z
    .string({ error: messages.missing })
    .trim()
    .max(254, "email.tooLong")
    .pipe(z.email({ error: messages.invalid }));
}

/** The 8-character code printed beside a confirmation link, read the way Crockford's base32 reads it (O is 0, I and L are 1). */
export const confirmationCodeSchema = z
  .string({ error: "code.missing" })
  .transform((v) => v.replace(/[\s-]/g, "").toUpperCase().replace(/O/g, "0").replace(/[IL]/g, "1"))
  .refine((v) => /^[0-9A-Z]{8}$/.test(v), "code.invalid");
