import fc from "fast-check";

/**
 * Hostile input, as an opponent of the letter would send it: any Unicode, right-to-left text and
 * bidi overrides, zero-width and control characters, emoji sequences, markup and SQL, strings of
 * 100 KB and more, broken percent-encoding, and the wrong shape altogether (JSON, multipart, no
 * content type, duplicated and missing fields).
 */

/** Characters that have broken text handling somewhere. */
const NASTY_CHARS = [
  "\u200B", // zero-width space
  "\u200C", // zero-width non-joiner
  "\u200D", // zero-width joiner
  "\u2060", // word joiner
  "\uFEFF", // byte order mark
  "\u202E", // right-to-left override
  "\u202D", // left-to-right override
  "\u2066", // left-to-right isolate
  "\u061C", // Arabic letter mark
  "\u00AD", // soft hyphen
  "\u2028", // line separator
  "\u2029", // paragraph separator
  "\u0000",
  "\u0007",
  "\u001B",
  "\u007F",
  "\r",
  "\n",
  "\t",
  "\uD800", // a lone surrogate (not valid UTF-16 on its own)
  "\uDFFF",
  "\uE000", // private use
  "\uFFFD",
  "\uFFFF", // a noncharacter
  "\u0301", // combining acute accent
  "e\u0301", // decomposed é
  "ﷺ", // one glyph, many letters when NFKD'd
  "ß",
  "İ",
  "𝕏", // astral
  "👩‍🎤", // a ZWJ emoji sequence
  "🇬🇧",
  "🏳️‍🌈",
  "שָׁלוֹם", // Hebrew with points
  "مرحبا", // Arabic
  "سلام\u200Cها", // Persian with a needed ZWNJ
  "क्षत्रिय", // Devanagari
  "Björk Guðmundsdóttir",
  "Ω",
  "%",
  "%00",
  "%zz",
  "%E0%A4%A",
  "%ff%fe",
  "+",
  "&",
  "=",
  ";",
  "'",
  '"',
  "`",
  "\\",
  "<",
  ">",
  "/",
  "*",
  "?",
  "#",
];

/** Strings an attacker tries first. */
export const PAYLOADS = [
  "",
  " ",
  "   \t  ",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "1e309",
  "9".repeat(40),
  "true",
  "[object Object]",
  "__proto__",
  "constructor",
  "<script>window.__xss=1</script>",
  '"><img src=x onerror="window.__xss=1">',
  "javascript:window.__xss=1",
  "' OR '1'='1",
  "'; DROP TABLE signatures; --",
  "1; SELECT pg_sleep(5)",
  "\\x00",
  '=HYPERLINK("https://evil.example","x")',
  "+cmd|' /C calc'!A0",
  "-2+3",
  "@SUM(1,2)",
  "../../../../etc/passwd",
  "%2e%2e%2f%2e%2e%2f",
  "//evil.example",
  "https://evil.example/",
  "/\\evil.example",
  "\r\nSet-Cookie: pwned=1",
  "%0d%0aSet-Cookie:%20pwned=1",
  "admin@countersign.test",
  "a@b.c",
  "A".repeat(121),
  "A".repeat(281),
  "MN",
  "GB",
  "gb",
  "XX",
  "musician",
  "approve",
  "reject",
  "pending",
  "on",
];

const nastyChar = fc.constantFrom(...NASTY_CHARS);

/** A short hostile string: any Unicode mixed with the characters above and the payloads. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 3, arbitrary: fc.array(fc.oneof(nastyChar, fc.string({ maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join("")) },
  { weight: 3, arbitrary: fc.constantFrom(...PAYLOADS) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PAYLOADS), nastyChar, fc.constantFrom(...PAYLOADS)).map((parts) => parts.join("")) },
);

/** 100 KB to 300 KB of one repeated hostile string (fast to build; the server must refuse it whole). */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(nastyChar, fc.constantFrom("A", "é", "😀", "<b>", "%", "a=b&")), fc.integer({ min: 100 * 1024, max: 300 * 1024 }))
  .map(([unit, bytes]) => unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit))));

/** A field value: mostly short and hostile, sometimes valid-looking, rarely huge. */
export function fieldValue(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: hostileString },
    { weight: 4, arbitrary: valid },
    { weight: 2, arbitrary: fc.tuple(valid, hostileString).map(([v, h]) => v + h) },
    { weight: 1, arbitrary: fc.tuple(hostileString, valid).map(([h, v]) => h + v) },
  );
}

/** A JSON value of the wrong type for a form field. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** A form as name/value pairs (so a name may repeat, in any order). */
export type Pairs = [string, string][];

export type FieldSpec = Record<string, fc.Arbitrary<string>>;

/**
 * A form built from an endpoint's fields: each field present or missing, sometimes repeated,
 * with a hostile or a valid value, plus a few stray fields.
 */
export function formPairs(fields: FieldSpec): fc.Arbitrary<Pairs> {
  const names = Object.keys(fields);
  const one = (name: string) =>
    fc.oneof(
      { weight: 1, arbitrary: fc.constant([] as Pairs) },
      { weight: 6, arbitrary: fieldValue(fields[name]!).map((v): Pairs => [[name, v]]) },
      { weight: 1, arbitrary: fc.array(fieldValue(fields[name]!), { minLength: 2, maxLength: 3 }).map((vs): Pairs => vs.map((v) => [name, v])) },
    );
  const stray = fc.array(fc.tuple(fc.oneof(hostileString, fc.constantFrom(...names, "_data", "index", "__proto__")), hostileString), { maxLength: 2 });
  return fc.tuple(fc.tuple(...names.map(one)), stray, fc.boolean()).map(([groups, extra, reverse]) => {
    const pairs = [...groups.flat(), ...extra];
    return reverse ? pairs.reverse() : pairs;
  });
}

