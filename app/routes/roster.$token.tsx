import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { answerRoster, lookupRosterToken } from "~/domain/labels/roster.server";
import { rosterAnswerSchema } from "~/domain/labels/schema";
import { SECRET_LINK_REFERRER, passThroughHeaders } from "~/utils/headers";
import { firstErrorKey } from "~/utils/input";
import { useTranslation } from "react-i18next";
import { pageTitle } from "~/i18n.server";
import { readForm } from "~/utils/request.server";

export const headers = passThroughHeaders;
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Countersign" }, { name: "robots", content: "noindex" }];

const noStore = { "Cache-Control": "no-store", "Referrer-Policy": SECRET_LINK_REFERRER };

/** GET shows the entry and changes nothing: mail scanners open links. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const found = await lookupRosterToken(context.db, params.token ?? "");
  const title = pageTitle(context, "labels", "roster.title");
  if (found.status === "ok" || found.status === "merged") return data({ status: found.status, view: found.view, title }, { headers: noStore });
  return data({ status: found.status, title }, { status: found.status === "withdrawn" ? 410 : 404, headers: noStore });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  // A link that no longer works says so whatever was posted with it: its page shows no buttons.
  const found = await lookupRosterToken(context.db, params.token ?? "");
  if (found.status === "invalid") return data({ answer: "error" as const, message: "roster.gone" }, { status: 404, headers: noStore });
  const submission = parseWithZod(form, { schema: rosterAnswerSchema });
  if (submission.status !== "success") return data({ answer: "error" as const, message: firstErrorKey(submission) }, { status: 400, headers: noStore });
  const outcome = await answerRoster(context.db, params.token ?? "", submission.value.intent);
  if (outcome.status === "invalid") return data({ answer: "error" as const, message: "roster.gone" }, { status: 404, headers: noStore });
  // Post, then redirect: the page the artist lands on is the link's own, which shows the answer
  // (confirmed, withdrawn, or shown once), and reloading it sends nothing again.
  return redirect(`/roster/${encodeURIComponent(params.token ?? "")}`, { status: 303, headers: noStore });
}

export default function RosterAnswer() {
  const { t } = useTranslation("labels");
  const loaded = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  if (loaded.status === "withdrawn") {
    return (
      <section className="page">
        <h1>{t("roster.withdrawn.heading")}</h1>
        <p>{t("roster.withdrawn.body")}</p>
      </section>
    );
  }
  if (loaded.status === "merged") {
    return (
      <section className="page">
        <h1>{t("roster.merged.heading")}</h1>
        <p>{t("roster.merged.body")}</p>
      </section>
    );
  }
  if (loaded.status !== "ok") {
    return (
      <section className="page">
        <h1>{t("roster.invalid.heading")}</h1>
        <p>{t("roster.invalid.body")}</p>
      </section>
    );
  }
  const { view } = loaded;
  const confirmed = view.confirmed;
  return (
    <section className="page">
      <h1>{t("roster.heading", { label: view.labelName, artist: view.artistName })}</h1>
      <p>{t("roster.body", { label: view.labelName, domain: view.labelDomain, artist: view.artistName, title: view.letterTitle })}</p>
      {posted?.answer === "error" ? (
        <p className="form-errors" role="alert">
          {t(posted.message, { ns: "errors" })}
        </p>
      ) : null}
      {confirmed ? (
        <p className="notice" role="status">
          {t("roster.confirmed")}
        </p>
      ) : null}
      <div className="actions">
        {confirmed ? null : (
          <Form method="post" className="inline">
            <input type="hidden" name="intent" value="confirm" />
            <button type="submit" className="button">
              {t("roster.confirm")}
            </button>
          </Form>
        )}
        <Form method="post" className="inline">
          <input type="hidden" name="intent" value="withdraw" />
          <button type="submit" className="button secondary">
            {t("roster.withdraw")}
          </button>
        </Form>
      </div>
    </section>
  );
}
