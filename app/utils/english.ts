import errors from "../locales/en/errors.json";

/**
 * A field message (a key of app/locales/<language>/errors.json, as the schemas give them) in
 * English, for the answers that stay English whatever the visitor's language: the JSON API, the
 * CSV's error lines, and the admin pages. Text that is not a key comes back as it is.
 */
export function englishError(message: string): string {
  let node: unknown = errors;
  for (const part of message.split(".")) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  return typeof node === "string" ? node : message;
}