/** A form made only of valid values (every field present once). */
export function validPairs(fields: FieldSpec): fc.Arbitrary<Pairs> {
  const names = Object.keys(fields);
  return fc.tuple(...names.map((name) => fields[name]!)).map((values) => names.map((name, i): Pairs[number] => [name, values[i]!]));
}

/** A valid query of optional parameters: any subset of them, each with a valid value, leaving out the `without` pairs' second. */
export function someValidPairs(fields: FieldSpec, without: [string, string][] = []): fc.Arbitrary<Pairs> {
  return validPairs(fields).chain((pairs) =>
    fc.subarray(pairs).map((chosen) => {
      const names = new Set(chosen.map(([k]) => k));
      return chosen.filter(([k]) => !without.some(([a, b]) => k === b && names.has(a)));
    }),
  );
}

/** Percent-encoding as a browser does it, except where the case breaks it on purpose. */
export function urlencode(pairs: Pairs): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(safe(k))}=${encodeURIComponent(safe(v))}`).join("&");
}

/** encodeURIComponent throws on a lone surrogate; a client would send U+FFFD (or raw bytes, below). */
export const wellFormed = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
const safe = wellFormed;

const BROKEN_ESCAPES = ["%", "%z", "%zz", "%ff", "%fe%ff", "%E0%A4%A", "%C3%28", "%ED%A0%80", "%00", "%%", "%2", "%u0041", "%c0%af"];

/** A query string or form body with broken or overlong escapes and raw bytes spliced in. */
export const brokenEncoding = (pairs: Pairs) =>
  fc.tuple(fc.array(fc.tuple(fc.nat(), fc.constantFrom(...BROKEN_ESCAPES)), { minLength: 1, maxLength: 3 })).map(([cuts]) => {
    let text = urlencode(pairs);
    for (const [at, bad] of cuts) {
      const i = text.length === 0 ? 0 : at % (text.length + 1);
      text = text.slice(0, i) + bad + text.slice(i);
    }
    return text;
  });

export interface Body {
  contentType?: string;
  body: string | Buffer;
  kind: string;
}

const BOUNDARY = "----countersignfuzz7MA4YWxkTrZu0gW";

function multipart(pairs: Pairs): string {
  return `${pairs
    .map(([k, v]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${safe(k).replace(/["\r\n]/g, "_")}"\r\n\r\n${safe(v)}\r\n`)
    .join("")}--${BOUNDARY}--\r\n`;
}

/** A request body in every shape a client can send where a urlencoded form is expected. */
export function hostileBody(fields: FieldSpec): fc.Arbitrary<Body> {
  const pairs = formPairs(fields);
  const form = "application/x-www-form-urlencoded";
  return fc.oneof(
    { weight: 12, arbitrary: pairs.map((p): Body => ({ contentType: form, body: urlencode(p), kind: "form" })) },
    { weight: 2, arbitrary: pairs.chain(brokenEncoding).map((b): Body => ({ contentType: form, body: b, kind: "broken-escapes" })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(pairs, fc.uint8Array({ minLength: 1, maxLength: 16 }))
        .map(([p, bytes]): Body => ({ contentType: form, body: Buffer.concat([Buffer.from(urlencode(p)), Buffer.from(bytes)]), kind: "raw-bytes" })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(pairs, fc.dictionary(fc.constantFrom(...Object.keys(fields)), wrongType, { maxKeys: 4 }), fc.boolean())
        .map(([p, wrong, typed]): Body => ({
          contentType: "application/json",
          body: JSON.stringify(typed ? wrong : Object.fromEntries(p.map(([k, v]) => [k, v]))),
          kind: "json",
        })),
    },
    { weight: 2, arbitrary: pairs.map((p): Body => ({ contentType: `multipart/form-data; boundary=${BOUNDARY}`, body: multipart(p), kind: "multipart" })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          pairs,
          fc.constantFrom(undefined, "text/plain", "application/x-www-form-urlencoded; charset=iso-8859-1", "APPLICATION/X-WWW-FORM-URLENCODED", "", "*/*"),
        )
        .map(([p, type]): Body => ({ contentType: type, body: urlencode(p), kind: `type:${type ?? "none"}` })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...Object.keys(fields)), hugeString)
        .map(([name, huge]): Body => ({ contentType: form, body: `${name}=${encodeURIComponent(safe(huge))}`, kind: "huge" })),
    },
  );
}

/** A cookie header an odd browser or a neighbouring site may send. */
export const oddCookie: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(
            "_ga=100%",
            "countersign_session=",
            "countersign_session=forged0000000000000000",
            "countersign_session=%zz",
            'countersign_session="abc"',
            "countersign_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "__Host-countersign_session=abc",
            "=",
            ";;;",
            "a",
            "x=\u00e9",
          ),
          fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 })).map(([k, v]) => `${k}=${v}`),
        ),
        { minLength: 1, maxLength: 4 },
      )
      .map((parts) => parts.join("; ")),
  },
);

/** A query string for the given parameters, hostile or broken. */
export function hostileQuery(fields: FieldSpec): fc.Arbitrary<{ query: string; kind: string }> {
  const pairs = formPairs(fields);
  return fc.oneof(
    { weight: 10, arbitrary: pairs.map((p) => ({ query: urlencode(p), kind: "query" })) },
    { weight: 2, arbitrary: pairs.chain(brokenEncoding).map((q) => ({ query: q, kind: "broken-escapes" })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...Object.keys(fields)), fc.integer({ min: 2000, max: 7000 })).map(([name, n]) => ({
        query: `${name}=${"A".repeat(n)}`,
        kind: "long",
      })),
    },
  );
}
