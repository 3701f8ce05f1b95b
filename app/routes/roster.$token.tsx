import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { answerRoster, lookupRosterToken } from "~/domain/labels/roster.server";
import { rosterAnswerSchema } from "~/domain/labels/schema";
import { SECRET_LINK_REFERRER, passThroughHeaders } from "~/utils/headers";
import { firstError } from "~/utils/input";
import { readForm } from "~/utils/request.server";

export const headers = passThroughHeaders;
export const meta: MetaFunction = () => [{ title: "A label listed you · Countersign" }, { name: "robots", content: "noindex" }];

const noStore = { "Cache-Control": "no-store", "Referrer-Policy": SECRET_LINK_REFERRER };

/** GET shows the entry and changes nothing: mail scanners open links. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const found = await lookupRosterToken(context.db, params.token ?? "");
  if (found.status === "ok" || found.status === "merged") return data({ status: found.status, view: found.view }, { headers: noStore });
  return data({ status: found.status }, { status: found.status === "withdrawn" ? 410 : 404, headers: noStore });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  // A link that no longer works says so whatever was posted with it: its page shows no buttons.
  const found = await lookupRosterToken(context.db, params.token ?? "");
  if (found.status === "invalid") return data({ answer: "error" as const, message: "This link does not work any more." }, { status: 404, headers: noStore });
  const submission = parseWithZod(form, { schema: rosterAnswerSchema });
  if (submission.status !== "success") return data({ answer: "error" as const, message: firstError(submission) }, { status: 400, headers: noStore });
  const outcome = await answerRoster(context.db, params.token ?? "", submission.value.intent);
  if (outcome.status === "invalid") return data({ answer: "error" as const, message: "This link does not work any more." }, { status: 404, headers: noStore });
  // Post, then redirect: the page the artist lands on is the link's own, which shows the answer
  // (confirmed, withdrawn, or shown once), and reloading it sends nothing again.
  return redirect(`/roster/${encodeURIComponent(params.token ?? "")}`, { status: 303, headers: noStore });
}

export default function RosterAnswer() {
  const loaded = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  if (loaded.status === "withdrawn") {
    return (
      <section className="page">
        <h1>Withdrawn</h1>
        <p>The entry is off every public list, and the label has been told. Nothing more will be sent to you about it.</p>
      </section>
    );
  }
  if (loaded.status === "merged") {
    return (
      <section className="page">
        <h1>Confirmed</h1>
        <p>
          You also signed the letter yourself, so your name is shown once, as your own signature, noting the label. To take your name off, use the link in the
          email that confirmed your own signature.
        </p>
      </section>
    );
  }
  if (loaded.status !== "ok") {
    return (
      <section className="page">
        <h1>This link is not valid any more</h1>
        <p>It may have been replaced by a newer email, or the entry was removed by the label.</p>
      </section>
    );
  }
  const { view } = loaded;
  const confirmed = view.confirmed;
  return (
    <section className="page">
      <h1>
        {view.labelName} listed {view.artistName}
      </h1>
      <p>
        {view.labelName} (domain {view.labelDomain}, confirmed) listed “{view.artistName}” as signing “{view.letterTitle}”, saying you asked to be included. A
        moderator checks every name before it is shown.
      </p>
      {posted?.answer === "error" ? (
        <p className="form-errors" role="alert">
          {posted.message}
        </p>
      ) : null}
      {confirmed ? (
        <p className="notice" role="status">
          Confirmed: the entry says it was confirmed by the artist. You can still withdraw it with this link.
        </p>
      ) : null}
      <div className="actions">
        {confirmed ? null : (
          <Form method="post" className="inline">
            <input type="hidden" name="intent" value="confirm" />
            <button type="submit" className="button">
              Yes, I asked to be included
            </button>
          </Form>
        )}
        <Form method="post" className="inline">
          <input type="hidden" name="intent" value="withdraw" />
          <button type="submit" className="button secondary">
            Withdraw my name
          </button>
        </Form>
      </div>
    </section>
  );
}
