import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BadgeGlossary, CountChart, Totals, formatDay } from "~/components/public";
import { PUBLIC_CACHE } from "~/utils/cache";
import { loadPressPage } from "~/domain/public-list/page.server";
import { listDeliveries } from "~/domain/delivery/deliveries.server";
import { countryName } from "~/domain/signatures/countries";
import { formatNumber } from "~/utils/format";
import { requireList } from "~/utils/campaign.server";
import { PRIVATE_META, seenBeforeLaunch } from "~/utils/social-meta";

export async function loader({ context }: LoaderFunctionArgs) {
  await requireList(context, "page");
  const [page, deliveries] = await Promise.all([loadPressPage(context.db, context.letter), listDeliveries(context.db, context.letter.letterId)]);
  return { ...page, deliveries, contact: context.env.PRESS_CONTACT, url: context.env.APP_URL };
}

export const headers: HeadersFunction = () => ({ "Cache-Control": PUBLIC_CACHE });

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  seenBeforeLaunch(matches)
    ? [{ title: "For the press · Countersign" }, ...PRIVATE_META]
    : [
        { title: "For the press · Countersign" },
        { name: "description", content: "How every name on the letter is checked, the figures, downloads and hash-chained snapshots anyone can verify." },
        { tagName: "link", rel: "canonical", href: `${data?.url ?? ""}/press` },
      ];

