import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AdminNav } from "~/components/AdminNav";
import { PlainField, PlainSelect } from "~/components/fields";
import { ADMIN_ROLES } from "~/domain/auth/roles";
import { CampaignError, campaignTrail, issueLink, listLinks, loadCampaign, revokeLink, switchCampaign } from "~/domain/campaign/campaign.server";
import { campaignFormSchema } from "~/domain/campaign/schema";
import { allowedCampaignEvents, type CampaignEvent, type CampaignState } from "~/domain/campaign/states";
import { readForm } from "~/utils/request.server";
import { requireRole } from "~/utils/session.server";
import { TIME_ZONES, formatInZone, instantToZoned } from "~/utils/time";

export const meta: MetaFunction = () => [{ title: "Campaign · Countersign" }, { name: "robots", content: "noindex" }];

const STATE_TEXT: Record<CampaignState, string> = {
  collecting: "Collecting: only people with an invitation link can read and sign the letter. Everyone else sees a holding page, and nothing of the list.",
  embargoed: "Embargoed: the press with a preview link sees the letter, the list and the counts, marked with the embargo’s end. Invitations still sign.",
  public: "Public: everyone can read, sign and see the list.",
  closed: "Closed: no new signatures. The list, the exports and the snapshots stay published.",
};

const BUTTONS: Partial<Record<CampaignEvent, string>> = {
  prepare: "Prepare in private (collecting; only while nothing has been published)",
  launch: "Make it public now",
  close: "Close: stop taking signatures",
  reopen: "Reopen for signatures",
  recall: "Call off the embargo (back to collecting)",
  unschedule: "Cancel the scheduled launch",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, ADMIN_ROLES);
  const { letterId } = context.letter;
  const [campaign, links, trail] = await Promise.all([
    loadCampaign(context.db, letterId),
    listLinks(context.db, letterId),
    campaignTrail(context.db, letterId),
  ]);
  const zone = campaign.publicAtZone ?? "UTC";
  return {
    user: { email: user.email, role: user.role },
    state: campaign.state,
    since: campaign.stateChangedAt.toISOString(),
    publicAt: campaign.publicAt ? { text: formatInZone(campaign.publicAt, zone), local: instantToZoned(campaign.publicAt, zone), zone } : null,
    events: allowedCampaignEvents(campaign.state),
    links: links.map((l) => ({
      id: l.id,
      purpose: l.purpose,
      note: l.note,
      createdBy: l.created_by,
      createdAt: l.created_at.toISOString(),
      expiresAt: l.expires_at.toISOString(),
      revokedAt: l.revoked_at?.toISOString() ?? null,
      uses: l.uses,
      signatures: Number(l.signatures),
    })),
    trail: trail.map((t) => ({
      id: t.id,
      actor: t.actor,
      action: t.action,
      before: t.before_state,
      after: t.after_state,
      reason: t.reason,
      at: t.created_at.toISOString(),
    })),
    zones: TIME_ZONES,
  };
}

const FIELDS = new Set(["publicAt", "zone", "purpose", "note", "days"]);

type Answer = { notice: string | null; link?: string; errors: Record<string, string[]> };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, ADMIN_ROLES);
  const actor = `user:${user.id}` as const;
  const { letterId } = context.letter;
  const submission = parseWithZod(await readForm(request), { schema: campaignFormSchema });
  if (submission.status !== "success") {
    // A field the page shows gets its message beside it; anything else (a hand-made intent, state or id) above the forms.
    const errors: Record<string, string[]> = {};
    for (const [key, messages] of Object.entries(submission.error ?? {})) {
      const where = FIELDS.has(key) ? key : "form";
      errors[where] = [...(errors[where] ?? []), ...(messages ?? [])];
    }
    return data({ notice: null, errors } satisfies Answer, { status: 400 });
  }
  const input = submission.value;
  try {
    switch (input.intent) {
      case "issue": {
        const { token, expiresAt } = await issueLink(context.db, letterId, input, actor);
        const path = input.purpose === "invitation" ? "invite" : "preview";
        return {
          notice: `A ${input.purpose} link for ${input.note}, working until ${expiresAt.toISOString().slice(0, 10)}. Copy it now: it is shown only once.`,
          link: `${context.env.APP_URL}/${path}/${token}`,
          errors: {},
        } satisfies Answer;
      }
      case "revoke": {
        if (await revokeLink(context.db, letterId, input.id, actor)) return { notice: "Revoked: the link stops working at once.", errors: {} } satisfies Answer;
        return data({ notice: null, errors: { form: ["That link was revoked already, or there is no such link."] } } satisfies Answer, { status: 409 });
      }
      case "embargo":
      case "schedule": {
        const campaign = await switchCampaign(context.db, letterId, input.intent, actor, {
          expected: input.expected,
          publicAt: input.instant,
          zone: input.zone,
        });
        const when = formatInZone(campaign.publicAt!, campaign.publicAtZone!);
        return {
          notice: input.intent === "embargo" ? `Embargoed until ${when}; it goes public then.` : `The letter goes public at ${when}.`,
          errors: {},
        } satisfies Answer;
      }
      default: {
        const campaign = await switchCampaign(context.db, letterId, input.intent, actor, { expected: input.expected });
        return { notice: `The letter is ${campaign.state} now.`, errors: {} } satisfies Answer;
      }
    }
  } catch (error) {
    if (!(error instanceof CampaignError)) throw error;
    const field = error.code === "past_time" || error.code === "needs_time" ? "publicAt" : "form";
    return data({ notice: null, errors: { [field]: [error.message] } } satisfies Answer, { status: error.code === "conflict" ? 409 : 400 });
  }
}

