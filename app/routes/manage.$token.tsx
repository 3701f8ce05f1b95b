import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "~/components/fields";
import { ListingFields, PublicSignatureFields } from "~/components/SignatureFields";
import { lookupManageToken, updateSignature, withdrawSignature } from "~/domain/signatures/manage.server";
import { manageActionSchema, manageFormSchema } from "~/domain/signatures/schema";
import { firstErrorKey } from "~/utils/input";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { pageTitle } from "~/i18n.server";
import { SECRET_LINK_REFERRER, passThroughHeaders } from "~/utils/headers";
import { readForm } from "~/utils/request.server";

export const headers = passThroughHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Countersign" }, { name: "robots", content: "noindex" }];

const noStore = { "Cache-Control": "no-store", "Referrer-Policy": SECRET_LINK_REFERRER };

export async function loader({ params, context }: LoaderFunctionArgs) {
  const found = await lookupManageToken(context.db, params.token ?? "");
  const title = pageTitle(context, "sign", "manage.title");
  if (found.status !== "ok") return data({ status: found.status, title } as const, { status: found.status === "invalid" ? 404 : 410, headers: noStore });
  return data({ status: "ok", view: found.view, title } as const, { headers: noStore });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const token = params.token ?? "";
  // A link that no longer works says so whatever was posted with it: its page shows no form.
  const found = await lookupManageToken(context.db, token);
  if (found.status !== "ok") return data({ done: found.status } as const, { status: found.status === "invalid" ? 404 : 410, headers: noStore });
  const submission = parseWithZod(form, { schema: manageActionSchema });
  if (submission.payload.intent === "withdraw") {
    if (submission.status !== "success" || submission.value.intent !== "withdraw") {
      return data({ withdrawError: firstErrorKey(submission) } as const, { status: 400 });
    }
    const outcome = await withdrawSignature(context.db, token);
    return data({ done: outcome.status } as const, { status: outcome.status === "invalid" ? 404 : 200, headers: noStore });
  }
  // No intent, or another one (a hand-made post): say so, as no field of the form can show it.
  if (submission.payload.intent !== "update") {
    return data({ form: submission.reply({ formErrors: ["manage.useButtons"] }) } as const, { status: 400 });
  }
  if (submission.status !== "success" || submission.value.intent !== "update") return data({ form: submission.reply() } as const, { status: 400 });
  const outcome = await updateSignature(context.db, token, submission.value);
  if (outcome.status !== "updated") return data({ done: outcome.status } as const, { status: outcome.status === "invalid" ? 404 : 410 });
  return data({ form: submission.reply(), saved: true, backToModeration: outcome.backToModeration } as const, { headers: noStore });
}

export default function ManageSignature() {
  const { t } = useTranslation("sign");
  const loaded = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const done = posted && "done" in posted ? posted.done : loaded.status !== "ok" ? loaded.status : undefined;
  const view = loaded.status === "ok" ? loaded.view : undefined;
  const [form, fields] = useForm({
    id: "manage",
    lastResult: posted && "form" in posted ? posted.form : undefined,
    defaultValue: view && {
      ...view,
      link: view.link ?? "",
      comment: view.comment ?? "",
      consent: view.named ? "on" : undefined,
      unnamed: view.named ? undefined : "on",
    },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: manageFormSchema }),
  });

  if (done === "withdrawn") {
    return (
      <section className="page">
        <h1>{t("manage.withdrawn.heading")}</h1>
        <p>{t("manage.withdrawn.body")}</p>
        <p>
          <Link to="/">{t("backToLetter", { ns: "common" })}</Link>
        </p>
      </section>
    );
  }
  if (done === "invalid" || !view) {
    return (
      <section className="page">
        <h1>{t("manage.invalid.heading")}</h1>
        <p>{t("manage.invalid.body")}</p>
      </section>
    );
  }
  return (
    <section className="page">
      <h1>{t("manage.heading")}</h1>
      <p className="hint">
        {t("manage.on", { title: view.letterTitle })} {stateText(view.state, view.named, t)}
      </p>
      {posted && "backToModeration" in posted ? (
        <p className="notice" role="status">
          {posted.backToModeration ? t("manage.savedBack") : t("manage.saved")}
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)} noValidate className="form">
        <FormErrors errors={form.errors} />
        <PublicSignatureFields fields={fields} />
        <ListingFields fields={fields} />
        <input type="hidden" name="intent" value="update" />
        <button type="submit" className="button">
          {t("manage.save")}
        </button>
      </Form>
      <h2>{t("manage.withdrawHeading")}</h2>
      <Form method="post" className="form">
        <p>{t("manage.withdrawBody")}</p>
        <div className="field field-checkbox">
          <input type="checkbox" id="confirm-withdraw" name="confirmWithdraw" aria-describedby="withdraw-error" />
          <label htmlFor="confirm-withdraw">{t("manage.withdrawConfirm")}</label>
          <div className="field-errors" id="withdraw-error" aria-live="polite">
            {posted && "withdrawError" in posted ? <p>{t(posted.withdrawError, { ns: "errors" })}</p> : null}
          </div>
        </div>
        <input type="hidden" name="intent" value="withdraw" />
        <button type="submit" className="button button-danger">
          {t("manage.withdrawButton")}
        </button>
      </Form>
    </section>
  );
}

function stateText(state: string, named: boolean, t: TFunction): string {
  switch (state) {
    case "approved":
      return t(named ? "manage.state.approvedNamed" : "manage.state.approvedUnnamed");
    case "pending":
      return t(named ? "manage.state.pendingNamed" : "manage.state.pendingUnnamed");
    case "rejected":
      return t("manage.state.rejected");
    default:
      return "";
  }
}
