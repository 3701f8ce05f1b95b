import { PRIVATE_META, seenBeforeLaunch, socialMeta } from "~/utils/social-meta";
import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { PlainSelect } from "~/components/fields";
import { Badges, CountChart, Totals, formatDay } from "~/components/public";
import { KIND_LABELS, publicRole } from "~/domain/public-list/badges";
import { NAMES_CACHE } from "~/utils/cache";
import { listHref, loadListPage } from "~/domain/public-list/page.server";
import { COUNTRIES, countryName } from "~/domain/signatures/countries";
import { ROLE_LABELS, ROLES } from "~/domain/signatures/states";
import { formatNumber } from "~/utils/format";
import { requireList } from "~/utils/campaign.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireList(context, "page");
  const page = await loadListPage(context.db, context.letter.letterId, new URL(request.url).searchParams);
  // Only what the page shows goes into its hydration data (no cursors, approval times or counts
  // by country and version: the links below carry the cursors).
  const { total, byKind, unnamed, updatedAt, perDay } = page.totals;
  const body = {
    query: page.query,
    errors: page.errors,
    labels: page.labels,
    items: page.page.items.map(({ id, name, kind, role, country, label, signedOn, featured, badges }) => ({
      id,
      name,
      kind,
      role,
      country,
      label,
      signedOn,
      featured,
      badges,
    })),
    totals: { total, byKind, unnamed, updatedAt, perDay },
    url: context.env.APP_URL,
    prevHref: page.page.previous ? listHref("/signatures", page.query, { before: page.page.previous }) : null,
    nextHref: page.page.next ? listHref("/signatures", page.query, { after: page.page.next }) : null,
    csvHref: listHref("/signatures.csv", { ...page.query, limit: undefined }, {}),
    jsonHref: listHref("/api/v1/signatures", page.query, {}),
  };
  return data(body, { status: Object.keys(page.errors).length > 0 ? 400 : 200 });
}

export const headers: HeadersFunction = () => ({ "Cache-Control": NAMES_CACHE });

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const title = "Who signed · Countersign";
  if (seenBeforeLaunch(matches)) return [{ title }, ...PRIVATE_META];
  const description = data
    ? `${formatNumber(data.totals.total)} signatures from the music industry, each confirmed and approved by moderators.`
    : "The names that signed, each confirmed and approved by moderators.";
  const url = data?.url ?? "";
  return [
    { title },
    { name: "description", content: description },
    ...socialMeta({
      type: "website",
      title: "Who signed the letter",
      description,
      site: url,
      path: "/signatures",
      card: "signatures",
      alt: data ? `${formatNumber(data.totals.total)} signatures: artists, labels and via labels, each checked` : "The count of signatures",
    }),
    { tagName: "link", rel: "canonical", href: `${url}/signatures` },
    { tagName: "link", rel: "alternate", type: "application/atom+xml", title: "Newly approved signatories", href: `${url}/signatures.atom` },
  ];
};

export default function SignaturesRoute() {
  const { items, query, errors, totals, labels, prevHref, nextHref, csvHref, jsonHref } = useLoaderData<typeof loader>();
  const searching = Boolean(query.q);
  return (
    <article className="public-list">
      <h1>Who signed</h1>
      <p className="lede">
        Every name here was confirmed and then approved by a moderator. The marks beside each name say how it was checked:{" "}
        <Link to="/press#badges">what each mark means</Link>.
      </p>
      <Totals totals={totals} />

      <div role="search" aria-label="Search and filter the list">
        <Form method="get" action="/signatures" className="list-filters">
          <div className="field">
            <label htmlFor="q">Search names</label>
            <input
              id="q"
              name="q"
              type="search"
              defaultValue={query.q ?? ""}
              maxLength={100}
              aria-invalid={errors.q ? true : undefined}
              aria-describedby="q-hint q-error"
            />
            <p className="field-hint" id="q-hint">
              Accents and small typos are forgiven.
            </p>
            <div className="field-errors" id="q-error" aria-live="polite">
              {errors.q ? <p>{errors.q}</p> : null}
            </div>
          </div>
          <PlainSelect id="kind" label="Kind" value={query.kind} error={errors.kind} options={Object.entries(KIND_LABELS)} all="All kinds" />
          <PlainSelect id="role" label="Role" value={query.role} error={errors.role} options={ROLES.map((r) => [r, ROLE_LABELS[r]])} all="All roles" />
          <PlainSelect id="country" label="Country" value={query.country} error={errors.country} options={COUNTRIES} all="All countries" />
          {labels.length > 0 || errors.label ? (
            <PlainSelect id="label" label="Label" value={query.label} error={errors.label} options={labels.map((l) => [l.id, l.name])} all="All labels" />
          ) : null}
          <PlainSelect
            id="sort"
            label="Order"
            value={query.sort}
            error={errors.sort}
            options={[...(searching ? [["relevance", "Best match"] as const] : []), ["new", "Newest first"], ["az", "A to Z"]]}
          />
          <button type="submit" className="button">
            Show
          </button>
          {Object.keys(errors).length > 0 || searching || query.kind || query.role || query.country || query.label ? (
            <Link to="/signatures" className="clear">
              Clear all
            </Link>
          ) : null}
        </Form>
      </div>

      <div className="field-errors" aria-live="polite">
        {errors.page ? <p>{errors.page}</p> : null}
        {/* The page size has no box of its own (it comes from a link): its message goes here. */}
        {errors.limit ? <p>{errors.limit}</p> : null}
      </div>

      <h2 className="visually-hidden">Names</h2>
      {items.length === 0 ? (
        <p className="empty">{searching ? "No approved name matches that search." : "No names match these filters yet."}</p>
      ) : (
        <ol className="signature-list" data-testid="signature-list">
          {items.map((item) => (
            <li key={item.id} className={item.featured ? "featured" : undefined}>
              <span className="name">{item.name}</span>
              <span className="details">
                {publicRole(item.kind, item.role)} · {countryName(item.country)}
                {item.label && item.kind === "roster" ? ` · via ${item.label}` : ""} · signed <time dateTime={item.signedOn}>{formatDay(item.signedOn)}</time>
              </span>
              <Badges badges={item.badges} label={item.label} />
            </li>
          ))}
        </ol>
      )}
      <nav className="pager" aria-label="Pages">
        {prevHref ? (
          <Link to={prevHref} rel="prev">
            ← Previous
          </Link>
        ) : null}
        {nextHref ? (
          <Link to={nextHref} rel="next">
            Next →
          </Link>
        ) : null}
      </nav>

      <CountChart perDay={totals.perDay} />

      <section aria-labelledby="downloads-heading">
        <h2 id="downloads-heading">Take the data</h2>
        <ul>
          <li>
            <a href={csvHref}>This list as CSV</a> (all pages, same filters)
          </li>
          <li>
            <a href={jsonHref}>This list as JSON</a> and <a href="/api/v1/stats">the figures as JSON</a>
          </li>
          <li>
            <a href="/signatures.atom">Newly approved names (Atom feed)</a>
          </li>
          <li>
            <Link to="/press">Press page</Link>: daily snapshots with their hashes, how moderation works, contact
          </li>
        </ul>
      </section>
    </article>
  );
}
