import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type axe from "axe-core";
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from "playwright-core";
import { inject } from "vitest";

/** Debian's Chromium (CI installs it); CHROMIUM_PATH overrides. Flags keep it off the closed network. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function withContext<T>(
  browser: Browser,
  options: Parameters<Browser["newContext"]>[0],
  fn: (page: Page, context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext(options);
  try {
    return await fn(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// axe-core

const require = createRequire(import.meta.url);
/** Injected with page.evaluate, which DevTools runs outside the page's CSP: the site's nonces stay on. */
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** Every axe violation on the page as it is now (all rules axe runs by default). */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const runner = (window as unknown as { axe: typeof axe }).axe;
    const results = await runner.run(document, { resultTypes: ["violations"] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(" >> ")),
    }));
  });
}

export const isBlocking = (f: AxeFinding) => f.impact === "serious" || f.impact === "critical";

export function describeFindings(findings: AxeFinding[]): string {
  return findings.map((f) => `${f.id} [${f.impact}] ${f.help}\n    ${f.targets.join("\n    ")}`).join("\n");
}

// ---------------------------------------------------------------------------------------------
// Console and page errors

/**
 * Collects what a page reports as wrong: `console.error` (React's hydration errors, CSP refusals,
 * failed loads) and uncaught exceptions. The only message let through is the browser's note that a
 * page the test expects to answer an error status did so (a 404 page says 404): that page's
 * document, or the data Remix fetches for it (`<path>.data`).
 */
export function watchErrors(page: Page) {
  let problems: string[] = [];
  let allowed: { path: string; status: number }[] = [];
  const isAllowed = (text: string, where: string) => {
    if (!URL.canParse(where)) return false;
    const path = new URL(where).pathname;
    return allowed.some(
      (a) => (path === a.path || path === `${a.path}.data`) && text.startsWith(`Failed to load resource: the server responded with a status of ${a.status} `),
    );
  };
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() !== "error") return;
    const text = message.text();
    const where = message.location().url;
    if (isAllowed(text, where)) return;
    // Remix logs a navigation it aborted for a newer one (seen once, on the withdraw form's Enter,
    // in 1 of 3 runs): the page still ends where it should, which the tests check. Left to look into.
    if (text.startsWith("AbortError: signal is aborted without reason")) return;
    problems.push(`console.error: ${text}${where ? ` (at ${where})` : ""}`);
  };
  const onPageError = (error: Error) => problems.push(`pageerror: ${error.message}`);
  page.on("console", onConsole);
  page.on("pageerror", onPageError);
  const watch = {
    /** Forget what was seen and allowed so far; then allow `url` to answer `status` (if ≥ 400). */
    reset(expect?: { url: string; status: number }) {
      problems = [];
      allowed = [];
      if (expect) watch.allow(expect.url, expect.status);
    },
    /** From now on, the page at `url` (its path) may answer `status`: the test expects it. */
    allow(url: string, status: number) {
      if (status >= 400) allowed.push({ path: new URL(url).pathname, status });
    },
    get problems(): readonly string[] {
      return problems;
    },
  };
  return watch;
}

/**
 * Resolves once React has hydrated the page and reported what it found: the element every page
 * renders (`<main id="main">`) carries a React fiber, then two frames pass, so a recoverable
 * hydration error (React's #418/#423/#425) has been logged. Pages that ship no script skip this.
 */
export async function waitForHydration(page: Page) {
  // Remix's entry is an inline module script; a page rendered with `hydrate: false` has none.
  if ((await page.locator('script[type="module"]').count()) === 0) return;
  await page.waitForFunction(
    () => {
      const main = document.getElementById("main");
      return Boolean(main && Object.keys(main).some((k) => k.startsWith("__reactFiber$")));
    },
    undefined,
    { timeout: 15_000 },
  );
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0)))));
}

// ---------------------------------------------------------------------------------------------
// Keyboard

