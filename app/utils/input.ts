import { parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import { englishError } from "./english";

/**
 * The input boundary (docs/decisions/011): a loader reads its query string, and an action its form,
 * through the one zod schema of that input. conform drops empty fields, so a blank box is "not given".
 */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const submission = parseWithZod(new URL(request.url).searchParams, { schema });
  // Query schemas fall back to their defaults (`.catch`), so a bad link still shows a page.
  if (submission.status !== "success") return schema.parse({});
  return submission.value as z.output<S>;
}

/** The first field message of a refused submission (a key of errors.json), for forms that show one line. */
export function firstErrorKey(submission: { status?: string; error?: Record<string, string[] | null> | null }): string {
  for (const messages of Object.values(submission.error ?? {})) if (messages?.[0]) return messages[0];
  return "form.check";
}

/** The same in English, for the pages that stay English (admin, a label's dashboard). */
export function firstError(submission: { status?: string; error?: Record<string, string[] | null> | null }): string {
  return englishError(firstErrorKey(submission));
}
