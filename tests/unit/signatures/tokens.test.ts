import { describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { codeDigest, newCode, newToken, plausibleToken, sameDigest, sha256 } from "../../../app/domain/signatures/tokens.server";
import { DEV_TOKEN_HMAC_SECRET } from "../../../app/utils/env.server";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

describe("newToken", () => {
  it("is 43 base64url characters carrying 256 bits", () => {
    const token = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
  });

  it("gives 1,000 different tokens in 1,000 calls", () => {
    const tokens = Array.from({ length: 1000 }, () => newToken());
    expect(new Set(tokens).size).toBe(1000);
  });

  it("passes plausibleToken", () => {
    for (let i = 0; i < 100; i++) expect(plausibleToken(newToken())).toBe(true);
  });
});

describe("newCode", () => {
  const codes = Array.from({ length: 1000 }, () => newCode());

  it("is 8 characters from Crockford's base32 alphabet", () => {
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
  });

  it("never uses I, L, O or U", () => {
    expect(codes.join("")).not.toMatch(/[ILOU]/);
  });

  it("uses the whole 32-character alphabet", () => {
    // 8,000 draws: the chance that a given symbol never appears is (31/32)^8000, about 1e-110.
    expect(new Set(codes.join("")).size).toBe(32);
    expect([...new Set(codes.join(""))].sort().join("")).toBe(CROCKFORD);
  });

  it("differs from call to call", () => {
    expect(new Set(codes).size).toBeGreaterThan(990);
  });
});

describe("sha256", () => {
  it("gives the hex SHA-256 of the UTF-8 bytes", () => {
    expect(sha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // printf 'é' | sha256sum
    expect(sha256("\u00e9")).toBe("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
  });
});

describe("codeDigest", () => {
  it("is an HMAC-SHA256 keyed with the server secret: a leaked table cannot be brute-forced without it", () => {
    const expected = createHmac("sha256", DEV_TOKEN_HMAC_SECRET).update("K7M2Q9XD").digest("hex");
    expect(codeDigest("K7M2Q9XD")).toBe(expected);
    expect(codeDigest("K7M2Q9XD")).not.toBe(sha256("K7M2Q9XD"));
    expect(codeDigest("K7M2Q9XD", "another-secret-of-at-least-32-characters")).not.toBe(expected);
  });
});

describe("sameDigest", () => {
  const a = sha256("K7M2Q9XD");
  const b = sha256("K7M2Q9XE");

  it("is true for equal digests", () => {
    expect(sameDigest(a, a)).toBe(true);
    expect(sameDigest(a, sha256("K7M2Q9XD"))).toBe(true);
  });

  it("is false for different digests", () => {
    expect(sameDigest(a, b)).toBe(false);
    const lastCharChanged = a.slice(0, -1) + (a.endsWith("0") ? "1" : "0");
    expect(sameDigest(a, lastCharChanged)).toBe(false);
  });

  it("is false for digests of different lengths", () => {
    expect(sameDigest(a, a.slice(0, 62))).toBe(false);
    expect(sameDigest(a.slice(0, 62), a)).toBe(false);
    expect(sameDigest(a, `${a}00`)).toBe(false);
  });

  it("is false when one side has extra characters that hex decoding would drop", () => {
    expect(sameDigest(a, `${a}0`)).toBe(false);
    expect(sameDigest(`${a}0`, a)).toBe(false);
    expect(sameDigest(a, `${a}zz`)).toBe(false);
  });

  it("is false for empty digests", () => {
    expect(sameDigest("", "")).toBe(false);
    expect(sameDigest(a, "")).toBe(false);
    expect(sameDigest("", a)).toBe(false);
  });

  it("is false for strings that are not hex", () => {
    expect(sameDigest("zz", "zz")).toBe(false);
  });
});

describe("plausibleToken", () => {
  const token = "A".repeat(21) + "_-" + "z9".repeat(10);

  it("accepts 43 base64url characters", () => {
    expect(token).toHaveLength(43);
    expect(plausibleToken(token)).toBe(true);
  });

  it("refuses a token one character short or long", () => {
    expect(plausibleToken(token.slice(1))).toBe(false);
    expect(plausibleToken(`${token}A`)).toBe(false);
    expect(plausibleToken("")).toBe(false);
  });

  it.each(["+", "/", "=", " ", ".", "é"])("refuses a token containing %j", (char) => {
    expect(plausibleToken(token.slice(0, 42) + char)).toBe(false);
  });

  it("refuses a token with a trailing newline", () => {
    expect(plausibleToken(`${token}\n`)).toBe(false);
    expect(plausibleToken(`${token.slice(0, 42)}\n`)).toBe(false);
  });
});
