import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminNav } from "~/components/AdminNav";
import { ADMIN_ROLES } from "~/domain/auth/roles";
import { requireRole } from "~/utils/session.server";
import { listSnapshots, takeSnapshot } from "~/domain/public-list/snapshots.server";
import { readForm } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: "Snapshots · Countersign" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, ADMIN_ROLES);
  const snapshots = await listSnapshots(context.db, context.letter.letterId);
  return { user: { email: user.email, role: user.role }, snapshots: snapshots.slice(0, 20) };
}

// Takes a snapshot now, chained after the last one (daily or not); the press page lists it at once.
export async function action({ request, context }: ActionFunctionArgs) {
  await requireRole(request, context, ADMIN_ROLES);
  const form = await readForm(request);
  if (form.get("intent") !== "take") throw new Response("Unknown action", { status: 400 });
  const taken = await takeSnapshot(context.db, context.letter.letterId);
  context.log.info({ snapshot: taken.identifier, rows: taken.rowCount, chain: taken.chainSha256 }, "on-demand snapshot taken");
  return { taken: { identifier: taken.identifier, rowCount: taken.rowCount } };
}

export default function Snapshots() {
  const { user, snapshots } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section className="page admin">
      <AdminNav email={user.email} role={user.role} />
      <h1>Snapshots</h1>
      <p className="hint">
        One is taken each day (UTC). Take one now to cite the list as it stands (for example in a delivery pack): it joins the same chain, and names withdrawn
        later are redacted from it like from every other.
      </p>
      <Form method="post" className="form">
        <button type="submit" name="intent" value="take" className="button" disabled={busy}>
          {busy ? "Taking a snapshot…" : "Take a snapshot now"}
        </button>
      </Form>
      {result?.taken ? (
        <p role="status">
          Snapshot <a href={`/press/snapshots/${result.taken.identifier}.csv`}>{result.taken.identifier}</a> taken: {result.taken.rowCount} names.
        </p>
      ) : null}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Snapshot</th>
            <th scope="col">Kind</th>
            <th scope="col">Names</th>
            <th scope="col">Redacted since</th>
            <th scope="col">Chain hash</th>
          </tr>
        </thead>
        <tbody>
          {snapshots.map((s) => (
            <tr key={s.identifier}>
              <td>
                <a href={`/press/snapshots/${s.identifier}.csv`}>{s.identifier}</a>
              </td>
              <td>{s.kind === "daily" ? "daily" : "on demand"}</td>
              <td>{s.rowCount}</td>
              <td>{s.redactedRows}</td>
              <td>
                <code className="hash">{s.chainSha256}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
