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
    .max(254, "Use an email address of at most 254 characters")
    .pipe(z.email({ error: messages.invalid }));
}
