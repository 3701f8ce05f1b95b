import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { SignatureView as ConfirmViewData } from "~/domain/signatures/view";
import { useCountryName } from "./i18n";

export type ConfirmPageData =
  | { status: "ready"; view: ConfirmViewData }
  | { status: "confirmed"; view: ConfirmViewData }
  | { status: "expired" }
  | { status: "inactive" }
  | { status: "invalid" };

export function SignatureSummary({ view }: { view: ConfirmViewData }) {
  const { t } = useTranslation("sign");
  const countryName = useCountryName();
  return (
    <dl className="facts">
      <dt>{t("summary.letter")}</dt>
      <dd>{view.letterTitle}</dd>
      <dt>{t("summary.name")}</dt>
      <dd>{view.displayName}</dd>
      <dt>{t("summary.role")}</dt>
      <dd>{t(`roles.${view.role}`, { ns: "common" })}</dd>
      <dt>{t("summary.country")}</dt>
      <dd>{countryName(view.country)}</dd>
      {view.link ? (
        <>
          <dt>{t("summary.link")}</dt>
          <dd>{view.link}</dd>
        </>
      ) : null}
      {view.comment ? (
        <>
          <dt>{t("summary.comment")}</dt>
          <dd>{view.comment}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** Every state of a confirmation, for the link page and the code page alike. */
export function ConfirmResult({ data, confirmFields }: { data: ConfirmPageData; confirmFields?: ReactNode }) {
  const { t } = useTranslation("sign");
  switch (data.status) {
    case "ready":
      return (
        <>
          <h1>{t("confirm.ready.heading")}</h1>
          <p>{t("confirm.ready.body")}</p>
          <SignatureSummary view={data.view} />
          <Form method="post" className="form">
            {confirmFields}
            <input type="hidden" name="intent" value="confirm" />
            <button type="submit" className="button">
              {t("confirm.ready.button")}
            </button>
          </Form>
        </>
      );
    case "confirmed":
      return (
        <>
          <h1>{t("confirm.confirmed.heading")}</h1>
          <SignatureSummary view={data.view} />
          <p>{t("confirm.confirmed.next")}</p>
          <p>
            <Link to="/">{t("backToLetter", { ns: "common" })}</Link>
          </p>
        </>
      );
    case "expired":
      return (
        <>
          <h1>{t("confirm.expired.heading")}</h1>
          <p>{t("confirm.expired.body")}</p>
          <p>
            <Link to="/">{t("signTheLetter", { ns: "common" })}</Link>
          </p>
        </>
      );
    case "inactive":
      return (
        <>
          <h1>{t("confirm.inactive.heading")}</h1>
          <p>{t("confirm.inactive.body")}</p>
          <p>
            <Link to="/">{t("backToLetter", { ns: "common" })}</Link>
          </p>
        </>
      );
    case "invalid":
      return (
        <>
          <h1>{t("confirm.invalid.heading")}</h1>
          <p>{t("confirm.invalid.body")}</p>
          <p>
            <Link to="/confirm">{t("confirm.invalid.link")}</Link>
          </p>
        </>
      );
  }
}
