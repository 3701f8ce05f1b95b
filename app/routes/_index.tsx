import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { SignForm } from "~/components/SignForm";
import { Totals } from "~/components/public";
import { loadLetterPage } from "~/domain/letter/page.server";
import { PUBLIC_CACHE } from "~/utils/cache";
import { formatNumber } from "~/utils/format";
import { PRIVATE_META, seenBeforeLaunch, socialMeta } from "~/utils/social-meta";
import { loadTotals } from "~/domain/public-list/page.server";
import { signFormSchema } from "~/domain/signatures/schema";
import { submitSignature } from "~/domain/signatures/sign.server";
import { readForm } from "~/utils/request.server";
import { SigningClosedError } from "~/domain/campaign/campaign.server";

export async function loader({ context }: LoaderFunctionArgs) {
  const access = await context.access();
  // Before launch, without an invitation or a preview link: a holding page, and nothing of the letter (decision 017).
  if (!access.letter) return { holding: true as const };
  return {
    holding: false as const,
    ...loadLetterPage(context.letter),
    // An invited signer before launch sees the letter and the form, not the list or its counts.
    totals: access.list ? await loadTotals(context.db, context.letter.letterId) : null,
    canSign: access.sign,
    closed: access.state === "closed",
    url: context.env.APP_URL,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const submission = parseWithZod(form, { schema: signFormSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const access = await context.access();
  try {
    if (!access.sign) throw new SigningClosedError(access.state === "closed" ? "closed" : "invitation_only");
    await submitSignature(context.db, context.letter, submission.value, form.get("version") ?? undefined, {
      ip: context.clientIp,
      ipHashSecret: context.env.IP_HASH_SECRET,
      invitationId: access.invitationId,
    });
  } catch (error) {
    // Closed, or not yet open to this visitor (also when it closed or the invitation was revoked as the form was sent).
    if (error instanceof SigningClosedError) return data(submission.reply({ formErrors: [error.message] }), { status: 403 });
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
  if (page.holding) return <HoldingPage />;
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
      {page.totals && (
        <>
          <Totals totals={page.totals} />
          <p className="count-links">
            <Link to="/signatures">See who signed</Link> · <Link to="/press">For the press</Link>
          </p>
        </>
      )}
      {page.canSign ? (
        <SignForm lastResult={lastResult} letterVersion={page.sha256} />
      ) : page.closed ? (
        <section className="sign" aria-labelledby="sign-heading">
          <h2 id="sign-heading">This letter is closed</h2>
          <p>It no longer takes signatures. The names who signed, the counts, the exports and the snapshots stay published.</p>
        </section>
      ) : null}
      <p className="version">
        Text version <code>{page.sha256}</code> (SHA-256)
      </p>
    </article>
  );
}

/** Before launch, for a visitor without a link: it says nothing about the letter (decision 017). */
function HoldingPage() {
  return (
    <article className="letter">
      <h1>Nothing to read here yet</h1>
      <p>Countersign publishes open letters from the people who make the music. The letter being prepared here is not public yet.</p>
      <p>If you were sent an invitation or a press preview link, open that link to continue.</p>
    </article>
  );
}
