import { describe, expect, it } from "vitest";
import { badgesFor } from "../../../app/domain/public-list/badges";
import { CSV_HEADER, csvCell, csvRow } from "../../../app/domain/public-list/csv";
import { decodeCursor, encodeCursor } from "../../../app/domain/public-list/cursor";
import { parseListQuery } from "../../../app/domain/public-list/schema";
import { chainLink } from "../../../app/domain/public-list/snapshots.server";
import { countBadgeSvg, escapeXml, socialCardSvg } from "../../../app/domain/public-list/svg";
import { searchKey } from "../../../app/domain/signatures/text";
import { etagMatches } from "../../../app/utils/etag";
import { englishError } from "../../../app/utils/english";

describe("csvCell", () => {
  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ["+1 555", `"'+1 555"`],
    ["-2+3", `"'-2+3"`],
    ["@SUM(A1)", `"'@SUM(A1)"`],
    ["\tTabbed", `"'\tTabbed"`],
    ["\rReturn", `"'\rReturn"`],
    ["|pipe", `"'|pipe"`],
    ["%percent", `"'%percent"`],
  ])("defuses a cell a spreadsheet would run: %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it("quotes text, doubles quotes, and leaves commas and new lines inside the quotes", () => {
    expect(csvCell('Nick "Cave", and the Bad Seeds')).toBe('"Nick ""Cave"", and the Bad Seeds"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("Sigur Rós")).toBe('"Sigur Rós"');
  });

  it("writes numbers, booleans and empty values bare", () => {
    expect(csvCell(3)).toBe("3");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(null)).toBe("");
  });

  it("writes a row with the header's columns, ending in CRLF", () => {
    const row = csvRow({
      id: "7",
      name: "=cmd",
      kind: "roster",
      role: "dj",
      country: "FR",
      label: "Ed Banger",
      signedOn: "2026-11-20",
      approvedAt: "2026-11-21T10:00:00Z",
      featured: false,
      badges: ["via_label", "artist_confirmed"],
    });
    expect(row).toBe(`"'=cmd","roster","dj","FR","Ed Banger","2026-11-20","2026-11-21T10:00:00Z",false,"via_label artist_confirmed"\r\n`);
    expect(row.split(",")).toHaveLength(CSV_HEADER.split(",").length);
  });
});

describe("searchKey", () => {
  it.each([
    ["Björk Guðmundsdóttir", "bjork gudmundsdottir"],
    ["Sigur Rós", "sigur ros"],
    ["MØ", "mo"],
    ["Straße", "strasse"],
    ["  AC/DC!! ", "ac dc"],
    ["Zoë  Keating", "zoe keating"],
  ])("folds %j to %j", (name, key) => {
    expect(searchKey(name)).toBe(key);
  });
});

describe("parseListQuery", () => {
  it("gives each bad field its own message and keeps the good ones", () => {
    const result = parseListQuery(new URLSearchParams("q=bjork&kind=robot&country=XX&role=dj&limit=9999&after=%3Cscript%3E"));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    // Keys of errors.json, in English here (decision 019).
    expect(Object.fromEntries(Object.entries(result.errors).map(([field, message]) => [field, englishError(message)]))).toEqual({
      kind: "Choose a kind from the list",
      country: "Choose a country from the list",
      limit: "At most 200 a page",
      after: "This page link is broken",
    });
    expect(result.query).toMatchObject({ q: "bjork", role: "dj" });
    expect(result.query.kind).toBeUndefined();
  });

  it("treats blank fields as absent and upper-cases a country", () => {
    expect(parseListQuery(new URLSearchParams("q=&kind=&country=fr"))).toEqual({ ok: true, query: { country: "FR" } });
  });

  it("refuses after and before together", () => {
    const result = parseListQuery(new URLSearchParams("after=abc&before=def"));
    expect(result.ok).toBe(false);
  });
});

