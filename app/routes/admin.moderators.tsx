import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { AdminNav } from "~/components/AdminNav";
import { PlainField } from "~/components/fields";
import { ADMIN_ROLES } from "~/domain/auth/roles";
import { requireRole } from "~/utils/session.server";
import { addUser, disableUser, listStaff } from "~/domain/auth/users.server";
import { readForm } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: "Moderators · Countersign" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, ADMIN_ROLES);
  const staff = await listStaff(context.db);
  return { user: { id: user.id, email: user.email, role: user.role }, staff: staff.map((s) => ({ ...s, created_at: s.created_at.toISOString() })) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, ADMIN_ROLES);
  const form = await readForm(request);
  if (form.get("intent") === "remove") {
    const id = String(form.get("id") ?? "");
    if (!/^\d+$/.test(id) || id === user.id) return data({ error: "You cannot remove yourself." }, { status: 400 });
    await disableUser(context.db, id);
    return { error: null };
  }
  const email = z
    .string()
    .trim()
    .max(254)
    .pipe(z.email())
    .safeParse(form.get("email") ?? "");
  if (!email.success) return data({ error: "Enter a valid email address" }, { status: 400 });
  await addUser(context.db, email.data, "moderator");
  return { error: null };
}

export default function Moderators() {
  const { user, staff } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="page admin">
      <AdminNav email={user.email} role={user.role} />
      <h1>Moderators</h1>
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
        <PlainField id="email" type="email" label="Invite a moderator (they sign in with this address)" error={result?.error} />
        <button type="submit" name="intent" value="invite" className="button">
          Invite
        </button>
      </Form>
    </section>
  );
}
