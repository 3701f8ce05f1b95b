import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_LANGUAGE, LANGUAGES, NAMESPACES } from "../../../app/i18n";

// Every language has every key of every namespace, and nothing more: a key missing in either
// direction fails here. Plural keys (key_one, key_other, …) are compared by their base key, and
// each language must have exactly the plural forms Intl.PluralRules gives it (Spanish has `many`).

const dir = path.resolve("app/locales");
const PLURAL = /_(zero|one|two|few|many|other)$/;

function read(language: string, ns: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, language, `${ns}.json`), "utf8")) as Record<string, unknown>;
}

function flatten(node: Record<string, unknown>, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(node)) {
    const at = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(at, value);
    else if (value && typeof value === "object") for (const [k, v] of flatten(value as Record<string, unknown>, at)) out.set(k, v);
    else throw new Error(`${at}: not text`);
  }
  return out;
}

/** The keys without their plural suffix, and for each plural key the forms it has. */
function shape(keys: Iterable<string>) {
  const plain = new Set<string>();
  const plurals = new Map<string, Set<string>>();
  for (const key of keys) {
    const m = PLURAL.exec(key);
    if (m) {
      const base = key.slice(0, -m[0].length);
      if (!plurals.has(base)) plurals.set(base, new Set());
      plurals.get(base)!.add(m[1]!);
    } else plain.add(key);
  }
  return { plain, plurals };
}

const interpolations = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}|<(\w+)>/g)].map((m) => m[1] ?? `<${m[2]}>`).sort();

describe("translations", () => {
  it("have one folder per language, each with one file per namespace", () => {
    for (const language of LANGUAGES) {
      const files = readdirSync(path.join(dir, language)).filter((f) => f.endsWith(".json"));
      expect(files.map((f) => f.replace(/\.json$/, "")).sort(), language).toEqual([...NAMESPACES].sort());
    }
  });

  for (const ns of NAMESPACES) {
    it(`${ns}: every key in every language, both ways, plural forms as Intl.PluralRules gives them`, () => {
      const reference = shape(flatten(read(DEFAULT_LANGUAGE, ns)).keys());
      for (const language of LANGUAGES) {
        const keys = flatten(read(language, ns));
        const { plain, plurals } = shape(keys.keys());
        const missing = [...reference.plain, ...reference.plurals.keys()].filter((k) => !plain.has(k) && !plurals.has(k));
        const extra = [...plain, ...plurals.keys()].filter((k) => !reference.plain.has(k) && !reference.plurals.has(k));
        expect({ language, missing, extra }).toEqual({ language, missing: [], extra: [] });
        // A plural key is plural in every language, with exactly that language's forms.
        const forms = new Set(new Intl.PluralRules(language).resolvedOptions().pluralCategories);
        for (const base of reference.plurals.keys()) {
          expect([...(plurals.get(base) ?? [])].sort(), `${language} ${ns}:${base}`).toEqual([...forms].sort());
        }
        for (const [key, text] of keys) expect(text.trim(), `${language} ${ns}:${key}`).not.toBe("");
      }
    });

    it(`${ns}: the same placeholders and tags in every language`, () => {
      const english = flatten(read(DEFAULT_LANGUAGE, ns));
      for (const language of LANGUAGES) {
        for (const [key, text] of flatten(read(language, ns))) {
          const base = key.replace(PLURAL, "");
          const counterpart = english.get(key) ?? english.get(`${base}_other`) ?? english.get(base);
          if (counterpart === undefined) continue; // reported by the test above
          expect(interpolations(text), `${language} ${ns}:${key}`).toEqual(interpolations(counterpart));
        }
      }
    });
  }

  it("name no tag after an HTML void element (<Trans> would drop its text: <link>…</link> rendered an empty link)", () => {
    const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]);
    for (const language of LANGUAGES) {
      for (const ns of NAMESPACES) {
        for (const [key, text] of flatten(read(language, ns))) {
          const tags = [...text.matchAll(/<(\w+)>/g)].map((m) => m[1]!);
          expect(
            tags.filter((tag) => VOID.has(tag)),
            `${language} ${ns}:${key}`,
          ).toEqual([]);
        }
      }
    }
  });

  it("give every message key the schemas use (a typo in a schema fails here)", () => {
    const errors = flatten(read(DEFAULT_LANGUAGE, "errors"));
    const schemas = [
      "app/domain/common/messages.ts",
      "app/domain/common/schema.ts",
      "app/domain/signatures/schema.ts",
      "app/domain/labels/schema.ts",
      "app/domain/public-list/schema.ts",
      "app/domain/public-list/page.server.ts",
      "app/routes/confirm._index.tsx",
      "app/utils/input.ts",
    ];
    const groups = new Set([...errors.keys()].map((k) => k.split(".")[0]!));
    const used: string[] = [];
    for (const file of schemas) {
      for (const m of readFileSync(file, "utf8").matchAll(/"([a-z][A-Za-z]*)\.([a-z][A-Za-z]*)"/g)) if (groups.has(m[1]!)) used.push(`${m[1]}.${m[2]}`);
    }
    expect(used.length).toBeGreaterThan(40);
    expect(used.filter((key) => !errors.has(key))).toEqual([]);
  });
});
