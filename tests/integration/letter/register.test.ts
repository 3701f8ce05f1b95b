import { describe, expect, it } from "vitest";
import { getCurrentLetter, letterSha256, listLetterVersions, registerLetterVersion } from "../../../app/domain/letter/letter.server";
import { setupTestDatabase } from "../../support/db";

const t = setupTestDatabase();
const v1 = "# Stop the ads\n\nFirst text.\n";
const v2 = "# Stop the ads\n\nSecond text, with a correction.\n";

describe("registerLetterVersion", () => {
  it("creates the letter and its first version, identified by the text's SHA-256", async () => {
    const version = await registerLetterVersion(t.db, "reg-a", v1);
    expect(version).toMatchObject({ slug: "reg-a", sha256: letterSha256(v1), title: "Stop the ads", bodyMarkdown: v1 });
    expect(await getCurrentLetter(t.db, "reg-a")).toEqual(version);
  });

  it("is a no-op when the same text is registered again (every restart does this)", async () => {
    const first = await registerLetterVersion(t.db, "reg-b", v1);
    const again = await registerLetterVersion(t.db, "reg-b", v1.replace(/\n/g, "\r\n"));
    expect(again).toEqual(first);
    expect(await listLetterVersions(t.db, "reg-b")).toHaveLength(1);
  });

  it("records a changed text as a new version in force, closing the old one's period", async () => {
    const first = await registerLetterVersion(t.db, "reg-c", v1);
    const second = await registerLetterVersion(t.db, "reg-c", v2);
    expect(second.sha256).toBe(letterSha256(v2));
    expect(second.versionId).not.toBe(first.versionId);
    expect(second.openedAt).toEqual(first.openedAt);
    const history = await listLetterVersions(t.db, "reg-c");
    expect(history.map((h) => h.sha256)).toEqual([letterSha256(v1), letterSha256(v2)]);
    expect(history[0]!.in_force_until).toBeInstanceOf(Date);
    expect(history[1]!.in_force_until).toBeNull();

    // Going back to the first text reuses its version rather than duplicating it.
    const back = await registerLetterVersion(t.db, "reg-c", v1);
    expect(back.versionId).toBe(first.versionId);
    expect(await listLetterVersions(t.db, "reg-c")).toHaveLength(2);
  });

  it("keeps one letter and one version when several processes start at once", async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => registerLetterVersion(t.db, "reg-d", v1)));
    expect(new Set(results.map((r) => r.versionId)).size).toBe(1);
    expect(await listLetterVersions(t.db, "reg-d")).toHaveLength(1);
  });
});