export default function CampaignAdmin() {
  const page = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as Answer | undefined;
  // Schema messages for hand-made fields are keys of errors.json (English on admin pages).
  const { t } = useTranslation("errors");
  const errors = answer?.errors ?? {};
  const timed = page.events.filter((e) => e === "embargo" || e === "schedule");
  // The time fields are on the page only while a launch can be timed; otherwise their messages go above.
  const formErrors = [...(errors.form ?? []), ...(timed.length === 0 ? [...(errors.publicAt ?? []), ...(errors.zone ?? [])] : [])];
  return (
    <section className="page admin">
      <AdminNav email={page.user.email} role={page.user.role} />
      <h1>Campaign</h1>
      {answer?.notice ? (
        <div className="notice" role="status">
          <p>{answer.notice}</p>
          {answer.link ? (
            <p>
              <label htmlFor="new-link">The link</label> <input id="new-link" readOnly value={answer.link} size={80} />
            </p>
          ) : null}
        </div>
      ) : null}
      {formErrors.length ? (
        <div className="form-errors" role="alert">
          {formErrors.map((e) => (
            <p key={e}>{t(e)}</p>
          ))}
        </div>
      ) : null}

      <h2>State</h2>
      <p>
        <strong>{page.state}</strong> since <time dateTime={page.since}>{page.since.slice(0, 16).replace("T", " ")} UTC</time>. {STATE_TEXT[page.state]}
      </p>
      {page.publicAt ? <p>Scheduled to go public at {page.publicAt.text}.</p> : null}
      {page.events
        .filter((e) => BUTTONS[e])
        .map((event) => (
          <Form method="post" key={event} className="inline-form">
            <input type="hidden" name="expected" value={page.state} />
            <button type="submit" name="intent" value={event} className="button">
              {BUTTONS[event]}
            </button>
          </Form>
        ))}
      {timed.length > 0 ? (
        <Form method="post" className="form">
          <input type="hidden" name="expected" value={page.state} />
          <PlainField id="publicAt" type="datetime-local" label="Goes public at" defaultValue={page.publicAt?.local} error={errors.publicAt?.[0]} />
          <PlainSelect
            id="zone"
            label="Time zone (the embargo is announced in it)"
            value={page.publicAt?.zone ?? "UTC"}
            error={errors.zone?.[0]}
            options={page.zones.map((z) => [z, z] as const)}
          />
          {timed.includes("embargo") ? (
            <button type="submit" name="intent" value="embargo" className="button">
              Embargo until then (preview links start working)
            </button>
          ) : null}{" "}
          {timed.includes("schedule") ? (
            <button type="submit" name="intent" value="schedule" className="button">
              {page.publicAt ? "Move the launch to this time" : "Schedule the launch for this time"}
            </button>
          ) : null}
        </Form>
      ) : null}

      <h2>Invitation and preview links</h2>
      <p className="hint">
        An invitation link lets its holder read and sign the letter before it is public. A preview link lets the press see the list while it is embargoed. Each
        works until it expires or is revoked; only its hash is stored, so it is shown once, when made.
      </p>
      <Form method="post" className="form">
        <PlainSelect
          id="purpose"
          label="Kind"
          value="invitation"
          error={errors.purpose?.[0]}
          options={[
            ["invitation", "Invitation (to sign)"],
            ["preview", "Press preview (to see the list under embargo)"],
          ]}
        />
        <PlainField id="note" label="Who it is for (only admins see this)" maxLength={120} error={errors.note?.[0]} />
        <PlainField id="days" type="number" label="Works for (days)" defaultValue="14" min={1} max={90} error={errors.days?.[0]} />
        <button type="submit" name="intent" value="issue" className="button">
          Make a link
        </button>
      </Form>
      {page.links.length > 0 ? (
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">For</th>
              <th scope="col">Made</th>
              <th scope="col">Expires</th>
              <th scope="col">Opened</th>
              <th scope="col">Signatures</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {page.links.map((l) => (
              <tr key={l.id}>
                <td>{l.purpose}</td>
                <td>{l.note}</td>
                <td>{l.createdAt.slice(0, 10)}</td>
                <td>{l.expiresAt.slice(0, 10)}</td>
                <td>{l.uses}</td>
                <td>{l.signatures}</td>
                <td>
                  {l.revokedAt ? (
                    `revoked ${l.revokedAt.slice(0, 10)}`
                  ) : (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="id" value={l.id} />
                      <button type="submit" name="intent" value="revoke" className="link-button">
                        Revoke
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      <h2>History</h2>
      <ol className="audit-trail">
        {page.trail.map((t) => (
          <li key={t.id}>
            <time dateTime={t.at}>{t.at.slice(0, 16).replace("T", " ")}</time> {t.actor}: {t.action}
            {t.before || t.after ? ` (${t.before ?? "–"} → ${t.after ?? "–"})` : ""}
            {t.reason ? `, ${t.reason}` : ""}
          </li>
        ))}
      </ol>
    </section>
  );
}
