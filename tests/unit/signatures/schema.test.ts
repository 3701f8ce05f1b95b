import { parseWithZod } from "@conform-to/zod/v4";
import { describe, expect, it } from "vitest";
import { confirmCodeSchema, manageFormSchema, signFormSchema } from "../../../app/domain/signatures/schema";
import { englishError } from "../../../app/utils/english";

type Fields = Record<string, string | string[]>;

/** A form body as the browser posts it (and as readForm hands it to the action). */
function form(fields: Fields): URLSearchParams {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  return body;
}

const validSign: Fields = {
  displayName: "Sunn O)))",
  role: "musician",
  country: "GB",
  email: "jane@example.org",
  attest: "on",
  consent: "on",
};

const validManage: Fields = { displayName: "Sunn O)))", role: "dj", country: "DE", consent: "on" };

function sign(fields: Fields) {
  return parseWithZod(form(fields), { schema: signFormSchema });
}

function manage(fields: Fields) {
  return parseWithZod(form(fields), { schema: manageFormSchema });
}

function confirmCode(fields: Fields) {
  return parseWithZod(form(fields), { schema: confirmCodeSchema });
}

/** The field errors of a refused submission, in English (fails the test if it was accepted). */
function errorsOf(submission: ReturnType<typeof sign | typeof manage | typeof confirmCode>) {
  expect(submission.status).toBe("error");
  if (submission.status === "success") throw new Error("the submission was accepted");
  // The schemas give keys of errors.json; each page says them in its language (decision 019).
  return Object.fromEntries(Object.entries(submission.error ?? {}).map(([field, messages]) => [field, messages?.map(englishError) ?? messages]));
}

function signed(fields: Fields) {
  const submission = sign(fields);
  if (submission.status !== "success") throw new Error(`refused: ${JSON.stringify(submission.error)}`);
  return submission.value;
}

