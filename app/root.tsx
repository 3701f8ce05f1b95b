import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useMatches, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { formatInZone } from "./utils/time";
import type { ReactNode } from "react";
import styles from "./styles/app.css";
import { useNonce } from "./utils/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/** What the site's frame shows of the letter's launch state (decision 017): which links lead anywhere, and the embargo. */
export async function loader({ context }: LoaderFunctionArgs) {
  const access = await context.access();
  return {
    private: access.private,
    list: access.list,
    letter: access.letter,
    embargo: access.embargo ? { until: access.embargo.until.toISOString(), text: formatInZone(access.embargo.until, access.embargo.zone) } : null,
  };
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  // Absent on an error page whose root loader failed: the frame then shows every link, as when public.
  const campaign = useRouteLoaderData<typeof loader>("root");
  const list = campaign?.list ?? true;
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
          {list && (
            <nav className="site-nav" aria-label="Site">
              <a href="/">The letter</a>
              <a href="/signatures">Who signed</a>
              <a href="/press">Press</a>
              <a href="/labels/join">Labels</a>
            </nav>
          )}
        </header>
        {campaign?.embargo && (
          <p className="embargo" role="note">
            <strong>Embargoed</strong> until <time dateTime={campaign.embargo.until}>{campaign.embargo.text}</time>. You are seeing this through a press preview
            link: please publish nothing of it before then.
          </p>
        )}
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
