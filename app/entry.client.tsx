import { RemixBrowser } from "@remix-run/react";
import i18next, { type BackendModule, type ResourceKey } from "i18next";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { getInitialNamespaces } from "remix-i18next/client";
import { i18nConfig } from "./i18n";

/**
 * Loads a language's text from /locales/<language> (all its client namespaces in one answer, cached
 * by the browser under the tag in the URL): the address the server wrote in <meta name="translations">.
 */
const fetchBackend: BackendModule = {
  type: "backend",
  init() {},
  read(language, namespace, callback) {
    const meta = document.querySelector<HTMLMetaElement>('meta[name="translations"]')?.content;
    const url = meta && meta.startsWith(`/locales/${language}`) ? meta : `/locales/${encodeURIComponent(language)}`;
    (loaded[url] ??= fetch(url).then((answer) => {
      if (!answer.ok) throw new Error(`translations ${url}: ${answer.status}`);
      return answer.json() as Promise<Record<string, ResourceKey>>;
    })).then(
      (all) => callback(null, all[namespace] ?? {}),
      (error: Error) => callback(error, false),
    );
  },
};
const loaded: Record<string, Promise<Record<string, ResourceKey>>> = {};

async function hydrate() {
  // The same language and text the server rendered with, before React hydrates the page.
  await i18next
    .use(initReactI18next)
    .use(fetchBackend)
    .init({ ...i18nConfig, lng: document.documentElement.lang, ns: [...new Set([...i18nConfig.ns, ...getInitialNamespaces()])] });
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    );
  });
}

void hydrate();
