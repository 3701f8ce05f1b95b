import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { ReactNode } from "react";
import { FormErrors } from "~/components/fields";
import { SignForm } from "~/components/SignForm";
import { Totals, useFormat } from "~/components/public";
import { loadLetterPage } from "~/domain/letter/page.server";
import { languageName } from "~/i18n";
import { fixedT, tFor } from "~/i18n.server";
import { PUBLIC_CACHE } from "~/utils/cache";
import { formatNumber } from "~/utils/format";
import { PRIVATE_META, seenBeforeLaunch, socialMeta } from "~/utils/social-meta";
import { loadTotals } from "~/domain/public-list/page.server";
import { signFormSchema } from "~/domain/signatures/schema";
import { submitSignature } from "~/domain/signatures/sign.server";
import { readForm } from "~/utils/request.server";
import { SigningClosedError, signingRefusal } from "~/domain/campaign/campaign.server";

/** The letter in the visitor's language when it is translated into it, else in the original. */
function letterFor(context: LoaderFunctionArgs["context"]) {
  return context.letters[context.language] ?? context.letter;
}

export async function loader({ context }: LoaderFunctionArgs) {
  const access = await context.access();
  // Before launch, without an invitation or a preview link: a holding page, and nothing of the letter (decision 017).
  if (!access.letter) return { holding: true as const };
  const letter = letterFor(context);
  // An invited signer before launch sees the letter and the form, not the list or its counts.
  const totals = access.list ? await loadTotals(context.db, letter.letterId) : null;
  const t = tFor(context, "letter");
  return {
    holding: false as const,
    ...loadLetterPage(letter),
    totals,
    canSign: access.sign,
    closed: access.state === "closed",
    url: context.env.APP_URL,
    // The same letter in its other languages (decision 019): one list of names, one count.
    translations: Object.values(context.letters)
      .filter((v) => v.language !== letter.language)
      .map((v) => ({ language: v.language, title: v.title, label: fixedT(v.language, "letter")("readIn", { language: languageName(v.language, false) }) })),
    cardAlt: totals ? t("cardAlt", { title: letter.title, count: totals.total, n: formatNumber(totals.total, context.language) }) : "",
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: signFormSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const access = await context.access();
  try {
    if (!access.sign) throw signingRefusal(access);
    // The signature records the version the page showed (the hidden `version`) and its language.
    await submitSignature(context.db, letterFor(context), submission.value, form.get("version") ?? undefined, {
      ip: context.clientIp,
      ipHashSecret: context.env.IP_HASH_SECRET,
      invitationId: access.invitationId,
    });
  } catch (error) {
    // Closed, or not yet open to this visitor (also when it closed or the invitation was revoked as the form was sent).
    // The message is a key of errors.json, said in the page's language.
    if (error instanceof SigningClosedError) return data(submission.reply({ formErrors: [`signing.${error.code}`] }), { status: 403 });
    throw error;
  }
  // The same page whatever happened: it never says whether this address had signed before.
  return redirect("/signed");
}

// A CDN may keep the page 30 s; the count on it says when it was last updated.
export const headers: HeadersFunction = () => ({ "Cache-Control": PUBLIC_CACHE });

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  if (!data) return [{ title: "Countersign" }];
  if (data.holding || seenBeforeLaunch(matches)) return [{ title: "Countersign" }, ...PRIVATE_META];
  if (!data.totals) return [{ title: `${data.title} · Countersign` }, ...PRIVATE_META];
  const title = `${data.title} · Countersign`;
  const here = data.language === "en" ? "/" : `/?lng=${data.language}`;
  return [
    { title },
    { name: "description", content: data.description },
    ...socialMeta({
      type: "article",
      title: data.title,
      description: data.description,
      site: data.url,
      path: here,
      card: "letter",
      alt: data.cardAlt,
    }),
    { tagName: "link", rel: "canonical", href: `${data.url}${here}` },
    ...data.translations.map((v) => ({ tagName: "link", rel: "alternate", hrefLang: v.language, href: `${data.url}/?lng=${v.language}` })),
  ];
};

export default function LetterRoute() {
  const page = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation("letter");
  const { day } = useFormat();
  // A signature refused by the launch state (a post made without the form) says why, wherever it lands.
  const refused = <FormErrors errors={lastResult?.error?.[""] ?? undefined} />;
  if (page.holding) return <HoldingPage refused={refused} />;
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
      {page.totals && (
        <>
          <Totals totals={page.totals} />
          <p className="count-links">
            <Link to="/signatures">{t("seeWhoSigned")}</Link> · <Link to="/press">{t("forThePress")}</Link>
          </p>
        </>
      )}
      {page.canSign ? (
        <SignForm lastResult={lastResult} letterVersion={page.sha256} />
      ) : page.closed ? (
        <section className="sign" aria-labelledby="sign-heading">
          <h2 id="sign-heading">{t("closed.heading")}</h2>
          {refused}
          <p>{t("closed.body")}</p>
        </section>
      ) : null}
      <p className="version">
        {t("version")} <code>{page.sha256}</code> (SHA-256)
      </p>
    </article>
  );
}

function HoldingPage({ refused }: { refused: ReactNode }) {
  const { t } = useTranslation("letter");
  return (
    <article className="letter">
      <h1>{t("holding.heading")}</h1>
      {refused}
      <p>{t("holding.body")}</p>
      <p>{t("holding.links")}</p>
    </article>
  );
}
