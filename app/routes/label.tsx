import { formatNumber } from "~/utils/format";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PlainField, PlainSelect } from "~/components/fields";
import { checkDns } from "~/domain/labels/dns.server";
import { labelDashboard, signAsLabel } from "~/domain/labels/labels.server";
import type { RosterParse } from "~/domain/labels/roster-csv";
import { ROSTER_LIMITS, checkedRows, previewRoster, removeLabelEntry, rosterInput, saveRoster } from "~/domain/labels/roster.server";
import { labelActionSchema, type LabelAction } from "~/domain/labels/schema";
import { SigningClosedError, signingRefusal } from "~/domain/campaign/campaign.server";
import { COUNTRIES } from "~/domain/signatures/countries";
import { ROLES, ROLE_LABELS } from "~/domain/signatures/states";
import { MAX_ROSTER_BODY_BYTES, readFormWithFiles } from "~/utils/request.server";
import { requireRep } from "~/utils/session.server";
import { englishError } from "~/utils/english";

export const meta: MetaFunction = () => [{ title: "Your label · Countersign" }, { name: "robots", content: "noindex" }];

const noStore = { "Cache-Control": "no-store" };
const ROLE_OPTIONS = ROLES.map((r) => [r, ROLE_LABELS[r]] as const);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const rep = await requireRep(request, context);
  const dashboard = await labelDashboard(context.db, rep.labelId, context.letter.letterId);
  return data({ rep: { name: rep.name, email: rep.email }, ...dashboard, limits: ROSTER_LIMITS }, { headers: noStore });
}

type Answer =
  | { intent: "sign" | "add" | "remove" | "check_dns"; ok: boolean; message: string; fieldErrors?: Record<string, string> }
  | { intent: "preview" | "save"; ok: boolean; message: string; preview?: RosterParse; csv?: string; fieldErrors?: Record<string, string> };

function fieldErrorsOf(error: Record<string, string[] | null> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  // The dashboard is English (app/i18n.ts, englishOnly): the schemas' keys in English words.
  for (const [key, messages] of Object.entries(error ?? {})) if (messages?.[0]) out[key || "form"] = englishError(messages[0]);
  return out;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const rep = await requireRep(request, context);
  const form = await readFormWithFiles(request, MAX_ROSTER_BODY_BYTES);
  // conform reads a File as a field; the schema has no file field, so it is ignored there.
  const submission = parseWithZod(form, { schema: labelActionSchema });
  const intent = String(form.get("intent") ?? "");
  if (submission.status !== "success") {
    const fieldErrors = fieldErrorsOf(submission.error);
    const known = ["sign", "add", "remove", "check_dns", "preview", "save"].includes(intent);
    return data(
      {
        intent: known ? intent : "add",
        ok: false,
        message: known ? "Check the fields marked below." : "Choose what to do from the page.",
        fieldErrors,
      } as Answer,
      { status: 400, headers: noStore },
    );
  }
  const input = submission.value;
  try {
    // Signing and listing are signing (decision 017): closed, or before launch without a working invitation, they are refused.
    const access = await context.access();
    if ((input.intent === "sign" || input.intent === "add" || input.intent === "save") && !access.sign) {
      throw signingRefusal(access);
    }
    return await labelAction(context, form, input, rep, access.invitationId);
  } catch (error) {
    // The letter closed (decision 017): nothing new is listed or signed.
    if (error instanceof SigningClosedError)
      return data({ intent: input.intent, ok: false, message: error.message } as Answer, { status: 403, headers: noStore });
    throw error;
  }
}

