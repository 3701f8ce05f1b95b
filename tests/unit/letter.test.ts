import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { letterSha256, renderLetterHtml, splitTitle } from "../../app/domain/letter/letter.server";

describe("letter versions", () => {
  it("identifies a text by the SHA-256 of its UTF-8 bytes", () => {
    // printf '# T\n\nBody — ü\n' | sha256sum
    expect(letterSha256("# T\n\nBody — ü\n")).toBe("e4f6c860c55310135f6779360b84b81a272561162b9f3dea0f9ac0566b70af6d");
  });

  it("gives the same version to the same text whatever its line endings, and a new one for any edit", () => {
    const text = readFileSync("content/letters/spotify-ice.md", "utf8");
    expect(letterSha256(text.replace(/\n/g, "\r\n"))).toBe(letterSha256(text));
    expect(letterSha256(`${text} `)).not.toBe(letterSha256(text));
    expect(letterSha256(text)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("takes the title from the first heading", () => {
    expect(splitTitle("# Stop the ads\n\nDear Spotify,")).toEqual({ title: "Stop the ads", body: "Dear Spotify," });
    expect(() => splitTitle("No heading here")).toThrow(/level-one heading/);
  });

  it("keeps the letter short and makes the four demands", () => {
    const { body } = splitTitle(readFileSync("content/letters/spotify-ice.md", "utf8"));
    const words = body.split(/\s+/).filter(Boolean).length;
    expect(words).toBeGreaterThanOrEqual(300);
    expect(words).toBeLessThanOrEqual(450);
    expect(renderLetterHtml({ sha256: "real", bodyMarkdown: `# T\n\n${body}` }).match(/<li>/g)).toHaveLength(4);
  });

  it("renders Markdown without letting HTML or script links through", () => {
    const html = renderLetterHtml({
      sha256: "unsafe-sample",
      bodyMarkdown: '# T\n\n<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[click](javascript:alert(3)) and [ok](https://example.org)',
    });
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('href="https://example.org"');
  });
});
