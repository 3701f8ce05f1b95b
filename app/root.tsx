import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useMatches, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";
import styles from "./styles/app.css";
import { useNonce } from "./utils/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  // A route may ask to stay static HTML (bad-address: the browser's URL is not the one rendered).
  const hydrate = !useMatches().some((match) => (match.handle as { hydrate?: boolean } | undefined)?.hydrate === false);
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#111111" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <a className="brand" href="/">
            Countersign
          </a>
          <nav className="site-nav" aria-label="Site">
            <a href="/">The letter</a>
            <a href="/signatures">Who signed</a>
            <a href="/press">Press</a>
            <a href="/labels/join">Labels</a>
          </nav>
        </header>
        <main id="main">{children}</main>
        <footer className="site-footer">
          <p>Countersign: open letters from the people who make the music. Every name is checked before it is shown.</p>
        </footer>
        {hydrate && <ScrollRestoration nonce={nonce} />}
        {hydrate && <Scripts nonce={nonce} />}
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

const clientErrorTitles: Record<number, string> = {
  400: "We could not read that form",
  403: "This page is not for your account",
  404: "Page not found",
  405: "Not allowed here",
  413: "That was more than we accept",
  415: "We could not read that form",
  429: "Too many requests",
};

function errorTitle(error: unknown): string {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return clientErrorTitles[status] ?? "Something went wrong";
}

// Every route names its page; this names the error pages (and a route that does not), so none is
// left without a <title> (axe: document-title).
export const meta: MetaFunction = ({ error }) => [{ title: error ? `${errorTitle(error)} · Countersign` : "Countersign" }];

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title = errorTitle(error);
  // 4xx messages are ours (thrown as Responses by request helpers); anything else stays generic.
  const message =
    status === 404
      ? "There is nothing at this address."
      : isRouteErrorResponse(error) && status < 500 && typeof error.data === "string"
        ? error.data
        : "Please try again in a moment.";
  return (
    <article className="letter">
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/">Read the letter</a>
      </p>
    </article>
  );
}
