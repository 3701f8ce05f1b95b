import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { devMailboxEnabled, getDevMailboxEmail } from "~/domain/outbox/dev-mailbox.server";

export const meta: MetaFunction = () => [{ title: "Dev mailbox · Countersign" }, { name: "robots", content: "noindex" }];

export async function loader({ context, params }: LoaderFunctionArgs) {
  if (!devMailboxEnabled(context.env)) throw new Response("Not found", { status: 404 });
  const email = await getDevMailboxEmail(context.db, params.id ?? "");
  if (!email) throw new Response("Not found", { status: 404 });
  const { html: _html, ...rest } = email;
  return { ...rest, createdAt: email.createdAt.toISOString() };
}

export default function DevMailboxEmail() {
  const email = useLoaderData<typeof loader>();
  return (
    <section className="page">
      <p>
        <Link to="/dev/mailbox">← Dev mailbox</Link>
      </p>
      <h1>{email.subject}</h1>
      <dl className="facts">
        <dt>From</dt>
        <dd>{email.from}</dd>
        <dt>To</dt>
        <dd>{email.to}</dd>
        <dt>Sent</dt>
        <dd>{email.createdAt}</dd>
      </dl>
      <h2>Links</h2>
      <ul>
        {email.links.map((link) => (
          <li key={link}>
            <a href={link}>{link}</a>
          </li>
        ))}
      </ul>
      <p>
        <a href={`/dev/mailbox/${email.id}/html`} target="_blank" rel="noreferrer">
          Open the HTML version
        </a>
      </p>
      <h2>Plain text</h2>
      <pre className="email-text">{email.text}</pre>
    </section>
  );
}
