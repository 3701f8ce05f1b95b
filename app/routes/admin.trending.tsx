import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/AdminNav";
import { MODERATION_ROLES } from "~/domain/auth/roles";
import { requireRole } from "~/utils/session.server";
import { trending } from "~/domain/moderation/bulk.server";
import { TRENDING_THRESHOLD } from "~/domain/moderation/queue.server";

export const meta: MetaFunction = () => [{ title: "Trending · Countersign moderation" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, MODERATION_ROLES);
  return { user: { email: user.email, role: user.role }, threshold: TRENDING_THRESHOLD, ...(await trending(context.db)) };
}

export default function Trending() {
  const { user, threshold, domains, ips } = useLoaderData<typeof loader>();
  const table = (rows: { key: string; n: number }[], param: "emailDomain" | "ipHash") => (
    <table className="table">
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} className={r.n >= threshold ? "flagged" : undefined}>
            <td>
              <code>{r.key}</code>
            </td>
            <td>
              {r.n}
              {r.n >= threshold ? " ⚑" : ""}
            </td>
            <td>
              <Link to={`/admin/bulk?${param}=${encodeURIComponent(r.key)}`}>bulk…</Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <section className="page admin">
      <AdminNav email={user.email} role={user.role} />
      <h1>Signatures in the last hour</h1>
      <p className="hint">⚑ {threshold} or more in an hour: flagged in the queue.</p>
      <h2>Email domains</h2>
      {table(domains, "emailDomain")}
      <h2>IP hashes</h2>
      {table(ips, "ipHash")}
    </section>
  );
}
