// Formatters made once per process and language: `n.toLocaleString(…)` builds an Intl.NumberFormat
// on every call, and a list page formats dozens of numbers per render.

/** The Intl locale of a site language: English is written the British way, as it always was. */
export const intlLocale = (language: string): string => (language === "en" ? "en-GB" : language);

const numbers = new Map<string, Intl.NumberFormat>();
const dates = new Map<string, Intl.DateTimeFormat>();

/** 1234567 → "1,234,567" (en), "1.234.567" (es): counts as the visitor's language writes them. */
export function formatNumber(n: number, language = "en"): string {
  let format = numbers.get(language);
  if (!format) numbers.set(language, (format = new Intl.NumberFormat(intlLocale(language))));
  return format.format(n);
}

/** A date in UTC, spelled out in the visitor's language: "2 December 2026", "2 de diciembre de 2026". */
export function formatDate(date: Date | string, language = "en"): string {
  let format = dates.get(language);
  if (!format)
    dates.set(language, (format = new Intl.DateTimeFormat(intlLocale(language), { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })));
  return format.format(typeof date === "string" ? new Date(date) : date);
}
