import { PRIVATE_META, seenBeforeLaunch, socialMeta } from "~/utils/social-meta";
import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { PlainSelect } from "~/components/fields";
import { useTranslation } from "react-i18next";
import { useCountries, useCountryName, useRoleOptions } from "~/components/i18n";
import { Badges, CountChart, Totals, useFormat } from "~/components/public";
import { SIGNATURE_KINDS } from "~/domain/signatures/states";
import { NAMES_CACHE } from "~/utils/cache";
import { listHref, loadListPage } from "~/domain/public-list/page.server";
import { tFor } from "~/i18n.server";
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
    meta: metaText(tFor(context, "list"), total, context.language),
  };
  return data(body, { status: Object.keys(page.errors).length > 0 ? 400 : 200 });
}

export const headers: HeadersFunction = () => ({ "Cache-Control": NAMES_CACHE });

/** The page's title and link-preview words, in the visitor's language (meta functions have no hooks). */
function metaText(t: (key: string, options?: Record<string, unknown>) => string, total: number, language: string) {
  const n = formatNumber(total, language);
  return {
    title: `${t("meta.title")} · Countersign`,
    description: t("meta.description", { count: total, n }),
    shareTitle: t("meta.shareTitle"),
    alt: t("meta.alt", { count: total, n }),
    feed: t("meta.feed"),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  if (!data) return [{ title: "Countersign" }];
  const { url, meta: text } = data;
  if (seenBeforeLaunch(matches)) return [{ title: text.title }, ...PRIVATE_META];
  return [
    { title: text.title },
    { name: "description", content: text.description },
    ...socialMeta({
      type: "website",
      title: text.shareTitle,
      description: text.description,
      site: url,
      path: "/signatures",
      card: "signatures",
      alt: text.alt,
    }),
    { tagName: "link", rel: "canonical", href: `${url}/signatures` },
    { tagName: "link", rel: "alternate", type: "application/atom+xml", title: text.feed, href: `${url}/signatures.atom` },
  ];
};

export default function SignaturesRoute() {
  const { items, query, errors, totals, labels, prevHref, nextHref, csvHref, jsonHref } = useLoaderData<typeof loader>();
  const searching = Boolean(query.q);
  const { t } = useTranslation("list");
  const { day } = useFormat();
  const countryName = useCountryName();
  const roleOptions = useRoleOptions();
  const countries = useCountries();
  const kind = (k: string) => t(`kinds.${k}`, { ns: "common" });
  const publicRole = (k: string, role: string) => (k === "label" ? kind("label") : t(`roles.${role}`, { ns: "common", defaultValue: role }));
  const error = (message: string | undefined) => (message ? t(message, { ns: "errors" }) : message);
  return (
    <article className="public-list">
      <h1>{t("heading")}</h1>
      <p className="lede">
        {t("lede")} <Link to="/press#badges">{t("marks")}</Link>.
      </p>
      <Totals totals={totals} />

      <div role="search" aria-label={t("searchLabel")}>
        <Form method="get" action="/signatures" className="list-filters">
          <div className="field">
            <label htmlFor="q">{t("search")}</label>
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
              {t("searchHint")}
            </p>
            <div className="field-errors" id="q-error" aria-live="polite">
              {errors.q ? <p>{error(errors.q)}</p> : null}
            </div>
          </div>
          <PlainSelect
            id="kind"
            label={t("kind")}
            value={query.kind}
            error={error(errors.kind)}
            options={Object.values(SIGNATURE_KINDS).map((k) => [k, kind(k)] as const)}
            all={t("allKinds")}
          />
          <PlainSelect id="role" label={t("role")} value={query.role} error={error(errors.role)} options={roleOptions} all={t("allRoles")} />
          <PlainSelect id="country" label={t("country")} value={query.country} error={error(errors.country)} options={countries} all={t("allCountries")} />
          {labels.length > 0 || errors.label ? (
            <PlainSelect
              id="label"
              label={t("label")}
              value={query.label}
              error={error(errors.label)}
              options={labels.map((l) => [l.id, l.name])}
              all={t("allLabels")}
            />
          ) : null}
          <PlainSelect
            id="sort"
            label={t("order")}
            value={query.sort}
            error={error(errors.sort)}
            options={[...(searching ? [["relevance", t("sort.relevance")] as const] : []), ["new", t("sort.new")], ["az", t("sort.az")]]}
          />
          <button type="submit" className="button">
            {t("show")}
          </button>
          {Object.keys(errors).length > 0 || searching || query.kind || query.role || query.country || query.label ? (
            <Link to="/signatures" className="clear">
              {t("clear")}
            </Link>
          ) : null}
        </Form>
      </div>

      <div className="field-errors" aria-live="polite">
        {errors.page ? <p>{error(errors.page)}</p> : null}
        {/* The page size has no box of its own (it comes from a link): its message goes here. */}
        {errors.limit ? <p>{error(errors.limit)}</p> : null}
      </div>

      <h2 className="visually-hidden">{t("names")}</h2>
      {items.length === 0 ? (
        <p className="empty">{searching ? t("noMatch") : t("noneYet")}</p>
      ) : (
        <ol className="signature-list" data-testid="signature-list">
          {items.map((item) => (
            <li key={item.id} className={item.featured ? "featured" : undefined}>
              <span className="name">{item.name}</span>
              <span className="details">
                {publicRole(item.kind, item.role)} · {countryName(item.country)}
                {item.label && item.kind === "roster" ? ` · ${t("via", { label: item.label })}` : ""} · {t("signed")}{" "}
                <time dateTime={item.signedOn}>{day(item.signedOn)}</time>
              </span>
              <Badges badges={item.badges} label={item.label} />
            </li>
          ))}
        </ol>
      )}
      <nav className="pager" aria-label={t("pages")}>
        {prevHref ? (
          <Link to={prevHref} rel="prev">
            {t("previous")}
          </Link>
        ) : null}
        {nextHref ? (
          <Link to={nextHref} rel="next">
            {t("next")}
          </Link>
        ) : null}
      </nav>

      <CountChart perDay={totals.perDay} />

      <section aria-labelledby="downloads-heading">
        <h2 id="downloads-heading">{t("downloads.heading")}</h2>
        <ul>
          <li>
            <a href={csvHref}>{t("downloads.csv")}</a> {t("downloads.csvNote")}
          </li>
          <li>
            <a href={jsonHref}>{t("downloads.json")}</a> {t("downloads.and")} <a href="/api/v1/stats">{t("downloads.stats")}</a>
          </li>
          <li>
            <a href="/signatures.atom">{t("downloads.feed")}</a>
          </li>
          <li>
            <Link to="/press">{t("downloads.press")}</Link>: {t("downloads.pressNote")}
          </li>
        </ul>
      </section>
    </article>
  );
}
