/**
 * Wall-clock times in a named zone, through Intl only. An admin schedules the launch as "10
 * December 2026, 09:00 in Europe/Madrid"; we store the instant and the zone, and say it back the
 * same way.
 */

/** Every IANA zone this Node knows. */
export const TIME_ZONES: readonly string[] = ["UTC", ...Intl.supportedValuesOf("timeZone").filter((zone) => zone !== "UTC")];

/** Whether Intl knows `zone` (aliases such as Asia/Kolkata included, though the list may name Asia/Calcutta). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const partsFormat = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, zone: string): number {
  let format = partsFormat.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormat.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a `datetime-local` value ("2026-12-10T09:00") names in `zone`, or undefined when the
 * value is malformed or names a time the zone skips (a daylight-saving gap). In an hour a zone
 * repeats, the earlier one.
 */
export function zonedToInstant(local: string, zone: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match || !isTimeZone(zone)) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  if (Number.isNaN(wall) || new Date(wall).getUTCMonth() !== month - 1 || new Date(wall).getUTCDate() !== day || hour > 23 || minute > 59) return undefined;
  // Try the offsets in force a day either side; keep the earliest instant whose wall clock is `local`.
  const candidates = [offsetAt(wall - 86_400_000, zone), offsetAt(wall + 86_400_000, zone), offsetAt(wall, zone)]
    .map((offset) => wall - offset)
    .filter((instant) => offsetAt(instant, zone) === wall - instant)
    .sort((a, b) => a - b);
  return candidates[0] === undefined ? undefined : new Date(candidates[0]);
}

/** "10 December 2026, 09:00 CET (Europe/Madrid)". */
export function formatInZone(instant: Date, zone: string, language = "en"): string {
  // In the visitor's language (decision 019); English is written the British way, as before.
  const locale = language === "en" ? "en-GB" : language;
  const text = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short", timeZone: zone }).format(instant);
  const name = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: "short" }).formatToParts(instant).find((p) => p.type === "timeZoneName")?.value;
  return `${text} ${name ?? ""} (${zone})`.replace(/\s+/g, " ");
}

/** The `datetime-local` value of `instant` in `zone` (to fill a form back in). */
export function instantToZoned(instant: Date, zone: string): string {
  const shifted = new Date(instant.getTime() + offsetAt(instant.getTime(), zone));
  return shifted.toISOString().slice(0, 16);
}