async function labelAction(
  context: ActionFunctionArgs["context"],
  form: Awaited<ReturnType<typeof readFormWithFiles>>,
  input: LabelAction,
  rep: Awaited<ReturnType<typeof requireRep>>,
  invitationId: string | null,
) {
  const letter = context.letter;
  switch (input.intent) {
    case "sign": {
      const outcome = await signAsLabel(context.db, rep, letter, { country: input.labelCountry, statement: input.statement }, invitationId);
      if (outcome.status === "already")
        return data({ intent: "sign", ok: false, message: "Your label has signed already." } as Answer, { status: 409, headers: noStore });
      return data({ intent: "sign", ok: true, message: "Signed for the label. A moderator checks it before it is shown." } as Answer, { headers: noStore });
    }
    case "add": {
      const saved = await saveRoster(
        context.db,
        rep,
        letter,
        [{ displayName: input.displayName, role: input.role, country: input.country, link: input.link ?? null, artistEmail: input.artistEmail ?? null }],
        invitationId,
      );
      if (saved.status === "refused") {
        const message = saved.problems[0]!.message;
        const field = /address/.test(message) ? "artistEmail" : "displayName";
        return data({ intent: "add", ok: false, message, fieldErrors: { [field]: message } } as Answer, { status: 400, headers: noStore });
      }
      return data({ intent: "add", ok: true, message: `${input.displayName} is listed, waiting for a moderator.` } as Answer, { headers: noStore });
    }
    case "preview":
    case "save": {
      const raw = await rosterInput(form, input.csv);
      if (raw === undefined || (typeof raw === "string" && raw.trim() === "")) {
        const message = "Paste the roster or choose a CSV file";
        return data({ intent: input.intent, ok: false, message, fieldErrors: { csv: message } } as Answer, { status: 400, headers: noStore });
      }
      const preview = await previewRoster(context.db, rep, letter.letterId, raw);
      if (!preview.ok) {
        return data({ intent: input.intent, ok: false, message: preview.message, fieldErrors: { csv: preview.message } } as Answer, {
          status: 400,
          headers: noStore,
        });
      }
      // The text goes back into the page, so "save" sends exactly what was checked.
      const csv = typeof raw === "string" ? raw : new TextDecoder().decode(raw);
      const rows = checkedRows(preview);
      if (input.intent === "preview" || !rows) {
        const message = rows
          ? `${preview.valid} ${preview.valid === 1 ? "row is" : "rows are"} ready. Nothing is saved until you press save.`
          : `${preview.invalid} of ${preview.rows.length} rows need a change. Nothing was saved.`;
        return data({ intent: input.intent, ok: Boolean(rows), message, preview, csv } as Answer, { status: rows ? 200 : 400, headers: noStore });
      }
      const saved = await saveRoster(context.db, rep, letter, rows, invitationId);
      if (saved.status === "refused") {
        const message = `Row ${saved.problems[0]!.index + 1}: ${saved.problems[0]!.message}. Nothing was saved.`;
        return data({ intent: "save", ok: false, message, preview, csv, fieldErrors: { csv: message } } as Answer, { status: 409, headers: noStore });
      }
      return data({ intent: "save", ok: true, message: `${saved.count} artists listed, waiting for a moderator.` } as Answer, { headers: noStore });
    }
    case "remove": {
      const outcome = await removeLabelEntry(context.db, rep, input.id);
      if (outcome === "not_found")
        return data({ intent: "remove", ok: false, message: "There is no such entry on your label." } as Answer, { status: 404, headers: noStore });
      if (outcome === "refused")
        return data({ intent: "remove", ok: false, message: "That entry was removed already." } as Answer, { status: 409, headers: noStore });
      return data({ intent: "remove", ok: true, message: "Removed: it is off every public list." } as Answer, { headers: noStore });
    }
    case "check_dns": {
      const outcome = await checkDns(context.db, rep.labelId, `user:${rep.userId}`, context.resolveTxt);
      const message = {
        verified: "The DNS record is there: your label is shown as “DNS confirmed”.",
        already: "Your label’s DNS record was confirmed already.",
        not_found: "The record was not found yet. DNS changes can take an hour to appear; try again later.",
        lookup_failed: "The DNS lookup failed. Try again in a few minutes.",
      }[outcome.status];
      return data({ intent: "check_dns", ok: outcome.status === "verified" || outcome.status === "already", message } as Answer, { headers: noStore });
    }
  }
}

