import type { TFunction } from "i18next";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { BADGE_IDS, type BadgeId } from "~/domain/public-list/badges";
import { formatNumber, intlLocale } from "~/utils/format";

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/**
 * A day, in the visitor's language. English abbreviates the month ("2 Dec 2026"); other languages
 * spell it out, whose form does not change between ICU versions (the server's and the browser's
 * must render the same text, or hydration fails).
 */
export function formatDay(day: string, language = "en"): string {
  let format = dayFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale(language), { day: "numeric", month: language === "en" ? "short" : "long", year: "numeric", timeZone: "UTC" });
    dayFormats.set(language, format);
  }
  return format.format(new Date(`${day.slice(0, 10)}T00:00:00Z`));
}

/** formatNumber and formatDay in the page's language. */
export function useFormat() {
  const { i18n } = useTranslation();
  const language = i18n.language;
  return { number: (n: number) => formatNumber(n, language), day: (day: string) => formatDay(day, language), language };
}

export interface TotalsView {
  total: number;
  byKind: { artist: number; label: number; roster: number };
  /** Of `total`, counted without a name shown. */
  unnamed: number;
  updatedAt: string | null;
}

function age(seconds: number, t: TFunction): string {
  if (seconds < 2) return t("totals.justNow");
  if (seconds < 120) return t("totals.secondsAgo", { count: seconds });
  return t("totals.minutesAgo", { count: Math.round(seconds / 60) });
}

const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "UTC" });

/**
 * "updated N seconds ago". The server writes the time itself, so a page's bytes (and its ETag)
 * change only when the figures are refreshed; the browser then counts the seconds.
 */
function UpdatedAgo({ updatedAt }: { updatedAt: string }) {
  const { t } = useTranslation();
  const [seconds, setSeconds] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setSeconds(Math.max(0, Math.round((Date.now() - Date.parse(updatedAt)) / 1000)));
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [updatedAt]);
  return <time dateTime={updatedAt}>{seconds === null ? t("totals.updatedAt", { time: clock.format(new Date(updatedAt)) }) : age(seconds, t)}</time>;
}

/** All, artists, labels and via labels, with how fresh the figures are. */
export function Totals({ totals, headingLevel = 2 }: { totals: TotalsView; headingLevel?: 2 | 3 }) {
  const Heading = `h${headingLevel}` as const;
  const { t } = useTranslation();
  const { number } = useFormat();
  const named = totals.total - totals.unnamed;
  return (
    <section className="count-card" aria-labelledby="totals-heading">
      <Heading id="totals-heading" className="visually-hidden">
        {t("totals.heading")}
      </Heading>
      <p>
        <span className="count" data-testid="approved-count">
          {number(named)}
        </span>{" "}
        {t("totals.named", { count: named })}
      </p>
      {totals.unnamed > 0 ? <p data-testid="count-unnamed">{t("totals.unnamed", { count: totals.unnamed, n: number(totals.unnamed) })}</p> : null}
      <dl className="totals">
        <div>
          <dt>{t("totals.artists")}</dt>
          <dd data-testid="count-artists">{number(totals.byKind.artist)}</dd>
        </div>
        <div>
          <dt>{t("totals.labels")}</dt>
          <dd data-testid="count-labels">{number(totals.byKind.label)}</dd>
        </div>
        <div>
          <dt>{t("totals.viaLabels")}</dt>
          <dd data-testid="count-roster">{number(totals.byKind.roster)}</dd>
        </div>
      </dl>
      <p className="count-note">
        {totals.updatedAt ? <UpdatedAgo updatedAt={totals.updatedAt} /> : t("totals.notYet")}. {t("totals.note")}
      </p>
    </section>
  );
}