describe("signFormSchema", () => {
  it("accepts a complete form and turns the checkboxes into true", () => {
    expect(signed(validSign)).toEqual({
      displayName: "Sunn O)))",
      role: "musician",
      country: "GB",
      email: "jane@example.org",
      attest: true,
      consent: true,
    });
  });

  it("parses FormData the same way", () => {
    const data = new FormData();
    for (const [name, value] of Object.entries(validSign)) data.append(name, [value].flat()[0]!);
    const submission = parseWithZod(data, { schema: signFormSchema });
    expect(submission.status).toBe("success");
  });

  it("gives every required field its message when nothing is sent", () => {
    expect(errorsOf(sign({}))).toEqual({
      displayName: ["Enter the name to show on the letter"],
      role: ["Choose your role"],
      country: ["Choose your country"],
      email: ["Enter your email address"],
      attest: ["Confirm that you are this artist or authorised to sign for them"],
      consent: ["Tick “Show this name publicly”, or choose to be counted without your name being shown"],
    });
  });

  it("treats empty fields as missing", () => {
    const empty = Object.fromEntries(Object.keys(validSign).map((name) => [name, ""]));
    expect(errorsOf(sign(empty))).toEqual({
      displayName: ["Enter the name to show on the letter"],
      role: ["Choose your role"],
      country: ["Choose your country"],
      email: ["Enter your email address"],
      attest: ["Confirm that you are this artist or authorised to sign for them"],
      consent: ["Tick “Show this name publicly”, or choose to be counted without your name being shown"],
    });
  });

  it("refuses a name of only spaces as empty", () => {
    expect(errorsOf(sign({ ...validSign, displayName: "   " }))).toEqual({ displayName: ["Enter the name to show on the letter"] });
  });

  it("refuses a role that is not one of the choices", () => {
    expect(errorsOf(sign({ ...validSign, role: "astronaut" }))).toEqual({ role: ["Choose your role"] });
  });

  it("refuses a country code that is not in the list", () => {
    expect(errorsOf(sign({ ...validSign, country: "QQ" }))).toEqual({ country: ["Choose your country from the list"] });
  });

  it("refuses an address that is not an email address", () => {
    for (const email of ["jane", "jane@", "@example.org", "jane example@example.org"]) {
      expect(errorsOf(sign({ ...validSign, email }))).toEqual({ email: ["Enter a valid email address, like name@example.org"] });
    }
  });

  it("refuses an email address longer than 254 characters", () => {
    const email = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(60)}.org`;
    expect(email.length).toBeGreaterThan(254);
    expect(errorsOf(sign({ ...validSign, email }))).toEqual({ email: ["Use an email address of at most 254 characters"] });
  });

  it("refuses an unticked attest or consent box", () => {
    expect(errorsOf(sign({ ...validSign, attest: [], consent: "false" }))).toEqual({
      attest: ["Confirm that you are this artist or authorised to sign for them"],
      consent: ["Tick “Show this name publicly”, or choose to be counted without your name being shown"],
    });
  });

  it.each(["javascript:alert(1)", "ftp://x", "band.example/album", "https://", "https://band example.org", "data:text/html,hi"])(
    "refuses the link %j",
    (link) => {
      expect(errorsOf(sign({ ...validSign, link }))).toEqual({ link: ["Enter a full web address starting with https://"] });
    },
  );

  it("accepts a full https link, trimmed", () => {
    expect(signed({ ...validSign, link: "  https://band.example/album  " }).link).toBe("https://band.example/album");
  });

  it("refuses a link longer than 500 characters", () => {
    const link = `https://band.example/${"a".repeat(480)}`;
    expect(errorsOf(sign({ ...validSign, link }))).toEqual({ link: ["Use a shorter web address (at most 500 characters)"] });
  });

  it("leaves out an empty link and comment", () => {
    const value = signed({ ...validSign, link: "", comment: "" });
    expect(value.link).toBeUndefined();
    expect(value.comment).toBeUndefined();
  });

  it("accepts a comment of 280 characters and refuses 281", () => {
    expect(signed({ ...validSign, comment: "a".repeat(280) }).comment).toBe("a".repeat(280));
    expect(errorsOf(sign({ ...validSign, comment: "a".repeat(281) }))).toEqual({ comment: ["Use at most 280 characters"] });
  });

  it("counts a comment's length in characters, not UTF-16 units", () => {
    const guitar = "\u{1F3B8}";
    expect(signed({ ...validSign, comment: guitar.repeat(280) }).comment).toBe(guitar.repeat(280));
    expect(errorsOf(sign({ ...validSign, comment: guitar.repeat(281) }))).toEqual({ comment: ["Use at most 280 characters"] });
  });

  it("refuses a very long comment with a message, not an exception", () => {
    expect(errorsOf(sign({ ...validSign, comment: "a".repeat(10_000) }))).toEqual({ comment: ["Use at most 280 characters"] });
  });

  it("accepts newlines in a comment", () => {
    expect(signed({ ...validSign, comment: "We stand with you.\nEvery one of us." }).comment).toBe("We stand with you.\nEvery one of us.");
  });

  it("accepts a comment with the CRLF line breaks a browser posts from a textarea", () => {
    // HTML form submission turns every line break in a textarea into CR LF.
    const submission = sign({ ...validSign, comment: "We stand with you.\r\nEvery one of us." });
    expect(submission.status === "error" ? submission.error : undefined).toBeUndefined();
    expect(submission.status).toBe("success");
  });

  it("refuses invisible characters in a comment", () => {
    expect(errorsOf(sign({ ...validSign, comment: "hello\u202Eworld" }))).toEqual({ comment: ["Remove invisible or control characters"] });
  });

  it("refuses a 10,000-character name with a message, not an exception", () => {
    expect(errorsOf(sign({ ...validSign, displayName: "a".repeat(10_000) }))).toEqual({ displayName: ["Use at most 120 characters"] });
  });

  it("accepts a name of 120 characters and refuses 121", () => {
    expect(signed({ ...validSign, displayName: "a".repeat(120) }).displayName).toBe("a".repeat(120));
    expect(errorsOf(sign({ ...validSign, displayName: "a".repeat(121) }))).toEqual({ displayName: ["Use at most 120 characters"] });
  });

  it("counts a name after normalising it: 120 decomposed accented letters pass", () => {
    expect(signed({ ...validSign, displayName: "e\u0301".repeat(120) }).displayName).toBe("\u00e9".repeat(120));
  });

  it.each([
    ["myband.com", "A name cannot contain a web address"],
    ["DJ\u200BKoze", "Remove invisible or control characters"],
    ['=HYPERLINK("x")', "A name cannot start with =, +, - or @"],
  ])("refuses the name %j with %j", (displayName, message) => {
    expect(errorsOf(sign({ ...validSign, displayName }))).toEqual({ displayName: [message] });
  });

  it("applies the name rules to the private name, which may be left out", () => {
    expect(signed({ ...validSign, privateName: "" }).privateName).toBeUndefined();
    expect(signed({ ...validSign, privateName: " Jane Doe " }).privateName).toBe("Jane Doe");
    expect(errorsOf(sign({ ...validSign, privateName: "www.band.com" }))).toEqual({ privateName: ["A name cannot contain a web address"] });
  });

  it("returns cleaned values: trimmed and in NFC", () => {
    const value = signed({
      ...validSign,
      displayName: "  Beyonce\u0301 ",
      email: "  jane@example.org ",
      comment: "  Cafe\u0301 society\n ",
    });
    expect(value.displayName).toBe("Beyonc\u00e9");
    expect(value.email).toBe("jane@example.org");
    expect(value.comment).toBe("Caf\u00e9 society");
  });

  it.each(["role", "displayName", "email", "country"])("gives an error, not an exception, when %s is sent twice", (name) => {
    const twice = { ...validSign, [name]: [[validSign[name]].flat()[0]!, [validSign[name]].flat()[0]!] };
    const errors = errorsOf(sign(twice));
    expect(Object.keys(errors ?? {})).toEqual([name]);
  });

  it("refuses role=musician&role=dj with the role message", () => {
    const submission = parseWithZod(new URLSearchParams("displayName=DJ+Koze&role=musician&role=dj&country=GB&email=jane%40example.org&attest=on&consent=on"), {
      schema: signFormSchema,
    });
    expect(errorsOf(submission)).toEqual({ role: ["Choose your role"] });
  });
});

