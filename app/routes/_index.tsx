import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { SignForm } from "~/components/SignForm";
import { Totals } from "~/components/public";
import { loadLetterPage } from "~/domain/letter/page.server";
import { PUBLIC_CACHE } from "~/utils/cache";
import { formatNumber } from "~/utils/format";
import { socialMeta } from "~/utils/social-meta";
import { loadTotals } from "~/domain/public-list/page.server";
import { signFormSchema } from "~/domain/signatures/schema";
import { submitSignature } from "~/domain/signatures/sign.server";
import { readForm } from "~/utils/request.server";

export async function loader({ context }: LoaderFunctionArgs) {
  return { ...loadLetterPage(context.letter), totals: await loadTotals(context.db, context.letter.letterId), url: context.env.APP_URL };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: signFormSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  await submitSignature(context.db, context.letter, submission.value, form.get("version") ?? undefined, {
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
      path: "/",
      card: "letter",
      alt: `${data.title}: ${formatNumber(data.totals.total)} signatures approved so far`,
    }),
    { tagName: "link", rel: "canonical", href: `${data.url}/` },
  ];
};

const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

export default function LetterRoute() {
  const page = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <article className="letter">
      <h1>{page.title}</h1>
      <ul className="letter-meta">
        <li>
          Open letter · opened <time dateTime={page.openedAt}>{dateFormat.format(new Date(page.openedAt))}</time>
        </li>
      </ul>
      {/* Rendered from our own Markdown by markdown-it with raw HTML disabled (letter.server.ts). */}
      <div className="letter-body" dangerouslySetInnerHTML={{ __html: page.html }} />
      <Totals totals={page.totals} />
      <p className="count-links">
        <Link to="/signatures">See who signed</Link> · <Link to="/press">For the press</Link>
      </p>
      <SignForm lastResult={lastResult} letterVersion={page.sha256} />
      <p className="version">
        Text version <code>{page.sha256}</code> (SHA-256)
      </p>
    </article>
  );
}
