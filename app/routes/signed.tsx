import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import { pageTitle } from "~/i18n.server";

export function loader({ context }: LoaderFunctionArgs) {
  return { title: pageTitle(context, "sign", "signed.title") };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Countersign" }, { name: "robots", content: "noindex" }];

/** Shown after every submission of the form, whatever happened behind it. */
export default function Signed() {
  const { t } = useTranslation("sign");
  return (
    <section className="page">
      <h1>{t("signed.heading")}</h1>
      <p>{t("signed.body")}</p>
      <p>
        <Trans t={t} i18nKey="signed.code" components={{ to: <Link to="/confirm" /> }} />
      </p>
      <p className="hint">{t("signed.spam")}</p>
      <p>
        <Link to="/">{t("backToLetter", { ns: "common" })}</Link>
      </p>
    </section>
  );
}
