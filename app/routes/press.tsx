import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import { useCountryName } from "~/components/i18n";
import { BadgeGlossary, CountChart, Totals, useFormat } from "~/components/public";
import { PUBLIC_CACHE } from "~/utils/cache";
import { loadPressPage } from "~/domain/public-list/page.server";
import { listDeliveries } from "~/domain/delivery/deliveries.server";
import { languageName } from "~/i18n";
import { tFor } from "~/i18n.server";
import { requireList } from "~/utils/campaign.server";
import { PRIVATE_META, seenBeforeLaunch } from "~/utils/social-meta";

export async function loader({ context }: LoaderFunctionArgs) {
  await requireList(context, "page");
  const t = tFor(context, "press");
  const [page, deliveries] = await Promise.all([loadPressPage(context.db, context.letter), listDeliveries(context.db, context.letter.letterId)]);
  return {
    ...page,
    deliveries,
    contact: context.env.PRESS_CONTACT,
    url: context.env.APP_URL,
    title: `${t("meta.title")} · Countersign`,
    description: t("meta.description"),
  };
}

export const headers: HeadersFunction = () => ({ "Cache-Control": PUBLIC_CACHE });

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  seenBeforeLaunch(matches)
    ? [{ title: data?.title ?? "Countersign" }, ...PRIVATE_META]
    : [
        { title: data?.title ?? "Countersign" },
        { name: "description", content: data?.description ?? "" },
        { tagName: "link", rel: "canonical", href: `${data?.url ?? ""}/press` },
      ];

