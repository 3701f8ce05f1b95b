import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { AdminNav } from "~/components/AdminNav";
import { MODERATION_ROLES } from "~/domain/auth/roles";
import { requireRole } from "~/utils/session.server";
import { recordIdentityCheck, setNotable } from "~/domain/moderation/decide.server";
import { signatureDetails, signatureHistory } from "~/domain/moderation/queue.server";
import { countryName } from "~/domain/signatures/countries";
import { isId } from "~/domain/common/schema";
import { signatureActionSchema } from "~/domain/moderation/schema";
import { firstError } from "~/utils/input";
import { readForm } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: "Signature · Countersign moderation" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, MODERATION_ROLES);
  const id = params.id ?? "";
  const signature = isId(id) ? await signatureDetails(context.db, id) : undefined;
  if (!signature) throw new Response("Not found", { status: 404 });
  const history = await signatureHistory(context.db, id);
  return {
    user: { email: user.email, role: user.role },
    signature: { ...signature, createdAt: signature.createdAt.toISOString() },
    history: history.map((h) => ({ ...h, at: h.at.toISOString() })),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireRole(request, context, MODERATION_ROLES);
  const form = await readForm(request);
  const id = params.id ?? "";
  if (!isId(id)) throw new Response("Not found", { status: 404 });
  const submission = parseWithZod(form, { schema: signatureActionSchema });
  if (submission.status !== "success") return data({ message: firstError(submission) }, { status: 400 });
  const input = submission.value;
  if (input.intent === "identity") {
    const outcome = await recordIdentityCheck(context.db, id, input.how, user.id);
    if (outcome.status !== "done") return data({ message: outcome.status === "refused" ? outcome.message : "Not found" }, { status: 400 });
    return { message: "Identity check recorded." };
  }
  const outcome = await setNotable(context.db, id, input.intent === "notable", user.id);
  if (outcome.status === "not_found") return data({ message: "Not found" }, { status: 404 });
  if (outcome.status !== "done") return data({ message: outcome.status === "refused" ? outcome.message : "This signature changed" }, { status: 400 });
  return { message: input.intent === "notable" ? "Marked notable." : "No longer marked notable." };
}

export default function SignatureDetails() {
  const { user, signature: s, history } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="page admin">
      <AdminNav email={user.email} role={user.role} />
      <p>
        <Link to={`/admin?state=${s.state}`}>← {s.state}</Link>
      </p>
      <h1>{s.displayName}</h1>
      {result ? (
        <p className="notice" role="status">
          {result.message}
        </p>
      ) : null}
      <dl className="facts">
        <dt>State</dt>
        <dd>{s.state}</dd>
        <dt>Private name</dt>
        <dd>{s.privateName ?? "—"}</dd>
        <dt>Email</dt>
        <dd>{s.email ?? "(deleted)"}</dd>
        <dt>Role, country</dt>
        <dd>
          {s.role}, {countryName(s.country)}
        </dd>
        <dt>Link</dt>
        <dd>{s.link ?? "—"}</dd>
        <dt>Comment</dt>
        <dd>{s.comment ?? "—"}</dd>
        <dt>IP hash</dt>
        <dd>
          <code>{s.ipHash ?? "—"}</code>
        </dd>
        <dt>Notable</dt>
        <dd>{s.notable ? "yes" : "no"}</dd>
        <dt>Identity check</dt>
        <dd>{s.identityCheck ?? "—"}</dd>
      </dl>
      <Form method="post" className="inline-form">
        <button type="submit" name="intent" value={s.isNotable ? "not-notable" : "notable"} className="link-button">
          {s.isNotable ? "Unmark notable" : "Mark notable"}
        </button>
      </Form>
      <Form method="post" className="form">
        <div className="field">
          <label htmlFor="how">How was the identity checked?</label>
          <input id="how" name="how" placeholder="e.g. confirmed with manager by phone" maxLength={500} />
        </div>
        <button type="submit" name="intent" value="identity" className="button">
          Record identity check
        </button>
      </Form>
      <h2>History</h2>
      <ol className="history">
        {history.map((h) => (
          <li key={h.id}>
            <time dateTime={h.at}>{h.at.slice(0, 19).replace("T", " ")}</time> {h.actorEmail ?? h.actor}: {h.action}
            {h.before !== h.after ? ` (${h.before ?? "—"} → ${h.after ?? "—"})` : ""}
            {h.reason ? ` — ${h.reason}` : ""}
          </li>
        ))}
      </ol>
    </section>
  );
}
