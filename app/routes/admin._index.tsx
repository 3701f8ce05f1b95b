import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { AdminNav } from "~/components/AdminNav";
import { MODERATION_ROLES } from "~/domain/auth/roles";
import { requireRole } from "~/utils/session.server";
import { decide, queueDecisions } from "~/domain/moderation/decide.server";
import { countsByState, listQueue, CLUSTER_HINT } from "~/domain/moderation/queue.server";
import { REJECTION_REASONS } from "~/domain/moderation/reasons";
import { decisionSchema, queueFilterSchema } from "~/domain/moderation/schema";
import { countryName } from "~/domain/signatures/countries";
import { ROLE_LABELS, ROLES } from "~/domain/signatures/states";
import { firstError, parseQuery } from "~/utils/input";
import { readForm } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: "Moderation · Countersign" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, MODERATION_ROLES);
  const filters = parseQuery(request, queueFilterSchema);
  const [rows, counts] = await Promise.all([listQueue(context.db, { ...filters, flagged: filters.flagged === "on" }), countsByState(context.db)]);
  return {
    user: { email: user.email, role: user.role },
    // Sent with the data: a .server module is empty in the browser, where CLUSTER_HINT would be
    // undefined and the hints below would vanish as React hydrates (its error #418).
    clusterHint: CLUSTER_HINT,
    filters,
    counts,
    rows: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), decisions: queueDecisions(r.state, r.featured) })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, MODERATION_ROLES);
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: decisionSchema });
  if (submission.status !== "success") return data({ id: null, message: `That decision was incomplete: ${firstError(submission)}` }, { status: 400 });
  const { id, intent, expected, version } = submission.value;
  const { reason, note } = "reason" in submission.value ? submission.value : { reason: undefined, note: undefined };
  const outcome = await decide(context.db, {
    signatureId: id,
    decision: intent,
    expectedState: expected,
    expectedVersion: version,
    actorId: user.id,
    reason,
    note,
  });
  switch (outcome.status) {
    case "done":
      return { id, message: `Done: now ${outcome.state}.` };
    case "conflict":
      return data(
        {
          id,
          message:
            outcome.state !== expected
              ? `Another moderator decided first: this signature is now ${outcome.state}. Nothing was changed.`
              : "The signer edited this signature since you looked at it. Nothing was changed: look at it again before deciding.",
        },
        { status: 409 },
      );
    case "refused":
      return data({ id, message: outcome.message }, { status: 400 });
    case "not_found":
      return data({ id, message: "No such signature." }, { status: 404 });
  }
}

export default function ModerationQueue() {
  const { user, clusterHint, filters, counts, rows } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="page admin">
      <AdminNav email={user.email} role={user.role} counts={counts} />
      <h1>
        {filters.state[0]!.toUpperCase() + filters.state.slice(1)} signatures ({counts[filters.state] ?? 0})
      </h1>
      <Form method="get" className="filters">
        <input type="hidden" name="state" value={filters.state} />
        <label>
          Search <input name="q" defaultValue={filters.q ?? ""} placeholder="name, email, @domain or IP hash" />
        </label>
        <label>
          Role{" "}
          <select name="role" defaultValue={filters.role ?? ""}>
            <option value="">any</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Country <input name="country" defaultValue={filters.country ?? ""} size={3} maxLength={2} />
        </label>
        <label>
          Order{" "}
          <select name="order" defaultValue={filters.order}>
            <option value="oldest">oldest first</option>
            <option value="newest">newest first</option>
          </select>
        </label>
        <label>
          <input type="checkbox" name="flagged" defaultChecked={filters.flagged === "on"} /> flagged only
        </label>
        <button type="submit" className="button">
          Filter
        </button>
      </Form>
      {/* Above the list: a decided row usually leaves the filtered list, so its message cannot sit in it. */}
      {result ? (
        <p className="notice" role="status">
          {result.id ? `#${result.id}: ` : ""}
          {result.message}
        </p>
      ) : null}
      {rows.length === 0 ? <p>Nothing here.</p> : null}
      <ol className="queue">
        {rows.map((row) => (
          <li key={row.id} className="queue-item" data-signature={row.id}>
            <h2>
              <Link to={`/admin/signatures/${row.id}`}>{row.displayName}</Link>
            </h2>
            <p className="hint">
              {ROLE_LABELS[row.role]} · {countryName(row.country)} · {row.kind} · signed {row.createdAt.slice(0, 16).replace("T", " ")}
              {row.privateName ? ` · private name: ${row.privateName}` : ""}
              {row.email ? ` · ${row.email}` : ""}
            </p>
            <ul className="hints">
              {row.labelName ? (
                <li>
                  {row.kind === "label" ? "Signed for" : "Listed by"} {row.labelName} ({row.labelDomain}):{" "}
                  {row.labelDomainConfirmed ? "domain confirmed by a rep's address" : "domain not confirmed"}
                  {row.labelDnsConfirmed ? ", DNS confirmed" : ""}
                </li>
              ) : null}
              {row.kind === "roster" ? (
                <li className={row.confirmed ? undefined : "flag"}>
                  {row.confirmed
                    ? "Confirmed by the artist"
                    : row.artistTold
                      ? "Artist told, not yet confirmed"
                      : "No artist address: not confirmed by the artist"}
                </li>
              ) : null}
              {row.named ? null : <li>Counted without the name: never shown by name in public</li>}
              {row.notable ? <li className="flag">Notable: needs an identity check{row.identityCheck ? " (done)" : ""}</li> : null}
              {row.sameName > 0 ? <li className="flag">Same name {row.sameName}× already approved or pending</li> : null}
              {row.sameDomainDay >= clusterHint ? (
                <li className="flag">
                  {row.sameDomainDay} from @{row.emailDomain} today
                </li>
              ) : null}
              {row.sameIpDay >= clusterHint ? <li className="flag">{row.sameIpDay} from this IP today</li> : null}
              {row.trending ? <li className="flag">Trending: its domain or IP is busy this hour</li> : null}
              {row.quarantineReason ? <li className="flag">Quarantined: {row.quarantineReason}</li> : null}
              {row.featured ? <li>Featured</li> : null}
            </ul>
            <div className="decisions">
              {row.decisions.includes("approve") ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="id" value={row.id} />
                  <input type="hidden" name="expected" value={row.state} />
                  <input type="hidden" name="version" value={row.version} />
                  <button type="submit" name="intent" value="approve" className="button">
                    Approve
                  </button>
                </Form>
              ) : null}
              {row.decisions.find((d) => d === "reject" || d === "hide") ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="id" value={row.id} />
                  <input type="hidden" name="expected" value={row.state} />
                  <input type="hidden" name="version" value={row.version} />
                  <select name="reason" aria-label={`Reason for ${row.displayName}`} defaultValue="">
                    <option value="">Reason…</option>
                    {Object.entries(REJECTION_REASONS).map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </select>
                  <input name="note" placeholder="note" aria-label={`Note for ${row.displayName}`} maxLength={500} />
                  <button type="submit" name="intent" value={row.decisions.includes("hide") ? "hide" : "reject"} className="button button-danger">
                    {row.decisions.includes("hide") ? "Hide" : "Reject"}
                  </button>
                </Form>
              ) : null}
              {row.decisions.find((d) => d === "feature" || d === "unfeature") ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="id" value={row.id} />
                  <input type="hidden" name="expected" value={row.state} />
                  <input type="hidden" name="version" value={row.version} />
                  <button type="submit" name="intent" value={row.featured ? "unfeature" : "feature"} className="link-button">
                    {row.featured ? "Unfeature" : "Feature"}
                  </button>
                </Form>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
