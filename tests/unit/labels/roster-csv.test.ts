import fc from "fast-check";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { ROSTER_LIMITS, ROSTER_MESSAGES, parseRoster, rosterRowSchema, type RosterParse, type RosterRow } from "../../../app/domain/labels/roster-csv";
import { nameKey } from "../../../app/domain/signatures/text";

const ctx = { repEmail: "Rep@Label.com" };

/** The rows of an accepted file (fails the test if the file was refused). */
function rowsOf(result: RosterParse): RosterRow[] {
  if (!result.ok) throw new Error(`the file was refused: ${result.message}`);
  return result.rows;
}

function refusal(result: RosterParse) {
  if (result.ok) throw new Error("the file was accepted");
  return result;
}

const only = (input: string | Uint8Array, context: Parameters<typeof parseRoster>[1] = ctx) => {
  const rows = rowsOf(parseRoster(input, context));
  expect(rows).toHaveLength(1);
  return rows[0]!;
};

const utf8 = (text: string) => new TextEncoder().encode(text);

describe("parseRoster: format", () => {
  it("reads a plain comma file", () => {
    const result = parseRoster("name,role,country,link,email\nSunn O))),musician,US,https://sunn.example,sunn@example.org\n", ctx);
    expect(result).toEqual({
      ok: true,
      valid: 1,
      invalid: 0,
      rows: [
        {
          line: 2,
          values: { name: "Sunn O)))", role: "musician", country: "US", link: "https://sunn.example", email: "sunn@example.org" },
          errors: {},
        },
      ],
    });
  });

  it("reads a file with a BOM, as text or as bytes", () => {
    const text = "\uFEFFname,role,country\nBjörk,musician,IS\n";
    for (const input of [text, utf8(text)]) {
      const row = only(input);
      expect(row.values).toMatchObject({ name: "Björk", role: "musician", country: "IS" });
      expect(row.errors).toEqual({});
    }
  });

  it("reads bytes without a BOM", () => {
    expect(only(utf8("name,role,country\nSigur Rós,musician,IS")).values.name).toBe("Sigur Rós");
  });

  it("reads semicolons, as European spreadsheets write them, with commas inside values", () => {
    const row = only("Name;Role;Country\nEarth, Wind & Fire;musician;US\n");
    expect(row.values).toMatchObject({ name: "Earth, Wind & Fire", role: "musician", country: "US" });
    expect(row.errors).toEqual({});
  });

  it("takes the delimiter from Excel's sep= line", () => {
    const rows = rowsOf(parseRoster("sep=;\r\nname;role;country\r\nA, B;dj;DE\r\n", ctx));
    expect(rows[0]).toMatchObject({ line: 3, values: { name: "A, B", role: "dj", country: "DE" }, errors: {} });
  });

  it("reads quoted fields with delimiters, doubled quotes and line breaks", () => {
    const csv = [
      "name,role,country,notes",
      '"Crosby, Stills & Nash",musician,US,x',
      '"The ""Real"" Tuesday Weld",producer,GB,x',
      'Line Break Band,dj,FR,"first line',
      'second line, still the note"',
      "After,engineer,DE,x",
    ].join("\n");
    const rows = rowsOf(parseRoster(csv, ctx));
    expect(rows.map((r) => [r.line, r.values.name])).toEqual([
      [2, "Crosby, Stills & Nash"],
      [3, 'The "Real" Tuesday Weld'],
      [4, "Line Break Band"],
      [6, "After"],
    ]);
    expect(rows.every((r) => Object.keys(r.errors).length === 0)).toBe(true);
  });

  it("refuses a line break inside a name", () => {
    const row = only('name,role,country\n"Two\nLines",dj,FR\n');
    expect(row.errors.name).toBe(ROSTER_MESSAGES.invisible);
  });

  it("reads CRLF and counts lines the same way, skipping blank lines", () => {
    const rows = rowsOf(parseRoster("name,role,country\r\nA,dj,FR\r\n\r\n   \r\n,,\r\nB,dj,FR\r\n\r\n", ctx));
    expect(rows.map((r) => [r.line, r.values.name])).toEqual([
      [2, "A"],
      [6, "B"],
    ]);
  });

  it("finds the header after leading blank lines", () => {
    const rows = rowsOf(parseRoster("\n\nname,role,country\nA,dj,FR\n", ctx));
    expect(rows[0]).toMatchObject({ line: 4, errors: {} });
  });

  it("reads header names in any case and with the email aliases, and ignores unknown columns", () => {
    for (const emailHeader of ["email", "E-mail", "Artist Email", "ARTIST_EMAIL", " artist e-mail "]) {
      const row = only(`  NAME , Role ,COUNTRY,Notes,${emailHeader},Link\nA,dj,FR,hello,a@example.org,https://a.example\n`);
      expect(row.values).toEqual({ name: "A", role: "dj", country: "FR", link: "https://a.example", email: "a@example.org" });
    }
  });

  it("reads columns in any order, and link and email may be left out", () => {
    const row = only("country;name;role\nFR;Air;musician\n");
    expect(row.values).toEqual({ name: "Air", role: "musician", country: "FR", link: undefined, email: undefined });
    expect(row.errors).toEqual({});
  });

  it("refuses a header without the required columns, and names them", () => {
    const missing = refusal(parseRoster("name,email\nA,a@example.org\n", ctx));
    expect(missing.code).toBe("header");
    expect(missing.message).toContain("role, country are missing");

    const noHeader = refusal(parseRoster("Air,musician,FR\n", ctx));
    expect(noHeader.code).toBe("header");

    const tabs = refusal(parseRoster("name\trole\tcountry\nAir\tmusician\tFR\n", ctx));
    expect(tabs.message).toContain("commas or semicolons");
  });

  it("refuses a header with the same column twice", () => {
    expect(refusal(parseRoster("name,role,country,email,e-mail\nA,dj,FR,,\n", ctx)).code).toBe("header");
  });

  it("marks a line with more values than the header", () => {
    const row = only("name,role,country\nSmith, John,dj,FR\n");
    expect(row.errors.row).toMatch(/4 values but the header has 3/);
  });

  it("refuses a quote that is never closed, with its line", () => {
    const result = refusal(parseRoster('name,role,country\nA,dj,FR\n"B,dj,FR\nC,dj,FR\n', ctx));
    expect(result).toMatchObject({ code: "quotes" });
    expect(result.message).toContain("Line 3");
  });
});

