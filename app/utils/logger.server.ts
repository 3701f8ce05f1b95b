import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs on stdout. Nothing personal is logged: no email, no IP, no query string, and
 * path segments that look like tokens are masked (see safePath). The redact list is a second line
 * of defence for fields a caller might pass by mistake.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "countersign" },
      redact: {
        paths: ["email", "*.email", "ip", "*.ip", "token", "*.token", "headers", "*.headers", "to", "*.to"],
        censor: "[redacted]",
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** The request path for logs: no query string, and long random-looking segments replaced by :token. */
export function safePath(url: string): string {
  const pathOnly = url.split(/[?#]/, 1)[0] ?? "/";
  return (
    pathOnly
      .split("/")
      // Anywhere in a segment: a token copied with a trailing dot or bracket, or with `.data` after it, is a token still.
      .map((segment) => segment.replace(/[A-Za-z0-9_-]{20,}/g, ":token"))
      .map((segment) => (segment.includes("@") || segment.includes("%40") ? ":redacted" : segment))
      .join("/")
  );
}