export default function PressRoute() {
  const { totals, versions, snapshots, deliveries, contact, url } = useLoaderData<typeof loader>();
  const { t } = useTranslation("press");
  const { number, day } = useFormat();
  const countryName = useCountryName();
  const code = <code />;
  return (
    <article className="press">
      <h1>{t("heading")}</h1>
      <p className="lede">{t("lede")}</p>

      <h2>{t("numbers")}</h2>
      <Totals totals={totals} headingLevel={3} />
      <CountChart perDay={totals.perDay} />
      {totals.byCountry.length > 0 ? (
        <details>
          <summary>{t("byCountry")}</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("country")}</th>
                <th scope="col">{t("signatures")}</th>
              </tr>
            </thead>
            <tbody>
              {totals.byCountry.map((c) => (
                <tr key={c.country}>
                  <td>{countryName(c.country)}</td>
                  <td>{number(c.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}

      <h2 id="badges">{t("badgesHeading")}</h2>
      <BadgeGlossary />

      <h2>{t("moderation.heading")}</h2>
      <ol>
        {(["sign", "confirm", "review", "labels", "unnamed", "withdraw", "audit"] as const).map((step) => (
          <li key={step}>{t(`moderation.${step}`)}</li>
        ))}
      </ol>
      <p>{t("moderation.privacy")}</p>

      <h2>{t("downloads.heading")}</h2>
      <ul>
        <li>
          <Trans t={t} i18nKey="downloads.csv" components={{ to: <a href="/signatures.csv" /> }} />
        </li>
        <li>
          <Trans t={t} i18nKey="downloads.json" components={{ list: <a href="/api/v1/signatures" />, stats: <a href="/api/v1/stats" /> }} />
        </li>
        <li>
          <Trans t={t} i18nKey="downloads.feed" components={{ to: <a href="/signatures.atom" /> }} />
        </li>
        <li>
          {t("downloads.badge")} <code>{`<img src="${url}/badge.svg" alt="${t("downloads.badgeAlt")}">`}</code>; {t("downloads.widget")}{" "}
          <code>{`<iframe src="${url}/embed" width="320" height="160" title="${t("downloads.badgeAlt")}"></iframe>`}</code>
        </li>
      </ul>

      <h2 id="snapshots">{t("snapshots.heading")}</h2>
      <p>{t("snapshots.intro")}</p>
      <p>{t("snapshots.redaction")}</p>
      <details>
        <summary>{t("snapshots.howTo")}</summary>
        <ol>
          <li>
            <Trans t={t} i18nKey="snapshots.step1" components={{ code }} />
          </li>
          <li>{t("snapshots.step2")}</li>
          <li>{t("snapshots.step3")}</li>
          <li>{t("snapshots.step4")}</li>
          <li>
            <Trans t={t} i18nKey="snapshots.step5" values={{ url }} components={{ code }} />
          </li>
        </ol>
        <p>{t("snapshots.keep")}</p>
      </details>
      {snapshots.length === 0 ? (
        <p>{t("snapshots.none")}</p>
      ) : (
        <div className="table-scroll">
          <table className="snapshots">
            <thead>
              <tr>
                <th scope="col">{t("snapshots.snapshot")}</th>
                <th scope="col">{t("snapshots.taken")}</th>
                <th scope="col">{t("snapshots.names")}</th>
                <th scope="col">{t("snapshots.root")}</th>
                <th scope="col">{t("snapshots.chain")}</th>
              </tr>
            </thead>
            <tbody>
              {snapshots.map((s) => (
                <tr key={s.identifier}>
                  <td>
                    <a href={`/press/snapshots/${s.identifier}.csv`}>{s.identifier}</a>
                    {s.kind === "on_demand" ? ` ${t("snapshots.onDemand")}` : ""}
                  </td>
                  <td>{s.takenAt.replace("T", " ").replace("Z", "")}</td>
                  <td>
                    {number(s.rowCount)}
                    {s.redactedRows > 0 ? ` ${t("snapshots.removed", { count: s.redactedRows, n: number(s.redactedRows) })}` : ""}
                  </td>
                  <td>
                    <code className="hash">{s.root}</code>
                  </td>
                  <td>
                    <code className="hash">{s.chainSha256}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        <a href="/press/snapshots.json">{t("snapshots.json")}</a>
      </p>

      <h2>{t("versions.heading")}</h2>
      <p>{t("versions.intro")}</p>
      <div className="table-scroll">
        <table className="versions">
          <thead>
            <tr>
              <th scope="col">{t("versions.language")}</th>
              <th scope="col">{t("versions.inForce")}</th>
              <th scope="col">{t("versions.sha")}</th>
              <th scope="col">{t("versions.approved")}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.sha256}>
                <td lang={v.language}>{languageName(v.language)}</td>
                <td>
                  {day(v.from)} – {v.until ? day(v.until) : t("versions.now")}
                </td>
                <td>
                  <code className="hash">{v.sha256}</code>
                </td>
                <td>{number(v.signatures)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="deliveries">{t("deliveries.heading")}</h2>
      {deliveries.length === 0 ? (
        <p>{t("deliveries.none")}</p>
      ) : (
        <>
          <p>{t("deliveries.intro")}</p>
          <div className="table-scroll">
            <table className="deliveries">
              <thead>
                <tr>
                  <th scope="col">{t("deliveries.delivered")}</th>
                  <th scope="col">{t("deliveries.to")}</th>
                  <th scope="col">{t("deliveries.how")}</th>
                  <th scope="col">{t("deliveries.names")}</th>
                  <th scope="col">{t("deliveries.pdf")}</th>
                  <th scope="col">{t("deliveries.snapshot")}</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={`${d.deliveredOn}-${d.pdfSha256}-${d.recipient}-${d.method}`}>
                    <td>{d.deliveredOn}</td>
                    <td>{d.recipient}</td>
                    <td>{d.method}</td>
                    <td>{number(d.names)}</td>
                    <td>
                      <code className="hash">{d.pdfSha256}</code>
                    </td>
                    <td>
                      <a href={`/press/snapshots/${d.snapshotIdentifier}.csv`}>{d.snapshotIdentifier}</a> <code className="hash">{d.snapshotChainSha256}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      <h2>{t("contact.heading")}</h2>
      <p>
        <Trans
          t={t}
          i18nKey="contact.body"
          values={{ contact }}
          components={{ mail: <a href={`mailto:${contact}`} />, letter: <Link to="/" />, list: <Link to="/signatures" /> }}
        />
      </p>
    </article>
  );
}