describe("parseRoster: whole-file limits", () => {
  const header = "name,role,country,link,email\n";
  const lines = (count: number) => Array.from({ length: count }, (_, i) => `Artist ${i},musician,FR,https://artist-${i}.example,artist${i}@example.org`);

  it("accepts 1,000 rows, well under 100 ms", () => {
    const csv = header + lines(ROSTER_LIMITS.maxRows).join("\n");
    const first = parseRoster(csv, ctx);
    expect(first).toMatchObject({ ok: true, valid: 1000, invalid: 0 });
    expect(rowsOf(first)[999]!.line).toBe(1001);
    // CPU time, not wall time: the suite shares the machine with other processes. Warm runs (the
    // first call above pays for compiling the regular expressions and schemas).
    const times = [0, 1, 2, 3, 4].map(() => {
      const started = process.cpuUsage();
      parseRoster(csv, { ...ctx, existingNameKeys: new Set(["someoneelse"]) });
      const used = process.cpuUsage(started);
      return (used.user + used.system) / 1000;
    });
    expect(Math.min(...times)).toBeLessThan(100);
  });

  it("refuses 1,001 rows and says how many", () => {
    const result = refusal(parseRoster(header + lines(1001).join("\n"), ctx));
    expect(result.code).toBe("too_many_rows");
    expect(result.message).toContain("1,001");
    expect(result.message).toContain("1,000");
  });

  it("does not count blank lines as rows", () => {
    expect(parseRoster(header + lines(1000).join("\n\n") + "\n\n\n", ctx)).toMatchObject({ ok: true, valid: 1000 });
  });

  it("refuses a 2 MB file, as text or bytes, and says the size and the limit", () => {
    const big = header + "x".repeat(2_000_000);
    for (const input of [big, utf8(big)]) {
      const result = refusal(parseRoster(input, ctx));
      expect(result.code).toBe("too_large");
      expect(result.message).toContain("2 MB");
      expect(result.message).toContain("1 MB");
    }
  });

  it("counts the size in UTF-8 bytes", () => {
    // 400,000 characters, but 1.2 MB in UTF-8.
    const result = refusal(parseRoster(header + "ü".repeat(600_000), ctx));
    expect(result).toMatchObject({ code: "too_large" });
    expect(result.message).toContain("1.2 MB");
  });

  it("refuses a file just over the limit with its exact size", () => {
    const result = refusal(parseRoster("x".repeat(ROSTER_LIMITS.maxBytes + 1), ctx));
    expect(result.message).toContain("1,000,001 bytes");
  });

  it("refuses binary files", () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]);
    expect(refusal(parseRoster(png, ctx)).code).toBe("binary");
    expect(refusal(parseRoster(utf8("name,role,country\nA\0,dj,FR\n"), ctx)).code).toBe("binary");
    expect(refusal(parseRoster("name,role,country\nA\0,dj,FR\n", ctx)).code).toBe("binary");
    // An .xlsx is a zip.
    expect(refusal(parseRoster(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0]), ctx)).code).toBe("binary");
  });

  it("refuses text that is not UTF-8", () => {
    // "Björk" in Windows-1252, as Excel's plain "CSV" saves it.
    const latin1 = new Uint8Array([...utf8("name,role,country\nBj"), 0xf6, ...utf8("rk,musician,IS\n")]);
    const result = refusal(parseRoster(latin1, ctx));
    expect(result.code).toBe("not_utf8");
    expect(result.message).toContain("CSV UTF-8");
    expect(refusal(parseRoster(new Uint8Array([0xc3, 0x28, 0x41]), ctx)).code).toBe("not_utf8");
    // The same file read elsewhere with replacement characters.
    expect(refusal(parseRoster("name,role,country\nBj\uFFFDrk,musician,IS\n", ctx)).code).toBe("not_utf8");
    // UTF-16 ("Unicode text"), BOM first.
    expect(refusal(parseRoster(new Uint8Array([0xff, 0xfe, 0x6e, 0, 0x61, 0]), ctx)).code).toBe("not_utf8");
    expect(refusal(parseRoster("name,role,country\n\uD800x,dj,FR\n", ctx)).code).toBe("not_utf8");
  });

  it("refuses an empty file, and a header with no rows", () => {
    for (const input of ["", "\n\n   \n", "\uFEFF", new Uint8Array(), utf8("\uFEFF\r\n")]) expect(refusal(parseRoster(input, ctx)).code).toBe("empty");
    expect(refusal(parseRoster("name,role,country\n\n", ctx)).code).toBe("no_rows");
  });
});

