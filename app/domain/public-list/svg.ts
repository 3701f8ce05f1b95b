import { formatNumber } from "../../utils/format";

/** Server-drawn images: the count badge and the social card. Plain strings, no script, no fonts to fetch. */

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

export const formatCount = formatNumber;

/** A shields-style badge: "signatures | 12,345". Widths estimated from character counts. */
export function countBadgeSvg(count: number, label = "signatures"): string {
  const value = formatCount(count);
  const charWidth = 7;
  const left = label.length * charWidth + 12;
  const right = value.length * charWidth + 12;
  const width = left + right;
  const title = `${label}: ${value}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${escapeXml(title)}">
<title>${escapeXml(title)}</title>
<rect width="${left}" height="20" fill="#111111"/>
<rect x="${left}" width="${right}" height="20" fill="#b3261e"/>
<g fill="#ffffff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">
<text x="${left / 2}" y="14">${escapeXml(label)}</text>
<text x="${left + right / 2}" y="14">${escapeXml(value)}</text>
</g>
</svg>`;
}

function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if ((line + " " + word).trim().length > max && line) {
      lines.push(line);
      line = word;
    } else line = (line + " " + word).trim();
  }
  if (line) lines.push(line);
  return lines.slice(0, 3);
}

/** The 1200×630 card that link previews show, with the live count. */
export function socialCardSvg({ title, count, caption }: { title: string; count: number; caption: string }): string {
  const lines = wrap(title, 30)
    .map((line, i) => `<text x="80" y="${150 + i * 68}" font-size="56" font-weight="700">${escapeXml(line)}</text>`)
    .join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630" role="img" aria-label="${escapeXml(`${title}: ${formatCount(count)} ${caption}`)}">
<rect width="1200" height="630" fill="#fbfaf7"/>
<rect width="1200" height="16" fill="#b3261e"/>
<g fill="#111111" font-family="Georgia,DejaVu Serif,serif">
${lines}
<text x="80" y="470" font-size="120" font-weight="700" fill="#b3261e">${escapeXml(formatCount(count))}</text>
<text x="80" y="530" font-size="36">${escapeXml(caption)}</text>
<text x="80" y="590" font-size="28" fill="#555555">Countersign · every name confirmed and approved before it is shown</text>
</g>
</svg>`;
}
