import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashIp } from "../../../app/domain/abuse/ip.server";

const SECRET = "test-ip-hash-secret";

describe("hashIp", () => {
  it("is deterministic", () => {
    expect(hashIp(SECRET, "203.0.113.9")).toBe(hashIp(SECRET, "203.0.113.9"));
    expect(hashIp(SECRET, "2001:db8:1:2::1")).toBe(hashIp(SECRET, "2001:db8:1:2::1"));
  });

  it("depends on the secret", () => {
    expect(hashIp(SECRET, "203.0.113.9")).not.toBe(hashIp("another-secret", "203.0.113.9"));
    expect(hashIp(SECRET, "2001:db8:1:2::1")).not.toBe(hashIp("another-secret", "2001:db8:1:2::1"));
  });

  it("is a fixed-length hex string that never contains the address", () => {
    for (const ip of ["203.0.113.9", "10.0.0.1", "2001:db8:1:2::1", "::1"]) {
      const hash = hashIp(SECRET, ip);
      expect(hash).toMatch(/^[0-9a-f]{32}$/);
      expect(hash).not.toContain(ip);
    }
  });

  it("is keyed: not the plain SHA-256 of the address, which anyone could look up", () => {
    const plain = createHash("sha256").update("203.0.113.9").digest("hex");
    expect(plain.startsWith(hashIp(SECRET, "203.0.113.9"))).toBe(false);
    expect(hashIp("", "203.0.113.9")).not.toBe(plain.slice(0, 32));
  });

  it("tells different IPv4 addresses apart", () => {
    expect(hashIp(SECRET, "203.0.113.9")).not.toBe(hashIp(SECRET, "203.0.113.10"));
    expect(hashIp(SECRET, "198.51.100.1")).not.toBe(hashIp(SECRET, "203.0.113.9"));
  });

  it("hashes an IPv4-mapped IPv6 address as the IPv4 address", () => {
    expect(hashIp(SECRET, "::ffff:203.0.113.9")).toBe(hashIp(SECRET, "203.0.113.9"));
  });

  it("keeps different IPv4-mapped addresses apart (they are not one IPv6 /64)", () => {
    expect(hashIp(SECRET, "::ffff:203.0.113.9")).not.toBe(hashIp(SECRET, "::ffff:198.51.100.1"));
  });

  it.each(["::FFFF:203.0.113.9", "0:0:0:0:0:ffff:203.0.113.9", "::ffff:cb00:7109"])(
    "hashes the IPv4-mapped spelling %j as the IPv4 address 203.0.113.9",
    (mapped) => {
      expect(hashIp(SECRET, mapped)).toBe(hashIp(SECRET, "203.0.113.9"));
    },
  );

  it("hashes two IPv6 addresses in the same /64 the same", () => {
    expect(hashIp(SECRET, "2001:db8:1:2::1")).toBe(hashIp(SECRET, "2001:db8:1:2:aaaa::5"));
    expect(hashIp(SECRET, "2001:db8:1:2::1")).toBe(hashIp(SECRET, "2001:db8:1:2:ffff:ffff:ffff:ffff"));
  });

  it("tells different /64 networks apart", () => {
    expect(hashIp(SECRET, "2001:db8:1:2::1")).not.toBe(hashIp(SECRET, "2001:db8:1:3::1"));
    expect(hashIp(SECRET, "2001:db8:1:2::1")).not.toBe(hashIp(SECRET, "2001:db9:1:2::1"));
    expect(hashIp(SECRET, "2001:db8::1")).not.toBe(hashIp(SECRET, "2001:db8:0:1::1"));
  });

  it("hashes compressed and expanded spellings of an address the same", () => {
    expect(hashIp(SECRET, "2001:db8::1")).toBe(hashIp(SECRET, "2001:0db8:0000:0000:0000:0000:0000:0001"));
    expect(hashIp(SECRET, "2001:db8:0:0:1::")).toBe(hashIp(SECRET, "2001:0db8::1:0:0:0"));
  });

  it("ignores the case of hex digits", () => {
    expect(hashIp(SECRET, "2001:DB8:ABCD:12::1")).toBe(hashIp(SECRET, "2001:db8:abcd:12::1"));
  });
});
