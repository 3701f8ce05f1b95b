import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation } from "@remix-run/react";
import { signFormSchema } from "~/domain/signatures/schema";
import { CheckboxField, FormErrors, TextField } from "./fields";
import { ListingFields, PublicSignatureFields } from "./SignatureFields";

export function SignForm({ lastResult, letterVersion }: { lastResult: SubmissionResult<string[]> | undefined; letterVersion: string }) {
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
      <h2 id="sign-heading">Add your name</h2>
      <p className="hint">
        For artists, bands, producers, DJs, podcasters and everyone who makes the music. We email you a link to confirm, and a moderator checks every name
        before it is published. Your email address is never shown.
      </p>
      <Form method="post" {...getFormProps(form)} noValidate className="form">
        <input type="hidden" name="version" value={letterVersion} />
        <FormErrors errors={form.errors} />
        <PublicSignatureFields fields={fields} />
        <TextField
          meta={fields.privateName}
          label="Your own name, if different (optional)"
          hint="Private: only moderators see it, to check who signed."
          autoComplete="name"
        />
        <TextField meta={fields.email} type="email" label="Email" hint="We send the confirmation link here. Never published." autoComplete="email" />
        <CheckboxField meta={fields.attest} label="I am this artist, or I am authorised to sign for them." />
        <ListingFields fields={fields} />
        <div className="honeypot" aria-hidden="true">
          <label htmlFor="sign-website">Leave this empty</label>
          <input id="sign-website" name="website" type="text" tabIndex={-1} autoComplete="off" />
        </div>
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          Sign the letter
        </button>
      </Form>
    </section>
  );
}
