import { describe, expect, it } from "vitest";
import { formatNumber } from "../../../app/utils/format";

describe("formatNumber", () => {
  it("writes counts as the pages always did (en-GB grouping), with one formatter for the process", () => {
    for (const n of [0, 7, 999, 1000, 1234567, 1_000_000]) expect(formatNumber(n)).toBe(n.toLocaleString("en-GB"));
    expect(formatNumber(1234567)).toBe("1,234,567");
  });
});
