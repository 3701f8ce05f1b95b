import { createHmac } from "node:crypto";
import { isIPv6 } from "node:net";

/**
 * What we keep of a client IP: a keyed hash (HMAC-SHA256 with IP_HASH_SECRET), never the address.
 * IPv6 is hashed by its /64 network, since one subscriber usually holds a whole /64.
 */
export function hashIp(secret: string, ip: string): string {
  const mapped = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  return createHmac("sha256", secret).update(isIPv6(mapped) ? ipv6Network64(mapped) : mapped).digest("hex").slice(0, 32);
}

function ipv6Network64(ip: string): string {
  const [head = "", tail = ""] = ip.split("::");
  const headParts = head ? head.split(":") : [];
  const tailParts = tail ? tail.split(":") : [];
  const full = [...headParts, ...Array(8 - headParts.length - tailParts.length).fill("0"), ...tailParts];
  return `${full.slice(0, 4).map((p) => p.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
