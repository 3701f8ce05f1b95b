import fc from "fast-check";
import { describe, expect, it, test } from "vitest";
import { checkLabelDomain, displayDomain, type LabelDomainCode, type LabelDomainField } from "../../../app/domain/labels/domain";

type Expected = { domain: string; emailDomain?: string } | { field: LabelDomainField; code: LabelDomainCode };
type Case = [website: string, email: string, expected: Expected];

const CYRILLIC_A = "\u0430"; // а, looks like a
const CYRILLIC_APPLE = "\u0430\u0440\u0440\u04cf\u0435"; // аррӏе, looks like apple

const cases: Case[] = [
  // Accepted
  ["label.com", "jane@label.com", { domain: "label.com", emailDomain: "label.com" }],
  ["label.com", "jane@mail.label.com", { domain: "label.com", emailDomain: "mail.label.com" }],
  ["www.label.com", "jane@label.com", { domain: "label.com" }],
  ["https://www.label.com/about?lang=en#team", "jane@label.com", { domain: "label.com" }],
  ["http://label.com", "jane@label.com", { domain: "label.com" }],
  ["label.com:8080/roster", "jane@label.com", { domain: "label.com" }],
  ["//label.com", "jane@label.com", { domain: "label.com" }],
  ["x.co.uk", "jane@x.co.uk", { domain: "x.co.uk" }],
  ["https://www.x.co.uk/", "jane@office.x.co.uk", { domain: "x.co.uk", emailDomain: "office.x.co.uk" }],
  ["band.github.io", "me@band.github.io", { domain: "band.github.io" }],
  ["HTTPS://WWW.LABEL.COM/", "Jane.Doe@LABEL.COM", { domain: "label.com", emailDomain: "label.com" }],
  ["  label.com  ", "  jane@label.com  ", { domain: "label.com" }],
  ["label.com.", "jane@label.com", { domain: "label.com" }],
  ["пример.рф", "info@пример.рф", { domain: "xn--e1afmkfd.xn--p1ai", emailDomain: "xn--e1afmkfd.xn--p1ai" }],
  ["https://xn--e1afmkfd.xn--p1ai/", "info@xn--e1afmkfd.xn--p1ai", { domain: "xn--e1afmkfd.xn--p1ai" }],
  ["münchen-records.de", "info@münchen-records.de", { domain: "xn--mnchen-records-gsb.de" }],
  ["https://label.com", "o'brien+roster@label.com", { domain: "label.com" }],

  // Website refused
  ["", "jane@label.com", { field: "website", code: "empty" }],
  ["not a url", "jane@label.com", { field: "website", code: "spaces" }],
  ["label", "jane@label", { field: "website", code: "invalid" }],
  ["http://", "jane@label.com", { field: "website", code: "invalid" }],
  ["ex_ample.com", "jane@ex_ample.com", { field: "website", code: "invalid" }],
  ["javascript:alert(1)", "jane@label.com", { field: "website", code: "scheme" }],
  ["ftp://label.com", "jane@label.com", { field: "website", code: "scheme" }],
  ["mailto:jane@label.com", "jane@label.com", { field: "website", code: "scheme" }],
  ["data:text/html,<b>label.com</b>", "jane@label.com", { field: "website", code: "scheme" }],
  ["https://user:secret@label.com", "jane@label.com", { field: "website", code: "credentials" }],
  ["user@label.com", "jane@label.com", { field: "website", code: "credentials" }],
  ["label.com@evil.com", "jane@evil.com", { field: "website", code: "credentials" }],
  ["http://127.0.0.1", "jane@label.com", { field: "website", code: "ip" }],
  ["203.0.113.7", "jane@label.com", { field: "website", code: "ip" }],
  ["http://[::1]/", "jane@label.com", { field: "website", code: "ip" }],
  ["[2001:db8::1]", "jane@label.com", { field: "website", code: "ip" }],
  ["http://2130706433", "jane@label.com", { field: "website", code: "ip" }],
  ["http://0x7f.0.0.1", "jane@label.com", { field: "website", code: "ip" }],
  ["localhost", "jane@localhost", { field: "website", code: "localhost" }],
  ["http://localhost:3000", "jane@label.com", { field: "website", code: "localhost" }],
  ["shop.localhost", "jane@shop.localhost", { field: "website", code: "localhost" }],
  ["label.local", "jane@label.local", { field: "website", code: "unknown_suffix" }],
  ["intranet.corp", "jane@intranet.corp", { field: "website", code: "unknown_suffix" }],
  ["co.uk", "jane@co.uk", { field: "website", code: "public_suffix" }],
  ["github.io", "jane@github.io", { field: "website", code: "public_suffix" }],
  ["com", "jane@com", { field: "website", code: "invalid" }],
  [`${CYRILLIC_A}pple.com`, `jane@${CYRILLIC_A}pple.com`, { field: "website", code: "lookalike" }],
  ["https://xn--pple-43d.com/", "jane@xn--pple-43d.com", { field: "website", code: "lookalike" }],
  ["p\u03b1ypal.com", "jane@p\u03b1ypal.com", { field: "website", code: "lookalike" }],
  [`${CYRILLIC_APPLE}.com`, `jane@${CYRILLIC_APPLE}.com`, { field: "website", code: "lookalike" }],

  // Email refused
  ["label.com", "", { field: "email", code: "empty" }],
  ["label.com", "jane", { field: "email", code: "invalid" }],
  ["label.com", "jane@", { field: "email", code: "invalid" }],
  ["label.com", "@label.com", { field: "email", code: "invalid" }],
  ["label.com", "jane@bob@label.com", { field: "email", code: "invalid" }],
  ["label.com", "jane@label.com, bob@label.com", { field: "email", code: "invalid" }],
  ["label.com", "Jane <jane@label.com>", { field: "email", code: "invalid" }],
  ["label.com", "jane..doe@label.com", { field: "email", code: "invalid" }],
  ["label.com", "jane@label.com.", { field: "email", code: "invalid" }],
  ["label.com", "jane@la_bel.com", { field: "email", code: "invalid" }],
  ["label.com", "jane@[127.0.0.1]", { field: "email", code: "ip" }],
  ["label.com", "jane@[IPv6:2001:db8::1]", { field: "email", code: "ip" }],
  ["label.com", "jane@127.0.0.1", { field: "email", code: "ip" }],
  ["label.com", "jane@gmail.com", { field: "email", code: "free" }],
  ["label.com", "jane@googlemail.com", { field: "email", code: "free" }],
  ["label.com", "jane@yahoo.com", { field: "email", code: "free" }],
  ["label.com", "jane@yahoo.co.uk", { field: "email", code: "free" }],
  ["label.com", "jane@outlook.com", { field: "email", code: "free" }],
  ["label.com", "jane@proton.me", { field: "email", code: "free" }],
  ["label.com", "jane@protonmail.com", { field: "email", code: "free" }],
  ["gmail.com", "jane@gmail.com", { field: "email", code: "free" }],
  ["label.com", "jane@mailinator.com", { field: "email", code: "disposable" }],
  ["label.com", "jane@guerrillamail.com", { field: "email", code: "disposable" }],
  ["label.com", "jane@inbox.mailinator.com", { field: "email", code: "disposable" }],
  ["label.com", "jane@other.com", { field: "email", code: "mismatch" }],
  ["label.com", "jane@evil-label.com", { field: "email", code: "mismatch" }],
  ["label.com", "jane@label.com.evil.com", { field: "email", code: "mismatch" }],
  ["label.com", "jane@label.co", { field: "email", code: "mismatch" }],
  ["label.com", "jane@xn--lbel-43d.com", { field: "email", code: "mismatch" }],
  ["label.com.evil.com", "jane@label.com", { field: "email", code: "mismatch" }],
  ["www.label.co.uk", "jane@co.uk", { field: "email", code: "mismatch" }],
  ["band.github.io", "jane@github.io", { field: "email", code: "mismatch" }],
  ["band.github.io", "jane@other.github.io", { field: "email", code: "mismatch" }],
];