describe("manageFormSchema", () => {
  it("accepts the public fields", () => {
    const submission = manage({ ...validManage, displayName: " DJ Koze ", comment: "Still here." });
    if (submission.status !== "success") throw new Error(`refused: ${JSON.stringify(submission.error)}`);
    expect(submission.value).toEqual({ displayName: "DJ Koze", role: "dj", country: "DE", comment: "Still here.", consent: true });
  });

  it("gives every required field its message when nothing is sent", () => {
    expect(errorsOf(manage({}))).toEqual({
      displayName: ["Enter the name to show on the letter"],
      role: ["Choose your role"],
      country: ["Choose your country"],
      consent: ["Tick “Show this name publicly”, choose to be counted without your name, or withdraw instead"],
    });
  });

  it("applies the same public-field rules as the sign form", () => {
    expect(errorsOf(manage({ ...validManage, displayName: "www.band.com", country: "QQ", link: "javascript:alert(1)", comment: "a".repeat(281) }))).toEqual({
      displayName: ["A name cannot contain a web address"],
      country: ["Choose your country from the list"],
      link: ["Enter a full web address starting with https://"],
      comment: ["Use at most 280 characters"],
    });
  });

  it("does not take fields that only the sign form has", () => {
    const submission = manage({ ...validManage, email: "other@example.org", privateName: "Someone" });
    if (submission.status !== "success") throw new Error(`refused: ${JSON.stringify(submission.error)}`);
    expect(submission.value).not.toHaveProperty("email");
    expect(submission.value).not.toHaveProperty("privateName");
  });
});

describe("confirmCodeSchema", () => {
  it("accepts a code typed in lower case with a dash, as upper case without it", () => {
    const submission = confirmCode({ email: "jane@example.org", code: "k7m2-q9xd" });
    if (submission.status !== "success") throw new Error(`refused: ${JSON.stringify(submission.error)}`);
    expect(submission.value).toEqual({ intent: "find", email: "jane@example.org", code: "K7M2Q9XD" });
  });

  it("ignores spaces in the code", () => {
    const submission = confirmCode({ email: "jane@example.org", code: " K7M2 Q9XD " });
    expect(submission.status === "success" ? submission.value.code : undefined).toBe("K7M2Q9XD");
  });

  it.each(["12345", "K7M2Q9XD1", "K7M2Q9X!"])("refuses the code %j", (code) => {
    expect(errorsOf(confirmCode({ email: "jane@example.org", code }))).toEqual({ code: ["The code has 8 letters and digits"] });
  });

  it("gives each field its message when nothing is sent", () => {
    expect(errorsOf(confirmCode({}))).toEqual({
      email: ["Enter the email address you signed with"],
      code: ["Enter the 8-character code from the email"],
    });
  });

  it("refuses an address that is not an email address", () => {
    expect(errorsOf(confirmCode({ email: "jane", code: "K7M2Q9XD" }))).toEqual({ email: ["Enter a valid email address"] });
  });
});

describe("confirmCodeSchema reads codes as Crockford's base32", () => {
  it("reads O as 0 and I or L as 1", () => {
    const result = parseWithZod(new URLSearchParams({ email: "a@example.org", code: "kom2-iqxl" }), { schema: confirmCodeSchema });
    expect(result.status).toBe("success");
    expect(result.status === "success" && result.value.code).toBe("K0M21QX1");
  });
});

describe("signing without being named (decision 016)", () => {
  const { consent: _consent, ...withoutConsent } = validSign;

  it("accepts “count my signature but do not show my name” instead of the public-name box", () => {
    const submission = sign({ ...withoutConsent, unnamed: "on" });
    if (submission.status !== "success") throw new Error(`refused: ${JSON.stringify(submission.error)}`);
    expect(submission.value.unnamed).toBe(true);
    expect(submission.value.consent).toBeUndefined();
  });

  it("keeps the choice not to be named when both boxes are ticked", () => {
    const submission = sign({ ...validSign, unnamed: "on" });
    if (submission.status !== "success") throw new Error(`refused: ${JSON.stringify(submission.error)}`);
    expect(submission.value).toMatchObject({ consent: true, unnamed: true });
  });

  it("asks for one of the two next to the box, beside the other fields' messages", () => {
    expect(errorsOf(sign({ ...withoutConsent, displayName: "" }))).toEqual({
      displayName: ["Enter the name to show on the letter"],
      consent: ["Tick “Show this name publicly”, or choose to be counted without your name being shown"],
    });
  });

  it("refuses a value no checkbox sends", () => {
    expect(errorsOf(sign({ ...validSign, unnamed: "yes please" }))).toEqual({ unnamed: ["Tick the box, or leave it unticked"] });
  });

  it("lets the manage page switch to unnamed without the public-name box", () => {
    const submission = manage({ displayName: "Sunn O)))", role: "dj", country: "DE", unnamed: "on" });
    expect(submission.status).toBe("success");
  });
});
