import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { pageTitle } from "~/i18n.server";

/**
 * Shown (status 400) for any path whose percent-escapes do not decode: the Express host renders
 * this route in its place (server/edge.ts, badAddress). The browser's address is the broken one,
 * so the page is not hydrated (root.tsx reads `hydrate`): hydrating would see another URL.
 */
export const handle = { hydrate: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Countersign" }, { name: "robots", content: "noindex" }];

export function loader({ context }: LoaderFunctionArgs) {
  return data({ title: pageTitle(context, "common", "badAddress.title") }, { status: 400 });
}

export default function BadAddress() {
  const { t } = useTranslation();
  return (
    <article className="letter">
      <h1>{t("badAddress.title")}</h1>
      <p>{t("badAddress.body")}</p>
      <p>
        <a href="/">{t("errorPage.readLetter")}</a>
      </p>
    </article>
  );
}
