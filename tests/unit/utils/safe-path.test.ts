import { describe, expect, it } from "vitest";
import { safePath } from "../../../app/utils/logger.server";

const TOKEN = "kDkHFStoAtYn1QmKDLNY2S8vKQNjJiIFBZ3ZjQm8h14";

describe("safePath (what the logs keep of a request's path)", () => {
  it("masks a token wherever it sits in a segment, and drops the query", () => {
    expect(safePath(`/preview/${TOKEN}`)).toBe("/preview/:token");
    // Remix's data requests, and a link copied with the punctuation after it.
    expect(safePath(`/preview/${TOKEN}.data`)).toBe("/preview/:token.data");
    expect(safePath(`/invite/${TOKEN}.`)).toBe("/invite/:token.");
    expect(safePath(`/invite/${TOKEN})`)).toBe("/invite/:token)");
    expect(safePath(`/invite/${TOKEN}%0A`)).toBe("/invite/:token%0A");
    expect(safePath(`/manage/${TOKEN}?x=1`)).toBe("/manage/:token");
  });

  it("keeps the words of ordinary paths and hides addresses", () => {
    expect(safePath("/signatures.csv")).toBe("/signatures.csv");
    expect(safePath("/admin/signatures/123")).toBe("/admin/signatures/123");
    expect(safePath("/x/someone@example.org")).toBe("/x/:redacted");
  });
});
