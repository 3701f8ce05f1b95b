// Formatters made once per process: `n.toLocaleString("en-GB")` builds an Intl.NumberFormat on
// every call, and a list page formats dozens of numbers per render.
const numbers = new Intl.NumberFormat("en-GB");

/** 1234567 → "1,234,567", as every public page writes counts. */
export const formatNumber = (n: number): string => numbers.format(n);
