import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { JoinLookup, JoinView } from "~/domain/labels/join.server";

/** What a join link or code shows: the request to confirm, or why it cannot be. Ids stay on the server. */
export type JoinPageData =
  | { status: "ready"; view: JoinView }
  | { status: "taken"; view: JoinView }
  | { status: "removed"; view: JoinView }
  | { status: "joined"; view: JoinView }
  | { status: "expired" }
  | { status: "invalid" };

/** The lookup as the page may show it (the join and user ids dropped). */
export function joinPage(result: JoinLookup | { status: "wrong_code" | "too_many_tries" }): JoinPageData {
  if (result.status === "ready" || result.status === "joined" || result.status === "taken" || result.status === "removed")
    return { status: result.status, view: result.view };
  if (result.status === "expired") return result;
  return { status: "invalid" };
}

export function JoinResult({ data, confirmFields }: { data: JoinPageData; confirmFields?: ReactNode }) {
  const { t } = useTranslation("labels");
  const again = { to: <Link to="/labels/join" /> };
  switch (data.status) {
    case "ready":
      return (
        <>
          <h1>{t("result.ready.heading", { label: data.view.existingLabel ?? data.view.labelName })}</h1>
          <dl className="facts">
            <dt>{t("result.label")}</dt>
            <dd>{data.view.existingLabel ?? data.view.labelName}</dd>
            <dt>{t("result.domain")}</dt>
            <dd>{data.view.domain}</dd>
            <dt>{t("result.repName")}</dt>
            <dd>{data.view.repName}</dd>
          </dl>
          <p>{t(data.view.existingLabel ? "result.ready.existing" : "result.ready.new")}</p>
          <Form method="post" className="form">
            {confirmFields}
            <input type="hidden" name="intent" value="confirm" />
            <button type="submit" className="button">
              {t("result.ready.button")}
            </button>
          </Form>
        </>
      );
    case "joined":
      return (
        <>
          <h1>{t("result.joined.heading", { label: data.view.existingLabel ?? data.view.labelName })}</h1>
          <p>
            <Trans t={t} i18nKey="result.joined.body" components={{ to: <Link to="/admin/login" /> }} />
          </p>
        </>
      );
    case "taken":
      return (
        <>
          <h1>{t("result.taken.heading")}</h1>
          <p>{t("result.taken.body")}</p>
        </>
      );
    case "removed":
      return (
        <>
          <h1>{t("result.removed.heading")}</h1>
          <p>{t("result.removed.body")}</p>
        </>
      );
    case "expired":
      return (
        <>
          <h1>{t("result.expired.heading")}</h1>
          <p>
            <Trans t={t} i18nKey="result.expired.body" components={again} />
          </p>
        </>
      );
    default:
      return (
        <>
          <h1>{t("result.invalid.heading")}</h1>
          <p>
            <Trans t={t} i18nKey="result.invalid.body" components={again} />
          </p>
        </>
      );
  }
}
