import type { MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";

/**
 * Shown (status 400) for any path whose percent-escapes do not decode: the Express host renders
 * this route in its place (server/edge.ts, badAddress). The browser's address is the broken one,
 * so the page is not hydrated (root.tsx reads `hydrate`): hydrating would see another URL.
 */
export const handle = { hydrate: false };

export const meta: MetaFunction = () => [{ title: "This address is not valid · Countersign" }, { name: "robots", content: "noindex" }];

export function loader() {
  return data(null, { status: 400 });
}

export default function BadAddress() {
  return (
    <article className="letter">
      <h1>This address is not valid</h1>
      <p>Part of it is not properly encoded, so it does not name any page. If you followed a link from an email, copy the whole link into the address bar.</p>
      <p>
        <a href="/">Read the letter</a>
      </p>
    </article>
  );
}
