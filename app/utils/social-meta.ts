/**
 * The link-preview tags a page shares (Open Graph and Twitter/X): title, description, URL and the
 * 1200×630 PNG card with the live count (app/routes/og.$image.ts).
 */
export function socialMeta(p: {
  type: "article" | "website";
  title: string;
  description: string;
  /** APP_URL, without a trailing slash. */
  site: string;
  /** The page's path: "/", "/signatures". */
  path: string;
  card: "letter" | "signatures";
  /** What the card shows, for people who cannot see it. */
  alt: string;
}) {
  const image = `${p.site}/og/${p.card}.png`;
  return [
    { property: "og:type", content: p.type },
    { property: "og:site_name", content: "Countersign" },
    { property: "og:title", content: p.title },
    { property: "og:description", content: p.description },
    { property: "og:url", content: `${p.site}${p.path}` },
    { property: "og:image", content: image },
    { property: "og:image:type", content: "image/png" },
    { property: "og:image:width", content: "1200" },
    { property: "og:image:height", content: "630" },
    { property: "og:image:alt", content: p.alt },
    { name: "twitter:card", content: "summary_large_image" },
    { name: "twitter:title", content: p.title },
    { name: "twitter:description", content: p.description },
    { name: "twitter:image", content: image },
    { name: "twitter:image:alt", content: p.alt },
  ];
}

/**
 * Whether this page is seen before launch, through a private link (decision 017): then it says
 * nothing to link previews or search engines (no description, no card, noindex), so a chat app
 * that fetches a pasted link cannot turn the embargoed letter into a public preview.
 */
export function seenBeforeLaunch(matches: ReadonlyArray<{ id: string; data?: unknown }>): boolean {
  const root = matches.find((m) => m.id === "root")?.data as { private?: boolean } | undefined;
  return root?.private === true;
}

export const PRIVATE_META = [{ name: "robots", content: "noindex" }];
