import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { AdminNav } from "~/components/AdminNav";
import { MODERATION_ROLES } from "~/domain/auth/roles";
import { requireRole } from "~/utils/session.server";
import { applyBulk, countSelection, isEmptySelection, type Selection } from "~/domain/moderation/bulk.server";
import { REJECTION_REASONS } from "~/domain/moderation/reasons";
import { bulkSchema } from "~/domain/moderation/schema";
import { firstError } from "~/utils/input";
import { readForm } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: "Bulk actions · Countersign moderation" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, MODERATION_ROLES);
  const params = new URL(request.url).searchParams;
  return {
    user: { email: user.email, role: user.role },
    prefill: { state: params.get("state") ?? "pending", emailDomain: params.get("emailDomain") ?? "", ipHash: params.get("ipHash") ?? "" },
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, MODERATION_ROLES);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: bulkSchema });
  if (submission.status !== "success") return data({ step: "error", message: firstError(submission) } as const, { status: 400 });
  const { action: bulkAction, reason, note, confirmedCount, ...selection } = submission.value;
  const s: Selection = selection;
  if (isEmptySelection(s)) {
    return data({ step: "error", message: "Give at least one condition: a domain, an IP hash, a name pattern or a time window" } as const, { status: 400 });
  }
  const values = Object.fromEntries([...form].filter(([k]) => k !== "confirmedCount"));
  if (confirmedCount === undefined) {
    return { step: "confirm", count: await countSelection(context.db, s), values } as const;
  }
  const outcome = await applyBulk(context.db, s, bulkAction, { actorId: user.id, confirmedCount, reason, note });
  if (outcome.status === "changed") return data({ step: "confirm", count: outcome.count, values, changed: true } as const, { status: 409 });
  if (outcome.status === "refused") return data({ step: "error", message: outcome.message } as const, { status: 400 });
  return { step: "done", changed: outcome.changed, skipped: outcome.skipped } as const;
}

export default function Bulk() {
  const { user, prefill } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="page admin">
      <AdminNav email={user.email} role={user.role} />
      <h1>Bulk actions and invalidation</h1>
      {result?.step === "error" ? (
        <p className="form-errors" role="alert">
          {result.message}
        </p>
      ) : null}
      {result?.step === "done" ? (
        <p className="notice" role="status">
          Changed {result.changed} signature(s){result.skipped ? `; skipped ${result.skipped} notable name(s) without an identity check` : ""}. Every change is
          in the audit log.
        </p>
      ) : null}
      {result?.step === "confirm" ? (
        <Form method="post" className="form">
          {Object.entries(result.values).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={String(v)} />
          ))}
          <input type="hidden" name="confirmedCount" value={result.count} />
          <p className="notice" role="status">
            {"changed" in result ? "The selection changed while you looked. " : ""}
            This will {String(result.values.action)} <strong>{result.count}</strong> signature(s).
          </p>
          <button type="submit" className="button button-danger" disabled={result.count === 0}>
            {`Yes, ${String(result.values.action)} ${result.count}`}
          </button>
        </Form>
      ) : null}
      <Form method="post" className="form">
        <div className="field">
          <label htmlFor="state">Signatures that are</label>
          <select id="state" name="state" defaultValue={prefill.state}>
            <option value="pending">pending</option>
            <option value="quarantined">quarantined</option>
            <option value="unconfirmed">unconfirmed</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="emailDomain">Email domain</label>
          <input id="emailDomain" name="emailDomain" defaultValue={prefill.emailDomain} placeholder="example.org" />
        </div>
        <div className="field">
          <label htmlFor="ipHash">IP hash</label>
          <input id="ipHash" name="ipHash" defaultValue={prefill.ipHash} />
        </div>
        <div className="field">
          <label htmlFor="namePattern">Name contains (* is a wildcard)</label>
          <input id="namePattern" name="namePattern" />
        </div>
        <div className="field">
          <label htmlFor="since">Signed from (UTC)</label>
          <input id="since" name="since" type="datetime-local" />
        </div>
        <div className="field">
          <label htmlFor="until">Signed before (UTC)</label>
          <input id="until" name="until" type="datetime-local" />
        </div>
        <div className="field">
          <label htmlFor="action">Action</label>
          <select id="action" name="action" defaultValue="reject">
            <option value="reject">reject (invalidate)</option>
            <option value="approve">approve</option>
            <option value="release">release from quarantine (sends the confirmation email)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="reason">Reason (for reject)</label>
          <select id="reason" name="reason" defaultValue="">
            <option value="">—</option>
            {Object.entries(REJECTION_REASONS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="note">Note</label>
          <input id="note" name="note" maxLength={500} />
        </div>
        <button type="submit" className="button">
          Count first
        </button>
      </Form>
    </section>
  );
}
