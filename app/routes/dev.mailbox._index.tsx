import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { devMailboxEnabled, listDevMailbox } from "~/domain/outbox/dev-mailbox.server";

export const meta: MetaFunction = () => [{ title: "Dev mailbox · Countersign" }, { name: "robots", content: "noindex" }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (!devMailboxEnabled(context.env)) throw new Response("Not found", { status: 404 });
  const emails = await listDevMailbox(context.db);
  return { emails: emails.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })) };
}

export default function DevMailbox() {
  const { emails } = useLoaderData<typeof loader>();
  return (
    <section className="page">
      <h1>Dev mailbox</h1>
      <p className="hint">With no RESEND_API_KEY, every email Countersign sends lands here instead of in an inbox. Newest first.</p>
      {emails.length === 0 ? (
        <p>No emails yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Sent</th>
            </tr>
          </thead>
          <tbody>
            {emails.map((email) => (
              <tr key={email.id}>
                <td>{email.to}</td>
                <td>
                  <Link to={`/dev/mailbox/${email.id}`}>{email.subject}</Link>
                </td>
                <td>
                  <time dateTime={email.createdAt}>{email.createdAt.replace("T", " ").slice(0, 19)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
