import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SignForm } from "~/components/SignForm";
import { Totals, useFormat } from "~/components/public";
import { loadLetterPage } from "~/domain/letter/page.server";
import { languageName } from "~/i18n";
import { fixedT, tFor } from "~/i18n.server";
import { PUBLIC_CACHE } from "~/utils/cache";
import { formatNumber } from "~/utils/format";
import { socialMeta } from "~/utils/social-meta";
import { loadTotals } from "~/domain/public-list/page.server";
import { signFormSchema } from "~/domain/signatures/schema";
import { submitSignature } from "~/domain/signatures/sign.server";
import { readForm } from "~/utils/request.server";

/** The letter in the visitor's language when it is translated into it, else in the original. */
function letterFor(context: LoaderFunctionArgs["context"]) {
  return context.letters[context.language] ?? context.letter;
}

export async function loader({ context }: LoaderFunctionArgs) {
  const letter = letterFor(context);
  const totals = await loadTotals(context.db, letter.letterId);
  const t = tFor(context, "letter");
  return {
    ...loadLetterPage(letter),
    totals,
    url: context.env.APP_URL,
    // The same letter in its other languages: one list of names, one count.
    translations: Object.values(context.letters)
      .filter((v) => v.language !== letter.language)
      .map((v) => ({ language: v.language, title: v.title, label: fixedT(v.language, "letter")("readIn", { language: languageName(v.language, false) }) })),
    cardAlt: t("cardAlt", { title: letter.title, count: totals.total, n: formatNumber(totals.total, context.language) }),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: signFormSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  // The signature records the version the page showed (the hidden `version`) and its language.
  await submitSignature(context.db, letterFor(context), submission.value, form.get("version") ?? undefined, {
    ip: context.clientIp,
    ipHashSecret: context.env.IP_HASH_SECRET,
  });
  // The same page whatever happened: it never says whether this address had signed before.
  return redirect("/signed");
}

// A CDN may keep the page 30 s; the count on it says when it was last updated.
export const headers: HeadersFunction = () => ({ "Cache-Control": PUBLIC_CACHE });

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Countersign" }];
  const title = `${data.title} · Countersign`;
  return [
    { title },
    { name: "description", content: data.description },
    ...socialMeta({
      type: "article",
      title: data.title,
      description: data.description,
      site: data.url,
      path: data.language === "en" ? "/" : `/?lng=${data.language}`,
      card: "letter",
      alt: data.cardAlt,
    }),
    { tagName: "link", rel: "canonical", href: `${data.url}/${data.language === "en" ? "" : `?lng=${data.language}`}` },
    ...data.translations.map((v) => ({
      tagName: "link",
      rel: "alternate",
      hrefLang: v.language,
      href: `${data.url}/${v.language === "en" ? "?lng=en" : `?lng=${v.language}`}`,
    })),
  ];
};

export default function LetterRoute() {
  const page = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation("letter");
  const { day } = useFormat();
  return (
    <article className="letter" lang={page.language}>
      <h1>{page.title}</h1>
      <ul className="letter-meta">
        <li>
          {t("meta")} <time dateTime={page.openedAt}>{day(page.openedAt)}</time>
        </li>
      </ul>
      {page.translations.length > 0 ? (
        <p className="translations">
          {page.translations.map((v, i) => (
            <span key={v.language}>
              {i > 0 ? " · " : null}
              {/* ?lng= shows that translation (and a link to share it); the switch in the header remembers a choice. */}
              <a href={`/?lng=${v.language}`} hrefLang={v.language} lang={v.language}>
                {v.label}
              </a>
            </span>
          ))}
        </p>
      ) : null}
      {/* Rendered from our own Markdown by markdown-it with raw HTML disabled (letter.server.ts). */}
      <div className="letter-body" dangerouslySetInnerHTML={{ __html: page.html }} />
      <Totals totals={page.totals} />
      <p className="count-links">
        <Link to="/signatures">{t("seeWhoSigned")}</Link> · <Link to="/press">{t("forThePress")}</Link>
      </p>
      <SignForm lastResult={lastResult} letterVersion={page.sha256} />
      <p className="version">
        {t("version")} <code>{page.sha256}</code> (SHA-256)
      </p>
    </article>
  );
}
