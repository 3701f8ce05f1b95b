import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/AdminNav";
import { FormOutcome } from "~/components/FormOutcome";
import { PlainField } from "~/components/fields";
import { ADMIN_ROLES } from "~/domain/auth/roles";
import { staffFormSchema } from "~/domain/auth/schema";
import { AccountRuleError, inviteUser, listStaff, removeUser } from "~/domain/auth/users.server";
import { requireRole } from "~/utils/session.server";
import { readForm } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: "Moderators · Countersign" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, ADMIN_ROLES);
  const staff = await listStaff(context.db);
  return { user: { id: user.id, email: user.email, role: user.role }, staff: staff.map((s) => ({ ...s, created_at: s.created_at.toISOString() })) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, ADMIN_ROLES);
  const submission = parseWithZod(await readForm(request), { schema: staffFormSchema });
  if (submission.status !== "success") {
    // The email box shows its own message; the others (a hand-made intent, role or id) go above the form.
    const { email: _shown, ...unshown } = submission.error ?? {};
    const formErrors = Object.values(unshown).flatMap((messages) => messages ?? []);
    return data({ form: submission.reply(formErrors.length > 0 ? { formErrors } : undefined), notice: null }, { status: 400 });
  }
  const input = submission.value;
  try {
    if (input.intent === "remove") {
      await removeUser(context.db, user.id, input.id);
      return { form: submission.reply({ resetForm: true }), notice: "Removed: their sessions have ended." };
    }
    const result = await inviteUser(context.db, user.id, input.email, input.role);
    const notice =
      result.outcome === "created"
        ? `Invited ${input.email} as ${result.role}: they sign in with this address.`
        : result.role !== input.role || result.outcome === "unchanged"
          ? `${input.email} already has the ${result.role} role; an invitation never lowers a role.`
          : `${input.email} now has the ${result.role} role.`;
    return { form: submission.reply({ resetForm: true }), notice };
  } catch (error) {
    if (error instanceof AccountRuleError) return data({ form: submission.reply({ formErrors: [error.message] }), notice: null }, { status: 400 });
    throw error;
  }
}

export default function Moderators() {
  const { user, staff } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.form.error ?? {};
  return (
    <section className="page admin">
      <AdminNav email={user.email} role={user.role} />
      <h1>Moderators</h1>
      <FormOutcome notice={result?.notice} formErrors={errors[""]} />
      <ul>
        {staff.map((s) => (
          <li key={s.id}>
            {s.email} ({s.role}){" "}
            {s.id !== user.id ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="id" value={s.id} />
                <button type="submit" name="intent" value="remove" className="link-button">
                  Remove
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      <Form method="post" className="form">
        <PlainField id="email" type="email" label="Invite a moderator (they sign in with this address)" error={errors.email?.[0]} />
        <div className="field">
          <label htmlFor="role">Role</label>
          <select id="role" name="role" defaultValue="moderator">
            <option value="moderator">moderator</option>
            <option value="admin">admin</option>
          </select>
          <p className="field-hint">An invitation never lowers a role: inviting an admin as a moderator leaves them an admin.</p>
        </div>
        <button type="submit" name="intent" value="invite" className="button">
          Invite
        </button>
      </Form>
    </section>
  );
}