export interface Focused {
  id: string;
  tag: string;
  type: string | null;
  name: string | null;
  text: string;
  label: string;
  value: string | null;
  checked: boolean | null;
  outlineStyle: string;
}

export const focused = (page: Page) =>
  page.evaluate((): Focused | null => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const labelled = "labels" in el ? Array.from((el as HTMLInputElement).labels ?? []).map((l) => l.textContent?.trim() ?? "") : [];
    return {
      id: el.id,
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute("type"),
      name: el.getAttribute("name"),
      text: el.textContent?.trim() ?? "",
      label: labelled.join(" ") || el.getAttribute("aria-label") || "",
      value: "value" in el ? String((el as HTMLInputElement).value) : null,
      checked: el instanceof HTMLInputElement && el.type === "checkbox" ? el.checked : null,
      outlineStyle: style.outlineStyle,
    };
  });

const describeFocus = (el: Focused) =>
  `<${el.tag}${el.id ? ` id="${el.id}"` : ""}${el.name ? ` name="${el.name}"` : ""}> "${(el.label || el.text).slice(0, 50)}"`;

/**
 * Presses Tab until the focused element passes `done`, and fails after `max` presses. Every stop
 * on the way must show a focus outline (WCAG 2.4.7), or the keyboard user cannot see where they are.
 */
export async function tabTo(page: Page, done: (el: Focused) => boolean, what: string, max = 40): Promise<Focused> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const el = await focused(page);
    if (!el) continue;
    seen.push(describeFocus(el));
    if (el.outlineStyle === "none") throw new Error(`focus on ${describeFocus(el)} shows no outline`);
    if (done(el)) return el;
  }
  throw new Error(`Tab did not reach ${what} in ${max} presses; it went through:\n  ${seen.join("\n  ")}`);
}

/** Tabs to the field whose label starts with `label` and types `text` into it. */
export async function tabAndType(page: Page, label: string, text: string, max?: number) {
  await tabTo(page, (el) => el.label.startsWith(label), `the field "${label}"`, max);
  await page.keyboard.type(text);
}

/** Tabs to the button (or submit input) whose text is `text`. */
export const tabToButton = (page: Page, text: string, max?: number) =>
  tabTo(page, (el) => (el.tag === "button" || el.type === "submit") && el.text === text, `the button "${text}"`, max);

// ---------------------------------------------------------------------------------------------
// Screenshots of each step

/** Where screenshots go: printed once per run by tests/support/global-setup.ts. */
export function screenshotRoot(): string {
  return inject("screenshotDir");
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 120);

/**
 * Runs a test's steps, saving a screenshot of the page after each one under
 * `<screenshot folder>/<test file>/<test>/NN-<step>.png`. A step that fails is screenshotted too
 * (`NN-<step>.FAILED.png`) and its error names that file.
 */
export function stepsFor(task: { name: string; file?: { name: string }; suite?: { name: string } }) {
  // The suite's name too: describe.each runs one test name once per case (JavaScript on, off).
  const dir = path.join(screenshotRoot(), slug(path.basename(task.file?.name ?? "test", ".test.ts")), slug(`${task.suite?.name ?? ""} ${task.name}`));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async function step<T>(page: Page, name: string, fn: () => Promise<T>): Promise<T> {
    const base = path.join(dir, `${String(++n).padStart(2, "0")}-${slug(name)}`);
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      const file = `${base}.FAILED.png`;
      const shot = await page.screenshot({ path: file, fullPage: true, timeout: 5_000 }).then(
        () => `screenshot: ${file}`,
        (e: unknown) => `no screenshot (${(e as Error).message.split("\n")[0]})`,
      );
      const original = error instanceof Error ? error : new Error(String(error));
      const wrapped = new Error(`step "${name}" failed (${shot}):\n${original.message}`, { cause: original });
      wrapped.stack = `${wrapped.message}\n${original.stack?.split("\n").slice(1).join("\n") ?? ""}`;
      throw wrapped;
    }
    await page.screenshot({ path: `${base}.png`, timeout: 5_000 });
    return result;
  };
}