function Notice({ answer, intent }: { answer: Answer | undefined; intent: Answer["intent"][] }) {
  if (!answer || !intent.includes(answer.intent)) return null;
  return (
    <p className={answer.ok ? "notice" : "form-errors"} role={answer.ok ? "status" : "alert"}>
      {answer.message}
    </p>
  );
}

export default function LabelDashboard() {
  const { rep, label, reps, signature, roster, limits } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as Answer | undefined;
  const navigation = useNavigation();
  const checking = navigation.state === "submitting" && ["preview", "save"].includes(String(navigation.formData?.get("intent")));
  const errors = (intent: Answer["intent"]) => (answer?.intent === intent ? (answer.fieldErrors ?? {}) : {});
  const preview = answer && "preview" in answer && answer.preview?.ok ? answer.preview : undefined;
  return (
    <section className="page">
      <p className="hint">Signed in as {rep.name ?? rep.email}</p>
      <Form method="post" action="/admin/logout" className="inline-form">
        <button type="submit" className="link-button">
          Sign out
        </button>
      </Form>
      <h1>{label.name}</h1>
      <dl className="facts">
        <dt>Domain</dt>
        <dd>{label.domain}</dd>
        <dt>Label domain confirmed</dt>
        <dd>{label.domainConfirmed ? "Yes: a representative confirmed an address at this domain" : "No"}</dd>
        <dt>DNS confirmed</dt>
        <dd>{label.dnsConfirmed ? "Yes" : "Not yet (optional)"}</dd>
        <dt>Representatives</dt>
        <dd>{reps.map((r) => r.name ?? r.email).join(", ")}</dd>
      </dl>

      {label.dnsConfirmed ? null : (
        <section aria-labelledby="dns-heading">
          <h2 id="dns-heading">Stronger proof: a DNS record (optional)</h2>
          <p>
            Add this TXT record to <strong>{label.domain}</strong> at your DNS provider, then check it here. The list then also shows your label as “DNS
            confirmed”.
          </p>
          {label.dnsRecord ? <pre className="code">{label.dnsRecord}</pre> : <p>Press check once to get your record.</p>}
          <Notice answer={answer} intent={["check_dns"]} />
          <Form method="post">
            <input type="hidden" name="intent" value="check_dns" />
            <button type="submit" className="button secondary">
              Check the DNS record
            </button>
          </Form>
        </section>
      )}

      <section aria-labelledby="sign-heading">
        <h2 id="sign-heading">Sign for the label</h2>
        <Notice answer={answer} intent={["sign"]} />
        {signature ? (
          <p>
            Your label has signed: {signature.stateText.toLowerCase()}.{" "}
            {signature.state !== "withdrawn" ? (
              <Form method="post" className="inline">
                <input type="hidden" name="intent" value="remove" />
                <input type="hidden" name="id" value={signature.id} />
                <button type="submit" className="button secondary">
                  Withdraw the label’s signature
                </button>
              </Form>
            ) : null}
          </p>
        ) : (
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="sign" />
            <PlainSelect
              id="labelCountry"
              label="Country the label is based in"
              value={undefined}
              error={errors("sign").labelCountry}
              options={COUNTRIES}
              all="Choose a country"
            />
            <div className="field">
              <label htmlFor="statement">Statement (optional)</label>
              <p className="field-hint" id="statement-hint">
                At most 280 characters. Moderators read it; it is not published.
              </p>
              <textarea id="statement" name="statement" rows={3} aria-describedby="statement-hint statement-error" />
              <div className="field-errors" id="statement-error" aria-live="polite">
                {errors("sign").statement ? <p>{errors("sign").statement}</p> : null}
              </div>
            </div>
            <div className="field field-checkbox">
              <input type="checkbox" id="attest" name="attest" aria-describedby="attest-error" />
              <label htmlFor="attest">I may sign this letter on behalf of {label.name}</label>
              <div className="field-errors" id="attest-error" aria-live="polite">
                {errors("sign").attest ? <p>{errors("sign").attest}</p> : null}
              </div>
            </div>
            <button type="submit" className="button">
              Sign for {label.name}
            </button>
          </Form>
        )}
      </section>

      <section aria-labelledby="add-heading">
        <h2 id="add-heading">List an artist on your roster</h2>
        <p>
          Only artists who asked to be included. Each is shown as “Name — via {label.name}” once a moderator approves it. If you give the artist’s address, we
          tell them and they can confirm (“confirmed by the artist”) or withdraw; without one, the entry says that the artist has not confirmed it.
        </p>
        <Notice answer={answer} intent={["add", "remove"]} />
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="add" />
          <PlainField id="displayName" label="Artist name" error={errors("add").displayName} autoComplete="off" />
          <PlainSelect id="role" label="Role" value={undefined} error={errors("add").role} options={ROLE_OPTIONS} all="Choose a role" />
          <PlainSelect id="country" label="Country" value={undefined} error={errors("add").country} options={COUNTRIES} all="Choose a country" />
          <PlainField id="link" label="Link (optional)" type="url" error={errors("add").link} />
          <PlainField id="artistEmail" label="Artist’s email (optional)" type="email" error={errors("add").artistEmail} autoComplete="off" />
          <button type="submit" className="button">
            List this artist
          </button>
        </Form>
      </section>

      <section aria-labelledby="csv-heading">
        <h2 id="csv-heading">List many artists from a CSV</h2>
        <p>
          A header line <code>name,role,country,link,email</code> (link and email optional), then one artist per line; commas or semicolons, UTF-8. Up to{" "}
          {formatNumber(limits.maxRows)} rows and 1 MB. You see every row checked before anything is saved, and saving is all or nothing.
        </p>
        <Notice answer={answer} intent={["preview", "save"]} />
        <Form method="post" encType="multipart/form-data" className="form">
          <div className="field">
            <label htmlFor="csv">Paste the roster</label>
            <textarea id="csv" name="csv" rows={6} defaultValue={answer && "csv" in answer ? answer.csv : undefined} aria-describedby="csv-error" />
            <div className="field-errors" id="csv-error" aria-live="polite">
              {errors(answer?.intent === "save" ? "save" : "preview").csv ? <p>{errors(answer?.intent === "save" ? "save" : "preview").csv}</p> : null}
            </div>
          </div>
          <div className="field">
            <label htmlFor="file">Or choose a CSV file</label>
            <input type="file" id="file" name="file" accept=".csv,text/csv,text/plain" />
          </div>
          {checking ? (
            <p role="status">
              <progress aria-label="Checking the roster" /> Checking the roster…
            </p>
          ) : null}
          <button type="submit" name="intent" value="preview" className="button secondary">
            Check the roster
          </button>
          {preview && preview.invalid === 0 ? (
            <button type="submit" name="intent" value="save" className="button">
              {`Save ${preview.valid} ${preview.valid === 1 ? "artist" : "artists"}`}
            </button>
          ) : null}
        </Form>
        {preview ? (
          <table className="table">
            <caption>
              Checked: {preview.valid} ready, {preview.invalid} to fix
            </caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Country</th>
                <th scope="col">Email</th>
                <th scope="col">Check</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => (
                <tr key={row.line}>
                  <td>{row.line}</td>
                  <td>{row.values.name}</td>
                  <td>{row.values.role}</td>
                  <td>{row.values.country}</td>
                  <td>{row.values.email ? "given" : "—"}</td>
                  <td>{Object.keys(row.errors).length === 0 ? "OK" : Object.values(row.errors).join("; ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      <section aria-labelledby="roster-heading">
        <h2 id="roster-heading">Your roster on the letter ({roster.length})</h2>
        {roster.length === 0 ? (
          <p>No artists listed yet.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Listed</th>
                <th scope="col">State</th>
                <th scope="col">Artist</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {roster.map((entry) => (
                <tr key={entry.id}>
                  <td>{entry.name}</td>
                  <td>{entry.listedOn}</td>
                  <td>{entry.stateText}</td>
                  <td>{entry.artist}</td>
                  <td>
                    {entry.removable ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="remove" />
                        <input type="hidden" name="id" value={entry.id} />
                        <button type="submit" className="button secondary" aria-label={`Remove ${entry.name}`}>
                          Remove
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