describe("parseRoster: each row", () => {
  const row = (cells: string, context = ctx) => only(`name,role,country,link,email\n${cells}\n`, context);

  it.each(["=HYPERLINK(1)", "+33 Band", "-M-", "@handle", " =1+1", "\t=1+1", '"\t=1+1"'])("refuses the formula-looking name %j", (name) => {
    expect(row(`${name},dj,FR,,`).errors.name).toBe("Names cannot start with =, +, - or @ (spreadsheet formulas)");
  });

  it.each([
    ["zero-width space", "Sun\u200Bn"],
    ["left-to-right mark", "Sunn\u200E"],
    ["right-to-left override", "\u202Enuss"],
    ["word joiner", "Su\u2060nn"],
    ["invisible plus", "Sunn\u2064"],
    ["zero-width no-break space", "Su\uFEFFnn"],
    ["soft hyphen (Cf)", "Su\u00ADnn"],
    ["a joiner at the edge", "Sunn\u200D"],
  ])("refuses a name with a %s", (_, name) => {
    expect(row(`${name},dj,FR,,`).errors.name).toBe(ROSTER_MESSAGES.invisible);
  });

  it("allows the joiners that scripts and emoji need, as the sign form does", () => {
    expect(row("\u{1F469}\u200D\u{1F3A4} Singers,musician,FR,,").errors).toEqual({});
    expect(row("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645,musician,IR,,").errors).toEqual({});
  });

  it("refuses empty and too-long names with the sign form's messages", () => {
    expect(row(",dj,FR,,").errors.name).toBe("Enter the name to show on the letter");
    expect(row("   ,dj,FR,,").errors.name).toBe("Enter the name to show on the letter");
    expect(row(`${"a".repeat(121)},dj,FR,,`).errors.name).toBe("Use at most 120 characters");
    expect(row(`${"a".repeat(120)},dj,FR,,`).errors).toEqual({});
    expect(row("band.com,dj,FR,,").errors.name).toBe("A name cannot contain a web address");
  });

  it("cleans names as the sign form does", () => {
    expect(row("  Beyonce\u0301  ,musician,US,,").values.name).toBe("Beyonc\u00e9");
  });

  it("marks the second and later copies of a name with the first line", () => {
    const rows = rowsOf(parseRoster("name,role,country\nThe Beatles,musician,GB\nBeatles,dj,GB\nAir,dj,FR\nTHE BEATLES!,dj,GB\n", ctx));
    expect(rows.map((r) => r.errors.name)).toEqual([undefined, "Same name as line 2", undefined, "Same name as line 2"]);
  });

  it("marks a name the label already listed", () => {
    const existingNameKeys = new Set([nameKey("Sunn O)))")]);
    const rows = rowsOf(parseRoster("name,role,country\nsunn o))),musician,US\nAir,dj,FR\n", { ...ctx, existingNameKeys }));
    expect(rows.map((r) => r.errors.name)).toEqual(["Already on the list from your label", undefined]);
  });

  it("refuses the rep's own address, in any case", () => {
    expect(row("Air,dj,FR,,rep@label.com").errors.email).toBe("This is your own address: give the artist's");
    expect(row("Air,dj,FR,, REP@LABEL.COM ").errors.email).toBe("This is your own address: give the artist's");
  });

  it("marks the same artist email twice", () => {
    const rows = rowsOf(parseRoster("name,role,country,email\nAir,dj,FR,a@example.org\nDaft Punk,dj,FR,A@Example.org\nJustice,dj,FR,\nCassius,dj,FR,\n", ctx));
    expect(rows.map((r) => r.errors.email)).toEqual([undefined, expect.stringContaining("Same email as line 2"), undefined, undefined]);
  });

  it("refuses a malformed email with the app's email rule", () => {
    expect(row("Air,dj,FR,,not-an-email").errors.email).toBe("Enter a valid email address, like name@example.org");
  });

  it("takes a role as its code or its label, in any case", () => {
    for (const [given, code] of [
      ["Musician", "musician"],
      ["MUSICIAN", "musician"],
      ["dj", "dj"],
      ["DJ", "dj"],
      [" Songwriter ", "songwriter"],
      ["podcaster", "podcaster"],
    ]) {
      expect(row(`Air,${given},FR,,`)).toMatchObject({ values: { role: code }, errors: {} });
    }
    expect(row("Air,drummer,FR,,").errors.role).toContain('"drummer" is not one of the roles');
    expect(row("Air,,FR,,").errors.role).toMatch(/^Enter the artist's role/);
  });

  it("takes a country as its code or its English name, in any case and without accents", () => {
    for (const [given, code] of [
      ["FR", "FR"],
      ["fr", "FR"],
      ["France", "FR"],
      ["FRANCE", "FR"],
      ["Côte d’Ivoire", "CI"],
      ["Cote d'Ivoire", "CI"],
      ["Trinidad and Tobago", "TT"],
      ["Turkiye", "TR"],
      ["UK", "GB"],
      ["United Kingdom", "GB"],
      ["USA", "US"],
      ["Myanmar", "MM"],
    ]) {
      expect(row(`Air,dj,${given},,`)).toMatchObject({ values: { country: code }, errors: {} });
    }
    expect(row("Air,dj,Atlantis,,").errors.country).toContain('"Atlantis"');
    expect(row("Air,dj,,,").errors.country).toMatch(/^Enter the artist's country/);
  });

  it("checks links with the sign form's rule, adding https:// to a bare address", () => {
    expect(row("Air,dj,FR,www.air.example/music,").values.link).toBe("https://www.air.example/music");
    expect(row("Air,dj,FR,https://air.example,").values.link).toBe("https://air.example");
    expect(row("Air,dj,FR,,").values.link).toBeUndefined();
    expect(row("Air,dj,FR,ftp://air.example,").errors.link).toBe("Enter a full web address starting with https://");
    expect(row("Air,dj,FR,javascript:alert(1),").errors.link).toBe("Enter a full web address starting with https://");
  });

  it("counts valid and invalid rows", () => {
    expect(parseRoster("name,role,country\nAir,dj,FR\n=x,dj,FR\nAir,dj,FR\n", ctx)).toMatchObject({ ok: true, valid: 1, invalid: 2 });
  });
});

describe("parseRoster on any input", () => {
  const header = fc.constantFrom("name,role,country,link,email", "Name;Role;Country;Link;Artist Email", "\uFEFFname,role,country", "");
  const cellText = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.constantFrom(
      "Air",
      "=1+1",
      "dj",
      "Musician",
      "FR",
      "France",
      "https://a.example",
      "www.a.example",
      "a@example.org",
      "rep@label.com",
      "\u200B",
      '"',
      "\n",
      ";",
      ",",
    ),
  );

  function expectConsistent(result: RosterParse) {
    if (!result.ok) {
      expect(result.message.trim().length).toBeGreaterThan(0);
      return;
    }
    expect(result.valid + result.invalid).toBe(result.rows.length);
    for (const row of result.rows) {
      if (Object.keys(row.errors).length === 0) expect(rosterRowSchema.safeParse(row.values).success).toBe(true);
    }
  }

  it("never throws on arbitrary text or bytes", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.uint8Array()), (input) => {
        expectConsistent(parseRoster(input, ctx));
      }),
      { numRuns: 300 },
    );
  });

  it("reads every row of a well-formed file, and every row without errors passes the sign form's schemas", () => {
    fc.assert(
      fc.property(
        header,
        fc.array(fc.tuple(cellText, cellText, cellText, cellText, cellText), { maxLength: 20 }),
        fc.constantFrom(",", ";"),
        (head, cells, delimiter) => {
          const body = Papa.unparse(cells, { delimiter, newline: "\r\n" });
          const result = parseRoster(`${head.replace(/[,;]/g, delimiter)}\r\n${body}`, { repEmail: "rep@label.com" });
          expectConsistent(result);
          if (result.ok) expect(result.rows.length).toBeLessThanOrEqual(cells.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