export default function PressRoute() {
  const { totals, versions, snapshots, deliveries, contact, url } = useLoaderData<typeof loader>();
  return (
    <article className="press">
      <h1>For the press</h1>
      <p className="lede">How the names on this letter are checked, how many there are, and how to take the data away and prove later what the list said.</p>

      <h2>The numbers</h2>
      <Totals totals={totals} headingLevel={3} />
      <CountChart perDay={totals.perDay} />
      {totals.byCountry.length > 0 ? (
        <details>
          <summary>By country</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Country</th>
                <th scope="col">Signatures</th>
              </tr>
            </thead>
            <tbody>
              {totals.byCountry.map((c) => (
                <tr key={c.country}>
                  <td>{countryName(c.country)}</td>
                  <td>{formatNumber(c.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}

      <h2 id="badges">What the marks beside each name mean</h2>
      <BadgeGlossary />

      <h2>How moderation works</h2>
      <ol>
        <li>An artist signs with their email address; nothing is shown yet.</li>
        <li>They confirm by opening the link we email them. Unconfirmed names are never shown or counted.</li>
        <li>
          A moderator reviews every confirmed name before it appears. Well-known names need an identity check outside the site (a reply from a known account or
          representative) before they can be approved.
        </li>
        <li>
          A label joins through a representative who confirms a work address at the label's own web domain (free and disposable mailboxes are refused); it may
          also publish a DNS record. The label's signature and every artist it lists go through the same moderation. A listed artist whose address the label
          gave is emailed and can confirm the entry or withdraw it (the label is told); an entry the artist has not confirmed says so. An artist who also signed
          themselves is shown once, as their own signature, with the label noted.
        </li>
        <li>
          A signer may ask to be counted without their name being shown. Such signatures are confirmed and moderated in the same way and are in every count (by
          kind and by country), but their names are in no page, feed, export or snapshot; the totals say how many there are.
        </li>
        <li>Anyone can withdraw; their name leaves the list at once and their private details are deleted.</li>
        <li>Every decision is recorded in an audit log that cannot be edited.</li>
      </ol>
      <p>We never publish email addresses or IP addresses, and we do not sell or share them.</p>

      <h2>Downloads and API</h2>
      <ul>
        <li>
          <a href="/signatures.csv">The whole approved list as CSV</a> (UTF-8; opens safely in spreadsheets)
        </li>
        <li>
          <a href="/api/v1/signatures">JSON list</a> with filters and cursors, and <a href="/api/v1/stats">the figures as JSON</a>; open to any site (CORS)
        </li>
        <li>
          <a href="/signatures.atom">Atom feed</a> of newly approved names
        </li>
        <li>
          Count badge: <code>{`<img src="${url}/badge.svg" alt="Signatures so far">`}</code>; widget:{" "}
          <code>{`<iframe src="${url}/embed" width="320" height="160" title="Signatures so far"></iframe>`}</code>
        </li>
      </ul>

      <h2 id="snapshots">Snapshots</h2>
      <p>
        Once a day, and whenever we take one on demand, we save the approved list as a numbered snapshot and publish a fingerprint of it, each linked to the one
        before, so anyone can later prove what the list said and that no snapshot was altered or left out.
      </p>
      <p>
        A name that is withdrawn, or taken off the list for any other reason, also leaves every past snapshot at once: its row keeps only its fingerprint, and
        the random value that went into that fingerprint is deleted, so the name can neither be read nor confirmed by guessing. The fingerprints of the whole
        snapshot, and the links between snapshots, stay exactly as they were published.
      </p>
      <details>
        <summary>How to check a snapshot yourself</summary>
        <ol>
          <li>
            Each file is a CSV (UTF-8, CRLF) with the columns <code>digest,salt</code> and then the same columns as the list download. The salt is 32 random hex
            characters, different for every row.
          </li>
          <li>
            A row&apos;s digest is the SHA-256 of its salt followed directly by the rest of the line after the second comma (the public columns exactly as
            written). A removed row keeps its digest; its salt and columns are empty.
          </li>
          <li>
            Rows are listed in the order of their digests, which are random, so the place of a redacted row says nothing about its name. The snapshot&apos;s
            root is the SHA-256 of all the digests, in file order, written one after another with nothing between them.
          </li>
          <li>
            Its chain hash is the SHA-256 of four lines joined by a newline: the previous snapshot&apos;s chain hash (64 zeros for the first), the
            snapshot&apos;s identifier, its root and its number of rows. Change, drop or reorder a row, or drop a whole snapshot, and the hashes from there on
            no longer match.
          </li>
          <li>
            Or let our checker do it, with nothing but Node.js 20: <code>node scripts/verify-snapshots.mjs {url}</code> (from the source code; or{" "}
            <code>npm run verify:snapshots -- {url}</code>). It also checks a folder holding <code>snapshots.json</code> and the CSV files you saved, and prints
            for each snapshot OK or FAIL and how many rows were removed.
          </li>
        </ol>
        <p>Keep the latest chain hash you have seen: a later list must contain it, or snapshots were rewritten.</p>
      </details>
      {snapshots.length === 0 ? (
        <p>The first snapshot is taken when the list opens.</p>
      ) : (
        <div className="table-scroll">
          <table className="snapshots">
            <thead>
              <tr>
                <th scope="col">Snapshot</th>
                <th scope="col">Taken (UTC)</th>
                <th scope="col">Names</th>
                <th scope="col">Root</th>
                <th scope="col">Chain hash</th>
              </tr>
            </thead>
            <tbody>
              {snapshots.map((s) => (
                <tr key={s.identifier}>
                  <td>
                    <a href={`/press/snapshots/${s.identifier}.csv`}>{s.identifier}</a>
                    {s.kind === "on_demand" ? " (on demand)" : ""}
                  </td>
                  <td>{s.takenAt.replace("T", " ").replace("Z", "")}</td>
                  <td>
                    {formatNumber(s.rowCount)}
                    {s.redactedRows > 0 ? ` (${formatNumber(s.redactedRows)} removed since)` : ""}
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
        <a href="/press/snapshots.json">All snapshots as JSON</a>
      </p>

      <h2>The letter&apos;s versions</h2>
      <p>Each signature counts under the exact text its signer saw. Texts are identified by their SHA-256.</p>
      <div className="table-scroll">
        <table className="versions">
          <thead>
            <tr>
              <th scope="col">In force</th>
              <th scope="col">SHA-256 of the text</th>
              <th scope="col">Signatures approved</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.sha256}>
                <td>
                  {formatDay(v.from)} – {v.until ? formatDay(v.until) : "now"}
                </td>
                <td>
                  <code className="hash">{v.sha256}</code>
                </td>
                <td>{formatNumber(v.signatures)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="deliveries">Deliveries</h2>
      {deliveries.length === 0 ? (
        <p>The letter has not been delivered yet.</p>
      ) : (
        <>
          <p>
            Each delivery handed over a PDF of the letter and every listed name, made from one snapshot above: its names are exactly that snapshot&apos;s rows
            still on the list when it was made, and its SHA-256 identifies the file delivered.
          </p>
          <div className="table-scroll">
            <table className="deliveries">
              <thead>
                <tr>
                  <th scope="col">Delivered</th>
                  <th scope="col">To</th>
                  <th scope="col">How</th>
                  <th scope="col">Names</th>
                  <th scope="col">SHA-256 of the PDF</th>
                  <th scope="col">Snapshot and its chain hash</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={`${d.deliveredOn}-${d.pdfSha256}-${d.recipient}-${d.method}`}>
                    <td>{d.deliveredOn}</td>
                    <td>{d.recipient}</td>
                    <td>{d.method}</td>
                    <td>{formatNumber(d.names)}</td>
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

      <h2>Contact</h2>
      <p>
        Journalists: <a href={`mailto:${contact}`}>{contact}</a>. Read <Link to="/">the letter</Link> or <Link to="/signatures">who signed</Link>.
      </p>
    </article>
  );
}
