import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { signingRefusal } from "~/domain/campaign/campaign.server";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, TextField } from "~/components/fields";
import { joinSchema, requestJoin } from "~/domain/labels/join.server";
import { joinFieldsSchema } from "~/domain/labels/schema";
import { passThroughHeaders } from "~/utils/headers";
import { readForm } from "~/utils/request.server";
import { Trans, useTranslation } from "react-i18next";
import { pageTitle } from "~/i18n.server";

export const headers = passThroughHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Countersign" }];

/**
 * Joining is signing for a label: open while the letter takes signatures from this visitor
 * (decision 017). When it is not, the reason is a key of errors.json (`signing.<code>`).
 */
async function joining(context: LoaderFunctionArgs["context"]) {
  const access = await context.access();
  if (access.sign) return { open: true as const };
  return { open: false as const, message: `signing.${signingRefusal(access).code}` };
}

export async function loader({ context }: LoaderFunctionArgs) {
  return { ...(await joining(context)), title: pageTitle(context, "labels", "join.title") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: joinSchema });
  if (submission.status !== "success") return data({ form: submission.reply(), sent: false, domain: null }, { status: 400 });
  const open = await joining(context);
  if (!open.open) return data({ form: submission.reply({ formErrors: [open.message] }), sent: false, domain: null }, { status: 403 });
  await requestJoin(context.db, submission.value, { ip: context.clientIp, ipHashSecret: context.env.IP_HASH_SECRET, language: context.language });
  // The same answer whether or not the address or the label is known.
  return data({ form: submission.reply({ resetForm: true }), sent: true, domain: submission.value.domain }, { headers: { "Cache-Control": "no-store" } });
}

export default function JoinAsLabel() {
  const { t } = useTranslation("labels");
  const joinable = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "label-join",
    lastResult: posted?.form,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: joinFieldsSchema }),
  });
  if (posted?.sent) {
    return (
      <section className="page">
        <h1>{t("join.sent.heading")}</h1>
        <p>
          <Trans t={t} i18nKey="join.sent.body" values={{ domain: posted.domain }} components={{ strong: <strong /> }} />
        </p>
        <p>
          <Trans t={t} i18nKey="join.sent.code" components={{ to: <Link to="/labels/confirm" /> }} />
        </p>
      </section>
    );
  }
  if (!joinable.open) {
    return (
      <section className="page">
        <h1>{t("join.heading")}</h1>
        <p>{t(joinable.message, { ns: "errors" })}</p>
      </section>
    );
  }
  return (
    <section className="page">
      <h1>{t("join.heading")}</h1>
      <p>{t("join.intro")}</p>
      <p className="hint">{t("join.second")}</p>
      <Form method="post" {...getFormProps(form)} noValidate className="form">
        <FormErrors errors={form.errors} />
        <TextField meta={fields.labelName} label={t("join.labelName")} autoComplete="organization" />
        <TextField meta={fields.website} type="url" label={t("join.website")} hint={t("join.websiteHint")} autoComplete="url" />
        <TextField meta={fields.repName} label={t("join.repName")} autoComplete="name" />
        <TextField meta={fields.email} type="email" label={t("join.email")} hint={t("join.emailHint")} autoComplete="email" />
        <button type="submit" className="button">
          {t("join.submit")}
        </button>
      </Form>
    </section>
  );
}