describe("checkLabelDomain", () => {
  it("has a table of at least 35 pairs", () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
  });

  test.each(cases)("%j with %j", (website, email, expected) => {
    const result = checkLabelDomain(website, email);
    if ("code" in expected) {
      expect(result).toMatchObject({ ok: false, field: expected.field, code: expected.code });
      if (!result.ok) expect(result.message).toMatch(/\S/);
    } else {
      expect(result).toMatchObject({ ok: true, domain: expected.domain });
      if (result.ok && expected.emailDomain) expect(result.emailDomain).toBe(expected.emailDomain);
    }
  });

  it("returns the normalised web address", () => {
    expect(checkLabelDomain("label.com", "jane@label.com")).toMatchObject({ websiteUrl: "https://label.com/" });
    expect(checkLabelDomain("HTTPS://WWW.Label.com/About", "jane@label.com")).toMatchObject({ websiteUrl: "https://www.label.com/About" });
    expect(checkLabelDomain("label.com.", "jane@label.com")).toMatchObject({ websiteUrl: "https://label.com/" });
    expect(checkLabelDomain("пример.рф", "info@пример.рф")).toMatchObject({ websiteUrl: "https://xn--e1afmkfd.xn--p1ai/" });
  });

  it("names both domains when the email is elsewhere", () => {
    expect(checkLabelDomain("https://www.label.com", "jane@other.com")).toEqual({
      ok: false,
      field: "email",
      code: "mismatch",
      message: "Your email is at other.com but the website is at label.com: use an address at label.com",
    });
  });

  it("shows punycode domains decoded, with their xn-- form", () => {
    const mismatch = checkLabelDomain("apple.com", `jane@${CYRILLIC_A}pple.com`);
    expect(mismatch).toMatchObject({ ok: false, code: "mismatch" });
    if (!mismatch.ok) {
      expect(mismatch.message).toContain(`${CYRILLIC_A}pple.com`);
      expect(mismatch.message).toContain("xn--pple-43d.com");
    }

    const idn = checkLabelDomain("пример.рф", "info@example.com");
    if (!idn.ok) expect(idn.message).toBe("Your email is at example.com but the website is at пример.рф (xn--e1afmkfd.xn--p1ai): use an address at пример.рф");
    expect(idn.ok).toBe(false);
  });

  it("refuses mixed alphabets with the decoded and the raw form", () => {
    for (const website of [`${CYRILLIC_A}pple.com`, "xn--pple-43d.com", `https://www.${CYRILLIC_A}pple.com/`]) {
      const result = checkLabelDomain(website, "jane@xn--pple-43d.com");
      expect(result).toMatchObject({ ok: false, field: "website", code: "lookalike" });
      if (!result.ok) {
        expect(result.message).toMatch(/^This domain mixes alphabets \(/);
        expect(result.message).toContain(`${CYRILLIC_A}pple.com`);
        expect(result.message).toContain("xn--pple-43d.com");
        expect(result.message).toMatch(/use the label's real domain$/);
      }
    }
  });

  it("refuses a shared ending by name", () => {
    const result = checkLabelDomain("github.io", "jane@github.io");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain("github.io");
  });
});

describe("displayDomain", () => {
  it("decodes punycode and leaves ASCII alone", () => {
    expect(displayDomain("xn--e1afmkfd.xn--p1ai")).toBe("пример.рф");
    expect(displayDomain("xn--pple-43d.com")).toBe(`${CYRILLIC_A}pple.com`);
    expect(displayDomain("label.com")).toBe("label.com");
  });

  it("shows an undecodable label as it is", () => {
    expect(displayDomain("xn--zz.com")).toBe("xn--zz.com");
  });
});

describe("checkLabelDomain on any input", () => {
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.webUrl(),
    fc.domain(),
    fc.emailAddress(),
    fc.constantFrom("[::1]", "xn--", "xn--zz.com", "a@[", "@", "http://[", "https://%zz", "пример.рф", "a@пример.рф", "\u0000", "\uFEFF"),
  );

  it("never throws, and answers ok with a consistent domain or with a message", () => {
    fc.assert(
      fc.property(text, text, fc.boolean(), (website, email, sameDomain) => {
        // Half the time, an email at the website's own host, so that accepted pairs come up too.
        const host = /^(?:https?:\/\/)?([^/:?#]+)/.exec(website)?.[1];
        const result = checkLabelDomain(website, sameDomain && host ? `jane@${host}` : email);
        if (result.ok) {
          expect(result.domain).toMatch(/^[a-z0-9.-]+$/);
          expect(result.emailDomain === result.domain || result.emailDomain.endsWith(`.${result.domain}`)).toBe(true);
          expect(URL.canParse(result.websiteUrl)).toBe(true);
        } else {
          expect(["website", "email"]).toContain(result.field);
          expect(result.message.trim().length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
