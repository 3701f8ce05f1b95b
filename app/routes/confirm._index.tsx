import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { ConfirmResult, type ConfirmPageData } from "~/components/ConfirmResult";
import { FormErrors, TextField } from "~/components/fields";
import { confirmWithCode } from "~/domain/signatures/confirm.server";
import { confirmCodeSchema } from "~/domain/signatures/schema";
import { passThroughHeaders } from "~/utils/headers";
import { readForm } from "~/utils/request.server";
import { useTranslation } from "react-i18next";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { pageTitle } from "~/i18n.server";

export const headers = passThroughHeaders;

export function loader({ context }: LoaderFunctionArgs) {
  return { title: pageTitle(context, "sign", "confirm.code.title") };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Countersign" }, { name: "robots", content: "noindex" }];

/** The code path: first shows the signature (changing nothing), then confirms on the second POST. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: confirmCodeSchema });
  if (submission.status !== "success") return data({ form: submission.reply() }, { status: 400 });
  const confirm = submission.value.intent === "confirm";
  const outcome = await confirmWithCode(
    context.db,
    context.letter.letterId,
    submission.value,
    { ip: context.clientIp, ipHashSecret: context.env.IP_HASH_SECRET },
    confirm,
  );
  if (outcome.status === "wrong_code") {
    // Same words whether or not the address signed.
    return data({ form: submission.reply({ fieldErrors: { code: ["code.wrong"] } }) }, { status: 400 });
  }
  if (outcome.status === "too_many_tries") {
    return data({ form: submission.reply({ formErrors: ["code.tooManyTries"] }) }, { status: 429 });
  }
  const result: ConfirmPageData = outcome.status === "ready" ? { status: "ready", view: outcome.view } : outcome;
  return data({ result, email: submission.value.email, code: submission.value.code }, { headers: { "Cache-Control": "no-store" } });
}

export default function ConfirmWithCode() {
  const { t } = useTranslation("sign");
  const posted = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "confirm-code",
    lastResult: posted && "form" in posted ? posted.form : undefined,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: confirmCodeSchema }),
  });
  if (posted && "result" in posted) {
    return (
      <section className="page">
        <ConfirmResult
          data={posted.result}
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
      <h1>{t("confirm.code.heading")}</h1>
      <p>{t("confirm.code.body")}</p>
      <Form method="post" {...getFormProps(form)} noValidate className="form">
        <FormErrors errors={form.errors} />
        <TextField meta={fields.email} type="email" label={t("confirm.code.email")} autoComplete="email" />
        <TextField meta={fields.code} label={t("confirm.code.code")} hint={t("confirm.code.codeHint")} autoComplete="one-time-code" />
        <input type="hidden" name="intent" value="find" />
        <button type="submit" className="button">
          {t("confirm.code.submit")}
        </button>
      </Form>
    </section>
  );
}
