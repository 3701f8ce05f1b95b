/**
 * One cookie's value from a Cookie header, or undefined. Tolerant: a pair that is not `name=value`
 * or whose value is not valid percent-encoding (another site on a parent domain may set
 * `_ga=100%`) is skipped, never an error. The first well-formed pair with the name wins.
 */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      continue;
    }
  }
  return undefined;
}