/** Approved signatures over time (cumulative), drawn on the server: no script needed to read it. */
export function CountChart({ perDay }: { perDay: { day: string; count: number; cumulative: number }[] }) {
  const { t } = useTranslation();
  const { number, day: formatDay } = useFormat();
  const width = 640;
  const height = 220;
  const pad = { left: 56, right: 16, top: 16, bottom: 32 };
  const last = perDay.at(-1);
  const first = perDay[0];
  const summary =
    last && first
      ? t("chart.summary", { count: last.cumulative, n: number(last.cumulative), from: formatDay(first.day), to: formatDay(last.day) })
      : t("chart.none");
  if (!first || !last) {
    return (
      <figure className="chart">
        <figcaption>{t("chart.caption")}</figcaption>
        <p>{summary}</p>
      </figure>
    );
  }
  const t0 = Date.parse(`${first.day}T00:00:00Z`);
  const span = Math.max(Date.parse(`${last.day}T00:00:00Z`) - t0, 86_400_000);
  const max = Math.max(last.cumulative, ...perDay.map((d) => d.cumulative), 1);
  const x = (day: string) => pad.left + ((Date.parse(`${day}T00:00:00Z`) - t0) / span) * (width - pad.left - pad.right);
  const y = (n: number) => height - pad.bottom - (n / max) * (height - pad.top - pad.bottom);
  // A step line: the total holds through a day and rises at the next one.
  let path = `M ${x(first.day).toFixed(1)} ${y(0).toFixed(1)}`;
  for (const d of perDay) path += ` L ${x(d.day).toFixed(1)} ${y(d.cumulative).toFixed(1)}`;
  const area = `${path} L ${x(last.day).toFixed(1)} ${y(0).toFixed(1)} Z`;
  return (
    <figure className="chart">
      <figcaption id="chart-caption">{t("chart.caption")}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="chart-caption chart-desc" className="chart-svg">
        <desc id="chart-desc">{summary}</desc>
        <line x1={pad.left} x2={width - pad.right} y1={y(0)} y2={y(0)} className="chart-axis" />
        <line x1={pad.left} x2={pad.left} y1={pad.top} y2={y(0)} className="chart-axis" />
        <path d={area} className="chart-area" />
        <path d={path} className="chart-line" />
        <text x={pad.left - 8} y={y(max) + 4} textAnchor="end" className="chart-label">
          {number(max)}
        </text>
        <text x={pad.left - 8} y={y(0) + 4} textAnchor="end" className="chart-label">
          0
        </text>
        <text x={pad.left} y={height - 8} className="chart-label">
          {formatDay(first.day)}
        </text>
        <text x={width - pad.right} y={height - 8} textAnchor="end" className="chart-label">
          {formatDay(last.day)}
        </text>
      </svg>
      <details>
        <summary>{t("chart.figures")}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("chart.day")}</th>
              <th scope="col">{t("chart.thatDay")}</th>
              <th scope="col">{t("chart.total")}</th>
            </tr>
          </thead>
          <tbody>
            {perDay.map((d) => (
              <tr key={d.day}>
                <td>{formatDay(d.day)}</td>
                <td>{number(d.count)}</td>
                <td>{number(d.cumulative)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export function Badges({ badges, label }: { badges: BadgeId[]; label: string | null }) {
  const { t } = useTranslation();
  return (
    <ul className="badges">
      {badges.map((id) => (
        <li key={id} className={`badge badge-${id}`} title={t(`badges.${id}.explanation`)}>
          {id === "via_label" && label ? t("badges.via", { label }) : t(`badges.${id}.label`)}
        </li>
      ))}
    </ul>
  );
}

/** What each badge means, in words. */
export function BadgeGlossary() {
  const { t } = useTranslation();
  return (
    <dl className="badge-glossary">
      {BADGE_IDS.map((id) => (
        <div key={id}>
          <dt>
            <span className={`badge badge-${id}`}>{t(`badges.${id}.label`)}</span>
          </dt>
          <dd>{t(`badges.${id}.explanation`)}</dd>
        </div>
      ))}
    </dl>
  );
}
