import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { JoinResult, joinPage, type JoinPageData } from "~/components/JoinResult";
import { FormErrors, TextField } from "~/components/fields";
import { confirmJoinWithCode } from "~/domain/labels/join.server";
import { joinCodeSchema } from "~/domain/labels/schema";
import { passThroughHeaders } from "~/utils/headers";
import { readForm } from "~/utils/request.server";
import { startSession } from "~/utils/session.server";

import type { LoaderFunctionArgs } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { pageTitle } from "~/i18n.server";
export const headers = passThroughHeaders;
export function loader({ context }: LoaderFunctionArgs) {
  return { title: pageTitle(context, "labels", "code.title") };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Countersign" }, { name: "robots", content: "noindex" }];

/** The code path: first shows the request (changing nothing), then confirms on the second POST. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: joinCodeSchema });
  if (submission.status !== "success") return data({ form: submission.reply() }, { status: 400 });
  const confirm = submission.value.intent === "confirm";
  const outcome = await confirmJoinWithCode(context.db, submission.value, { ip: context.clientIp, ipHashSecret: context.env.IP_HASH_SECRET }, confirm);
  if (outcome.status === "wrong_code") {
    return data({ form: submission.reply({ fieldErrors: { code: ["code.wrong"] } }) }, { status: 400 });
  }
  if (outcome.status === "too_many_tries") {
    return data({ form: submission.reply({ formErrors: ["code.tooManyTries"] }) }, { status: 429 });
  }
  if (confirm && outcome.status === "joined") {
    return redirect("/label", { headers: { "Set-Cookie": await startSession(context, outcome.userId), "Cache-Control": "no-store" } });
  }
  return data({ result: joinPage(outcome), email: submission.value.email, code: submission.value.code }, { headers: { "Cache-Control": "no-store" } });
}

export default function ConfirmJoinWithCode() {
  const { t } = useTranslation("labels");
  const posted = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "join-code",
    lastResult: posted && "form" in posted ? posted.form : undefined,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: joinCodeSchema }),
  });
  if (posted && "result" in posted) {
    return (
      <section className="page">
        <JoinResult
          data={posted.result as JoinPageData}
          confirmFields={
            <>
              <input type="hidden" name="email" value={posted.email} />
              <input type="hidden" name="code" value={posted.code} />
            </>
          }
        />
      </section>
    );
  }
  return (
    <section className="page">
      <h1>{t("code.heading")}</h1>
      <p>{t("code.body")}</p>
      <Form method="post" {...getFormProps(form)} noValidate className="form">
        <FormErrors errors={form.errors} />
        <TextField meta={fields.email} type="email" label={t("code.email")} autoComplete="email" />
        <TextField meta={fields.code} label={t("code.code")} hint={t("code.codeHint")} autoComplete="one-time-code" />
        <input type="hidden" name="intent" value="find" />
        <button type="submit" className="button">
          {t("code.submit")}
        </button>
      </Form>
    </section>
  );
}
