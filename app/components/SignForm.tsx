import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { signFormSchema } from "~/domain/signatures/schema";
import { CheckboxField, FormErrors, TextField } from "./fields";
import { ListingFields, PublicSignatureFields } from "./SignatureFields";

export function SignForm({ lastResult, letterVersion }: { lastResult: SubmissionResult<string[]> | undefined; letterVersion: string }) {
  const { t } = useTranslation("sign");
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "sign",
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signFormSchema }),
  });
  return (
    <section className="sign" aria-labelledby="sign-heading">
      <h2 id="sign-heading">{t("form.heading")}</h2>
      <p className="hint">{t("form.intro")}</p>
      <Form method="post" {...getFormProps(form)} noValidate className="form">
        {/* The text the page showed, in its language: the signature records this version. */}
        <input type="hidden" name="version" value={letterVersion} />
        <FormErrors errors={form.errors} />
        <PublicSignatureFields fields={fields} />
        <TextField meta={fields.privateName} label={t("form.privateName")} hint={t("form.privateNameHint")} autoComplete="name" />
        <TextField meta={fields.email} type="email" label={t("form.email")} hint={t("form.emailHint")} autoComplete="email" />
        <CheckboxField meta={fields.attest} label={t("form.attest")} />
        <ListingFields fields={fields} />
        <div className="honeypot" aria-hidden="true">
          <label htmlFor="sign-website">{t("form.honeypot")}</label>
          <input id="sign-website" name="website" type="text" tabIndex={-1} autoComplete="off" />
        </div>
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("form.submit")}
        </button>
      </Form>
    </section>
  );
}