describe("decodeCursor", () => {
  const id = "Ab-_0123456789xY";
  const cursor = (...values: unknown[]) => Buffer.from(JSON.stringify(values)).toString("base64url");

  it("reads back what the list writes, as PostgreSQL prints it", () => {
    for (const [sort, values] of [
      ["new", ["true", "2026-11-28 19:40:00.123456+00", id]],
      ["new", ["false", "2024-02-29 00:00:00+05:30", id]],
      ["az", ["false", "bjork gudmundsdottir", id]],
      ["recent", ["2026-11-28 19:40:00-03", id]],
      ["relevance", ["1.5833334", id]],
      ["relevance", ["0", id]],
      ["relevance", ["2.4691358e-05", id]],
    ] as const) {
      expect(decodeCursor(sort, encodeCursor(sort, [...values])), `${sort} ${values.join(" ")}`).toEqual(values);
    }
  });

  it.each([
    ["a month 13", "new", cursor("new", "true", "2026-13-01 00:00:00+00", id)],
    ["30 February", "new", cursor("new", "true", "2026-02-30 00:00:00+00", id)],
    ["29 February in a common year", "recent", cursor("recent", "1900-02-29 00:00:00+00", id)],
    ["year 0000", "recent", cursor("recent", "0000-01-01 00:00:00+00", id)],
    ["hour 24", "recent", cursor("recent", "2026-01-01 24:00:00+00", id)],
    ["an offset of 16 hours", "recent", cursor("recent", "2026-01-01 10:00:00+16", id)],
    ["a relevance of 1e999", "relevance", cursor("relevance", "1e999", id)],
    ["a relevance that underflows a real", "relevance", cursor("relevance", "1e-999", id)],
    ["a relevance too small for a real", "relevance", cursor("relevance", "1e-50", id)],
    ["a relevance above 2", "relevance", cursor("relevance", "3", id)],
    ["a negative relevance", "relevance", cursor("relevance", "-0.5", id)],
    ["NaN", "relevance", cursor("relevance", "NaN", id)],
    ["a number where text belongs", "relevance", cursor("relevance", 0.5, id)],
    ["an internal id", "new", cursor("new", "true", "2026-01-01 00:00:00+00", "42")],
    ["an id of another shape", "new", cursor("new", "true", "2026-01-01 00:00:00+00", `${id}x`)],
    ["a NUL in text", "az", cursor("az", "false", "a\u0000b", id)],
    ["a huge string", "az", cursor("az", "false", "z".repeat(5000), id)],
    ["another order", "new", cursor("az", "true", "2026-01-01 00:00:00+00", id)],
    ["not JSON", "new", Buffer.from("[").toString("base64url")],
  ] as const)("refuses %s", (_, sort, value) => {
    expect(decodeCursor(sort, value)).toBeUndefined();
  });
});

describe("badgesFor", () => {
  it("states only what the system holds", () => {
    const none = { confirmed: false, labelName: null, labelDomainVerified: false, labelDnsVerified: false, identityChecked: false };
    expect(badgesFor({ ...none, kind: "artist" })).toEqual([]);
    expect(badgesFor({ ...none, kind: "artist", confirmed: true })).toEqual(["email_confirmed"]);
    expect(badgesFor({ ...none, kind: "label", confirmed: true })).toEqual([]);
    expect(badgesFor({ ...none, kind: "label", labelDomainVerified: true })).toEqual(["label_domain_confirmed"]);
    expect(badgesFor({ ...none, kind: "label", labelDomainVerified: true, labelDnsVerified: true })).toEqual(["label_domain_confirmed", "label_dns_confirmed"]);
    expect(badgesFor({ ...none, kind: "roster", labelName: "Domino" })).toEqual(["via_label", "artist_not_confirmed"]);
    // An artist's own signature that a label also listed: shown once, noting the label.
    expect(badgesFor({ ...none, kind: "artist", confirmed: true, labelName: "Domino" })).toEqual(["email_confirmed", "via_label"]);
    expect(badgesFor({ ...none, kind: "roster", labelName: "Domino", confirmed: true, identityChecked: true })).toEqual([
      "via_label",
      "artist_confirmed",
      "identity_checked",
    ]);
  });
});

describe("etagMatches", () => {
  it("compares weakly, in a list, and with *", () => {
    expect(etagMatches('W/"abc"', '"abc"')).toBe(true);
    expect(etagMatches('"x", W/"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches("*", '"abc"')).toBe(true);
    expect(etagMatches('"abd"', '"abc"')).toBe(false);
    expect(etagMatches(null, '"abc"')).toBe(false);
  });
});

describe("chainLink", () => {
  it("changes when the previous link, the identifier, the root or the count changes", () => {
    const base = chainLink(null, "2026-11-28", "a".repeat(64), 10);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(chainLink("0".repeat(64), "2026-11-28", "a".repeat(64), 10)).toBe(base);
    expect(chainLink("1".repeat(64), "2026-11-28", "a".repeat(64), 10)).not.toBe(base);
    expect(chainLink(null, "2026-11-29", "a".repeat(64), 10)).not.toBe(base);
    expect(chainLink(null, "2026-11-28", "b".repeat(64), 10)).not.toBe(base);
    expect(chainLink(null, "2026-11-28", "a".repeat(64), 11)).not.toBe(base);
  });
});

describe("server-drawn SVG", () => {
  it("escapes text and carries the count", () => {
    expect(escapeXml(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
    const badge = countBadgeSvg(12345);
    expect(badge).toContain("12,345");
    expect(badge).not.toMatch(/<script/i);
    const card = socialCardSvg({ title: "Stop <ICE> ads & more", count: 42, caption: "names" });
    expect(card).toContain("Stop &lt;ICE&gt; ads &amp; more");
    expect(card).toContain(">42<");
  });
});
