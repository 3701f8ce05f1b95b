import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useMatches, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { TFunction } from "i18next";
import { formatInZone } from "./utils/time";
import type { ReactNode } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useChangeLanguage } from "remix-i18next/react";
import { LanguageSwitch } from "./components/LanguageSwitch";
import { clientResources } from "./i18n.server";
import styles from "./styles/app.css";
import { useNonce } from "./utils/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/**
 * The visitor's language (detected once per request, server/app.ts) with the tag of its
 * translations for the browser (decision 019), and what the site's frame shows of the letter's
 * launch state (decision 017): which links lead anywhere, and the embargo.
 */
export async function loader({ context }: LoaderFunctionArgs) {
  const access = await context.access();
  return {
    private: access.private,
    locale: context.language,
    translations: clientResources(context.language).tag,
    list: access.list,
    letter: access.letter,
    embargo: access.embargo
      ? { until: access.embargo.until.toISOString(), text: formatInZone(access.embargo.until, access.embargo.zone, context.language) }
      : null,
  };
}

export const handle = { i18n: ["common"] };

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const { t, i18n } = useTranslation();
  // Absent on an error page whose root loader failed: the frame then shows every link, as when public.
  const root = useRouteLoaderData<typeof loader>("root");
  const list = root?.list ?? true;
  // A route may ask to stay static HTML (bad-address: the browser's URL is not the one rendered).
  const hydrate = !useMatches().some((match) => (match.handle as { hydrate?: boolean } | undefined)?.hydrate === false);
  const language = i18n.language;
  return (
    <html lang={language} dir={i18n.dir(language)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#111111" />
        {/* Where the browser's i18next loads this language's text before hydrating (entry.client.tsx). */}
        <meta name="translations" content={`/locales/${language}${root ? `?v=${root.translations}` : ""}`} />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          {t("skipToContent")}
        </a>
        <header className="site-header">
          <a className="brand" href="/">
            Countersign
          </a>
          {list && (
            <nav className="site-nav" aria-label={t("nav.label")}>
              <a href="/">{t("nav.letter")}</a>
              <a href="/signatures">{t("nav.signatures")}</a>
              <a href="/press">{t("nav.press")}</a>
              <a href="/labels/join">{t("nav.labels")}</a>
            </nav>
          )}
          <LanguageSwitch />
        </header>
        {root?.embargo && (
          <p className="embargo" role="note">
            <Trans
              t={t}
              i18nKey="embargo"
              values={{ until: root.embargo.text }}
              components={{ strong: <strong />, time: <time dateTime={root.embargo.until} /> }}
            />
          </p>
        )}
        <main id="main">{children}</main>
        <footer className="site-footer">
          <p>{t("footer")}</p>
        </footer>
        {hydrate && <ScrollRestoration nonce={nonce} />}
        {hydrate && <Scripts nonce={nonce} />}
      </body>
    </html>
  );
}

export default function App() {
  const { locale } = useRouteLoaderData<typeof loader>("root") ?? {};
  useChangeLanguage(locale ?? "");
  return <Outlet />;
}

const clientErrorStatuses = new Set([400, 403, 404, 405, 413, 415, 429]);

function errorTitle(error: unknown, t: TFunction): string {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return clientErrorStatuses.has(status) ? t(`errorPage.title.${status}`) : t("errorPage.title.other");
}

// Every route names its page; this names the error pages (and a route that does not), so none is
// left without a <title> (axe: document-title). Meta has no hook for the language: the error
// boundary's <title> below gives it in the visitor's language.
export const meta: MetaFunction = ({ error }) => (error ? [] : [{ title: "Countersign" }]);

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title = errorTitle(error, t);
  // 4xx messages are ours (thrown as Responses by request helpers, as keys of common's `errorPage.message`
  // or English words); anything else stays generic.
  const message =
    status === 404
      ? t("errorPage.notFound")
      : isRouteErrorResponse(error) && status < 500 && typeof error.data === "string"
        ? t(`errorPage.message.${error.data}`, { defaultValue: error.data })
        : t("errorPage.tryAgain");
  return (
    <article className="letter">
      <title>{`${title} · Countersign`}</title>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/">{t("errorPage.readLetter")}</a>
      </p>
    </article>
  );
}
