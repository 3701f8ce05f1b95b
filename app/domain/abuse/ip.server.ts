import { createHmac } from "node:crypto";
import { isIPv6 } from "node:net";

/**
 * What we keep of a client IP: a keyed hash (HMAC-SHA256 with IP_HASH_SECRET), never the address.
 * IPv6 is hashed by its /64 network, since one subscriber usually holds a whole /64.
 */
export function hashIp(secret: string, ip: string): string {
  return createHmac("sha256", secret).update(networkOf(ip)).digest("hex").slice(0, 32);
}

/** The address as one canonical string: IPv4 dotted, or the IPv6 /64 it belongs to. */
function networkOf(ip: string): string {
  if (!isIPv6(ip)) return ip;
  // The URL parser writes IPv6 in its canonical (RFC 5952) form: lower case, zeros compressed.
  const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
  }
  return `${expand(canonical).slice(0, 4).join(":")}::/64`;
}

function expand(canonical: string): string[] {
  const [head = "", tail = ""] = canonical.split("::");
  const headParts = head ? head.split(":") : [];
  const tailParts = tail ? tail.split(":") : [];
  return [...headParts, ...Array(8 - headParts.length - tailParts.length).fill("0"), ...tailParts];
}
