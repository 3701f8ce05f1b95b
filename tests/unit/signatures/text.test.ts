import { describe, expect, it } from "vitest";
import { cleanText, hasInvisibleCharacters, nameKey, nameProblem } from "../../../app/domain/signatures/text";

describe("cleanText", () => {
  it("trims surrounding whitespace", () => {
    expect(cleanText("  Mr. Bungle \n\t")).toBe("Mr. Bungle");
  });

  it("puts text in NFC, so a decomposed accent becomes one character", () => {
    const decomposed = "Beyonce\u0301";
    expect(decomposed).toHaveLength(8);
    const cleaned = cleanText(decomposed);
    expect(cleaned).toBe("Beyonc\u00e9");
    expect(cleaned).toHaveLength(7);
    expect(cleanText("e\u0301")).toBe("\u00e9");
  });

  it("trims and normalises together", () => {
    expect(cleanText(" Mari\u0301a Jose\u0301 ")).toBe("Mar\u00eda Jos\u00e9");
  });
});

describe("nameProblem", () => {
  it("refuses an empty name", () => {
    expect(nameProblem("")).toBe("empty");
  });

  it("counts length in code points: 120 emoji pass, 121 do not", () => {
    const guitar = "\u{1F3B8}";
    expect(guitar).toHaveLength(2); // two UTF-16 units, one character
    expect(nameProblem(guitar.repeat(120))).toBeUndefined();
    expect(nameProblem(guitar.repeat(121))).toBe("too_long");
  });

  it("accepts 120 plain characters and refuses 121", () => {
    expect(nameProblem("a".repeat(120))).toBeUndefined();
    expect(nameProblem("a".repeat(121))).toBe("too_long");
  });

  it("honours a custom maximum", () => {
    expect(nameProblem("abcde", 5)).toBeUndefined();
    expect(nameProblem("abcdef", 5)).toBe("too_long");
  });

  it.each(["https://x.y", "http://band.example", "www.band.com", "myband.com", "Listen at myband.io", "band.fm"])("refuses the web address %j", (name) => {
    expect(nameProblem(name)).toBe("url");
  });

  it.each(["Mr. Bungle", "Sunn O)))", "DJ Koze", "Beyonc\u00e9", "Mar\u00eda Jos\u00e9", "AC/DC", "!!!", "St. Vincent", "M.I.A.", "a=b"])(
    "accepts the real name %j",
    (name) => {
      expect(nameProblem(name)).toBeUndefined();
    },
  );

  it.each([
    ["zero-width space U+200B", "Sunn\u200BO"],
    ["right-to-left override U+202E", "DJ \u202EezoK"],
    ["left-to-right isolate U+2066", "DJ \u2066Koze"],
    ["soft hyphen U+00AD", "Bey\u00ADonc\u00e9"],
    ["NUL", "AC\u0000DC"],
    ["tab", "DJ\tKoze"],
    ["newline", "DJ\nKoze"],
    ["carriage return", "DJ\rKoze"],
    ["line separator U+2028", "DJ\u2028Koze"],
    ["private-use character U+E000", "DJ \uE000"],
  ])("refuses a name containing a %s", (_label, name) => {
    expect(nameProblem(name)).toBe("invisible");
  });

  it.each(['=HYPERLINK("x")', "+1 555", "-2+3", "@SUM(A1:A2)"])("refuses the spreadsheet formula start in %j", (name) => {
    expect(nameProblem(name)).toBe("formula");
  });

  it("refuses a formula character only at the start", () => {
    expect(nameProblem("a=b")).toBeUndefined();
    expect(nameProblem("Blink-182")).toBeUndefined();
    expect(nameProblem("Mike + The Mechanics")).toBeUndefined();
    expect(nameProblem("hello@home")).toBeUndefined();
  });
});

describe("hasInvisibleCharacters", () => {
  it("finds nothing in ordinary text, accents and emoji", () => {
    expect(hasInvisibleCharacters("Sunn O))) \u2014 Beyonc\u00e9 \u{1F3B8}")).toBe(false);
    expect(hasInvisibleCharacters("Sunn O))) \u2014 Beyonc\u00e9 \u{1F3B8}", true)).toBe(false);
  });

  it("refuses a newline unless newlines are allowed", () => {
    expect(hasInvisibleCharacters("line one\nline two")).toBe(true);
    expect(hasInvisibleCharacters("line one\nline two", false)).toBe(true);
    expect(hasInvisibleCharacters("line one\nline two", true)).toBe(false);
  });

  it.each([
    ["zero-width space", "a\u200Bb"],
    ["right-to-left override", "a\u202Eb"],
    ["left-to-right isolate", "a\u2066b"],
    ["soft hyphen", "a\u00ADb"],
    ["NUL", "a\u0000b"],
    ["tab", "a\tb"],
    ["control escape (ESC)", "a\u001Bb"],
  ])("still refuses a %s when newlines are allowed", (_label, text) => {
    expect(hasInvisibleCharacters(text)).toBe(true);
    expect(hasInvisibleCharacters(text, true)).toBe(true);
  });
});

describe("nameKey", () => {
  it("folds case", () => {
    expect(nameKey("DJ KOZE")).toBe(nameKey("dj koze"));
  });

  it("folds accents", () => {
    expect(nameKey("Beyonc\u00e9")).toBe(nameKey("BEYONCE"));
    expect(nameKey("Beyonc\u00e9")).toBe("beyonce");
    expect(nameKey("Mar\u00eda Jos\u00e9")).toBe(nameKey("maria jose"));
  });

  it("folds punctuation and spacing", () => {
    expect(nameKey("AC/DC")).toBe(nameKey("ac dc"));
    expect(nameKey("AC/DC")).toBe("acdc");
    expect(nameKey("Sunn O)))")).toBe("sunno");
  });

  it('drops a leading "The "', () => {
    expect(nameKey("The Weather Station")).toBe(nameKey("weather-station"));
    expect(nameKey("The Weather Station")).toBe("weatherstation");
    expect(nameKey("THE  Weather Station")).toBe("weatherstation");
  });

  it('keeps "the" when it is not a leading word', () => {
    expect(nameKey("Theory")).toBe("theory");
    expect(nameKey("Weather Station, The")).toBe("weatherstationthe");
  });

  it("keeps names that differ in letters or digits apart", () => {
    expect(nameKey("Blink-182")).not.toBe(nameKey("Blink-183"));
    expect(nameKey("Beyonc\u00e9")).not.toBe(nameKey("Beyonc\u00e8s"));
  });
});

describe("joiners that writing systems need", () => {
  it("accepts a zero-width joiner or non-joiner between two visible characters", () => {
    expect(nameProblem("👩\u200d🎤 Collective")).toBeUndefined();
    expect(nameProblem("می\u200cخواهم")).toBeUndefined();
  });

  it("still refuses them at an edge, doubled, or between spaces", () => {
    expect(nameProblem("\u200dPhoebe")).toBe("invisible");
    expect(nameProblem("Phoebe\u200d")).toBe("invisible");
    expect(nameProblem("Pho\u200d\u200debe")).toBe("invisible");
    expect(nameProblem("Phoebe \u200c Bridgers")).toBe("invisible");
  });
});
