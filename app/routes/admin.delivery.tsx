import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { AdminNav } from "~/components/AdminNav";
import { FormOutcome } from "~/components/FormOutcome";
import { PlainField } from "~/components/fields";
import { ADMIN_ROLES } from "~/domain/auth/roles";
import { DeliveryRuleError, listDeliveries, recordDelivery } from "~/domain/delivery/deliveries.server";
import { PackBusyError, listPacks, requestPack } from "~/domain/delivery/packs.server";
import { deliveryFormSchema } from "~/domain/delivery/schema";
import { PACK_STATES } from "~/domain/delivery/states";
import { formatNumber } from "~/utils/format";
import { readForm } from "~/utils/request.server";
import { requireRole } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Delivery · Countersign" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, ADMIN_ROLES);
  const [packs, deliveries] = await Promise.all([listPacks(context.db, context.letter.letterId), listDeliveries(context.db, context.letter.letterId)]);
  return { user: { email: user.email, role: user.role }, packs, deliveries, today: new Date().toISOString().slice(0, 10) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, ADMIN_ROLES);
  const submission = parseWithZod(await readForm(request), { schema: deliveryFormSchema });
  if (submission.status !== "success") return data({ form: submission.reply(), notice: null }, { status: 400 });
  const input = submission.value;
  try {
    if (input.intent === "generate") {
      await requestPack(context.db, context.letter.letterId, user.id);
      return { form: submission.reply({ resetForm: true }), notice: "The pack is being made: this page shows its progress." };
    }
    await recordDelivery(context.db, context.letter.letterId, user.id, input);
    return { form: submission.reply({ resetForm: true }), notice: `Recorded: delivered ${input.deliveredOn} to ${input.recipient}. /press shows it.` };
  } catch (error) {
    if (error instanceof PackBusyError) return data({ form: submission.reply({ formErrors: [error.message] }), notice: null }, { status: 409 });
    if (error instanceof DeliveryRuleError)
      return data({ form: submission.reply({ fieldErrors: { [error.field]: [error.message] } }), notice: null }, { status: 400 });
    throw error;
  }
}

const STATE_WORDS = { queued: "waiting to start", building: "being made", ready: "ready", failed: "failed" } as const;

export default function Delivery() {
  const { user, packs, deliveries, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.form.error ?? {};
  const inFlight = packs.some((p) => p.state === PACK_STATES.queued || p.state === PACK_STATES.building);
  const ready = packs.filter((p) => p.state === PACK_STATES.ready);
  // A message for a field the page does not show now (the record form needs a ready pack; a hand-made intent) goes above.
  const shown = new Set(ready.length > 0 ? ["packId", "deliveredOn", "recipient", "method"] : []);
  const unshown = Object.entries(errors).flatMap(([field, messages]) => (shown.has(field) ? [] : (messages ?? [])));
  const revalidator = useRevalidator();
  // While a pack is being made, its progress is read again every two seconds (without script,
  // the page refreshes itself: the noscript meta below).
  useEffect(() => {
    if (!inFlight) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [inFlight, revalidator]);

  return (
    <section className="page admin">
      <AdminNav email={user.email} role={user.role} />
      {inFlight ? (
        <noscript>
          <meta httpEquiv="refresh" content="3" />
        </noscript>
      ) : null}
      <h1>Delivery pack</h1>
      <p className="hint">
        A PDF for delivery to the letter&apos;s recipient: the letter in force and its SHA-256, the counts, every listed name with its marks, the number who
        signed without being named, and the snapshot it lists (sealed now, or the newest one if the list has not changed since), so anyone can check it against
        the chain on /press. It is made in the background; a pack of 100,000 names takes under a minute.
      </p>
      <FormOutcome notice={result?.notice} formErrors={unshown} />
      <Form method="post" className="form">
        <button type="submit" name="intent" value="generate" className="button" disabled={inFlight}>
          {inFlight ? "A pack is being made…" : "Generate a delivery pack"}
        </button>
      </Form>

      <h2>Packs</h2>
      {packs.length === 0 ? <p>None yet.</p> : null}
      <ul className="packs">
        {packs.map((p) => (
          <li key={p.id}>
            <strong>Pack {p.id}</strong>: {STATE_WORDS[p.state]}
            {p.state === PACK_STATES.building ? (
              <>
                {" "}
                <progress max={p.rowsTotal ?? undefined} value={p.rowsTotal ? p.rowsDone : undefined} aria-label={`Pack ${p.id} progress`} />{" "}
                <span role="status">
                  {p.rowsTotal === null ? "choosing the snapshot…" : `${formatNumber(p.rowsDone)} of ${formatNumber(p.rowsTotal)} names`}
                </span>
              </>
            ) : null}
            {p.state === PACK_STATES.ready ? (
              <>
                {" "}
                — made {p.madeAt?.replace("T", " ").replace("Z", " UTC")}, {formatNumber(p.rowsDone)} names, snapshot {p.snapshotIdentifier},{" "}
                {formatNumber(Math.round((p.byteSize ?? 0) / 1024))} KB: <a href={`/admin/delivery/${p.id}.pdf`}>download the PDF</a>
                <br />
                SHA-256 <code className="hash">{p.sha256}</code>
                {p.leftSince > 0 ? (
                  <p className="notice">
                    {formatNumber(p.leftSince)} of its names have left the list since it was made: generate a new pack before delivering.
                  </p>
                ) : null}
              </>
            ) : null}
            {p.state === PACK_STATES.failed ? <> — {p.error}</> : null}
          </li>
        ))}
      </ul>

      <h2>Record a delivery</h2>
      {ready.length === 0 ? (
        <p>Generate a pack first: a delivery records which pack was delivered.</p>
      ) : (
        <Form method="post" className="form">
          <div className="field">
            <label htmlFor="packId">Pack delivered</label>
            <select id="packId" name="packId" defaultValue={ready[0]!.id} aria-describedby="packId-error">
              {ready.map((p) => (
                <option key={p.id} value={p.id}>
                  Pack {p.id} ({p.madeAt?.slice(0, 10)}, {formatNumber(p.rowsDone)} names)
                </option>
              ))}
            </select>
            <div className="field-errors" id="packId-error" aria-live="polite">
              {errors.packId?.map((e) => (
                <p key={e}>{e}</p>
              ))}
            </div>
          </div>
          <PlainField id="deliveredOn" type="date" label="Delivered on" defaultValue={today} error={errors.deliveredOn?.[0]} />
          <PlainField id="recipient" label="To whom (shown on /press)" placeholder="Spotify's co-CEOs" error={errors.recipient?.[0]} />
          <PlainField id="method" label="How (shown on /press)" placeholder="Printed copy handed in at the Stockholm office" error={errors.method?.[0]} />
          <button type="submit" name="intent" value="record" className="button">
            Record the delivery
          </button>
        </Form>
      )}

      <h2>Deliveries</h2>
      {deliveries.length === 0 ? <p>None recorded.</p> : null}
      <ul>
        {deliveries.map((d) => (
          <li key={`${d.deliveredOn}-${d.pdfSha256}-${d.recipient}`}>
            {d.deliveredOn}: to {d.recipient}, {d.method} (snapshot {d.snapshotIdentifier})
          </li>
        ))}
      </ul>
    </section>
  );
}
