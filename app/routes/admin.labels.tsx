import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/AdminNav";
import { PlainField } from "~/components/fields";
import { AccountRuleError, removeUser } from "~/domain/auth/users.server";
import { MODERATION_ROLES } from "~/domain/auth/roles";
import { LabelRuleError, labelReps, listLabels, mergeLabels, renameLabel } from "~/domain/labels/labels.server";
import { labelAdminSchema } from "~/domain/labels/schema";
import { firstError } from "~/utils/input";
import { readForm } from "~/utils/request.server";
import { requireRole } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Labels · Countersign moderation" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, MODERATION_ROLES);
  const labels = await listLabels(context.db);
  const active = labels.filter((l) => !l.merged_into);
  const reps = await Promise.all(active.map((l) => labelReps(context.db, l.id)));
  return {
    user: { email: user.email, role: user.role },
    labels: active.map((l, i) => ({ ...l, reps: reps[i]! })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, MODERATION_ROLES);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: labelAdminSchema });
  if (submission.status !== "success") return data({ ok: false, message: firstError(submission) }, { status: 400 });
  const input = submission.value;
  try {
    if (input.intent === "rename") await renameLabel(context.db, user.id, input.labelId, input.name);
    if (input.intent === "merge") await mergeLabels(context.db, user.id, input.labelId, input.intoId);
    if (input.intent === "remove_rep") {
      const rep = await context.db.selectFrom("users").select("role").where("id", "=", input.userId).executeTakeFirst();
      if (rep?.role !== "label_rep") return data({ ok: false, message: "That is not a label representative." }, { status: 400 });
      await removeUser(context.db, user.id, input.userId);
    }
  } catch (error) {
    if (error instanceof LabelRuleError || error instanceof AccountRuleError) return data({ ok: false, message: error.message }, { status: 400 });
    throw error;
  }
  const done = {
    rename: "Label renamed; its signature goes back to moderation.",
    merge: "Labels merged.",
    remove_rep: "Representative removed and signed out.",
  };
  return { ok: true, message: done[input.intent] };
}

export default function AdminLabels() {
  const { user, labels } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="page admin">
      <AdminNav email={user.email} role={user.role} />
      <h1>Labels</h1>
      {result ? (
        <p className={result.ok ? "notice" : "form-errors"} role={result.ok ? "status" : "alert"}>
          {result.message}
        </p>
      ) : null}
      {labels.length === 0 ? <p>No label has joined yet.</p> : null}
      {labels.map((label) => (
        <article key={label.id} className="card" aria-labelledby={`label-${label.id}`}>
          <h2 id={`label-${label.id}`}>{label.name}</h2>
          <p>
            {label.domain} · {label.domain_confirmed ? "domain confirmed" : "domain not confirmed"} · {label.dns_confirmed ? "DNS confirmed" : "no DNS proof"} ·{" "}
            {label.roster_count} roster entries
          </p>
          <ul>
            {label.reps.map((rep) => (
              <li key={rep.id}>
                {rep.name ?? "—"} ({rep.email}){" "}
                <Form method="post" className="inline">
                  <input type="hidden" name="intent" value="remove_rep" />
                  <input type="hidden" name="userId" value={rep.id} />
                  <button type="submit" className="link-button">
                    Remove {rep.name ?? rep.email}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="rename" />
            <input type="hidden" name="labelId" value={label.id} />
            <PlainField id={`name-${label.id}`} name="name" label="New name" defaultValue={label.name} />
            <button type="submit" className="button secondary">
              Rename
            </button>
          </Form>
          {labels.length > 1 ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="merge" />
              <input type="hidden" name="labelId" value={label.id} />
              <div className="field">
                <label htmlFor={`into-${label.id}`}>Merge into</label>
                <select id={`into-${label.id}`} name="intoId" defaultValue="">
                  <option value="">Choose a label</option>
                  {labels
                    .filter((l) => l.id !== label.id)
                    .map((l) => (
                      <option key={l.id} value={l.id}>
                        {l.name} ({l.domain})
                      </option>
                    ))}
                </select>
              </div>
              <button type="submit" className="button secondary">
                Merge
              </button>
            </Form>
          ) : null}
        </article>
      ))}
    </section>
  );
}
