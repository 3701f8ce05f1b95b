import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { SigningClosedError } from "~/domain/campaign/campaign.server";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, TextField } from "~/components/fields";
import { joinSchema, requestJoin } from "~/domain/labels/join.server";
import { joinFieldsSchema } from "~/domain/labels/schema";
import { passThroughHeaders } from "~/utils/headers";
import { readForm } from "~/utils/request.server";

export const headers = passThroughHeaders;
export const meta: MetaFunction = () => [{ title: "Join as a label · Countersign" }];

/** Joining is signing for a label: open while the letter takes signatures from this visitor (decision 017). */
async function joining(context: LoaderFunctionArgs["context"]) {
  const access = await context.access();
  if (access.sign) return { open: true as const };
  return { open: false as const, message: new SigningClosedError(access.state === "closed" ? "closed" : "invitation_only").message };
}

export async function loader({ context }: LoaderFunctionArgs) {
  return joining(context);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: joinSchema });
  if (submission.status !== "success") return data({ form: submission.reply(), sent: false, domain: null }, { status: 400 });
  const open = await joining(context);
  if (!open.open) return data({ form: submission.reply({ formErrors: [open.message] }), sent: false, domain: null }, { status: 403 });
  await requestJoin(context.db, submission.value, { ip: context.clientIp, ipHashSecret: context.env.IP_HASH_SECRET });
  // The same answer whether or not the address or the label is known.
  return data({ form: submission.reply({ resetForm: true }), sent: true, domain: submission.value.domain }, { headers: { "Cache-Control": "no-store" } });
}

export default function JoinAsLabel() {
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
        <h1>Check your inbox</h1>
        <p>
          If the address can represent a label at <strong>{posted.domain}</strong>, an email is on its way to it with a link to confirm. Opening it and pressing
          confirm proves that you control an address at the label’s domain; you can then sign for the label and list the artists on your roster who asked to be
          included.
        </p>
        <p>
          The link works for 7 days. The email also holds an 8-character code for the <Link to="/labels/confirm">confirmation page</Link>.
        </p>
      </section>
    );
  }
  if (!joinable.open) {
    return (
      <section className="page">
        <h1>Join as a label</h1>
        <p>{joinable.message}</p>
      </section>
    );
  }
  return (
    <section className="page">
      <h1>Join as a label</h1>
      <p>
        Labels sign as organisations, and list the artists on their roster who asked to be included. To join, use your work address at the label’s own web
        domain: we send it a link, and confirming it shows the label as “label domain confirmed”. Free and disposable mailboxes cannot prove a label’s domain.
      </p>
      <p className="hint">A second person at a label that has joined joins the same label this way.</p>
      <Form method="post" {...getFormProps(form)} noValidate className="form">
        <FormErrors errors={form.errors} />
        <TextField meta={fields.labelName} label="Label name" autoComplete="organization" />
        <TextField meta={fields.website} type="url" label="Label website" hint="For example https://yourlabel.com" autoComplete="url" />
        <TextField meta={fields.repName} label="Your name" autoComplete="name" />
        <TextField
          meta={fields.email}
          type="email"
          label="Your work email"
          hint="An address at the website’s domain, or a subdomain of it."
          autoComplete="email"
        />
        <button type="submit" className="button">
          Send the confirmation email
        </button>
      </Form>
    </section>
  );
}
