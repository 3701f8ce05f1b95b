import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { AdminNav } from "~/components/AdminNav";
import { PlainField } from "~/components/fields";
import { ADMIN_ROLES } from "~/domain/auth/roles";
import { requireRole } from "~/utils/session.server";
import { addNotableName, listNotableNames, removeNotableName } from "~/domain/moderation/notable.server";
import { notableNameSchema } from "~/domain/moderation/schema";
import { firstError } from "~/utils/input";
import { readForm } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: "Notable names · Countersign" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, ADMIN_ROLES);
  return { user: { email: user.email, role: user.role }, names: await listNotableNames(context.db) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, ADMIN_ROLES);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: notableNameSchema });
  if (submission.status !== "success") return data({ error: firstError(submission) }, { status: 400 });
  const input = submission.value;
  if (input.intent === "remove") {
    await removeNotableName(context.db, input.key);
    return { error: null };
  }
  const ok = await addNotableName(context.db, input.name, user.id);
  return ok ? { error: null } : data({ error: "Enter a name of 1 to 120 characters" }, { status: 400 });
}

export default function NotableNames() {
  const { user, names } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="page admin">
      <AdminNav email={user.email} role={user.role} />
      <h1>Notable names</h1>
      <p className="hint">
        A signature with one of these names (case, accents and punctuation ignored) can be approved only after a moderator records how its identity was checked.
      </p>
      <ul>
        {names.map((n) => (
          <li key={n.key}>
            {n.name}{" "}
            <Form method="post" className="inline-form">
              <input type="hidden" name="key" value={n.key} />
              <button type="submit" name="intent" value="remove" className="link-button">
                Remove
              </button>
            </Form>
          </li>
        ))}
      </ul>
      <Form method="post" className="form">
        <PlainField id="name" label="Add a name" maxLength={200} error={result?.error} />
        <button type="submit" name="intent" value="add" className="button">
          Add
        </button>
      </Form>
    </section>
  );
}
