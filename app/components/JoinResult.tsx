import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { JoinLookup, JoinView } from "~/domain/labels/join.server";

/** What a join link or code shows: the request to confirm, or why it cannot be. Ids stay on the server. */
export type JoinPageData =
  | { status: "ready"; view: JoinView }
  | { status: "taken"; view: JoinView }
  | { status: "removed"; view: JoinView }
  | { status: "joined"; view: JoinView }
  | { status: "expired" }
  | { status: "invalid" };

/** The lookup as the page may show it (the join and user ids dropped). */
export function joinPage(result: JoinLookup | { status: "wrong_code" | "too_many_tries" }): JoinPageData {
  if (result.status === "ready" || result.status === "joined" || result.status === "taken" || result.status === "removed")
    return { status: result.status, view: result.view };
  if (result.status === "expired") return result;
  return { status: "invalid" };
}

export function JoinResult({ data, confirmFields }: { data: JoinPageData; confirmFields?: ReactNode }) {
  switch (data.status) {
    case "ready":
      return (
        <>
          <h1>Confirm that you represent {data.view.existingLabel ?? data.view.labelName}</h1>
          <dl className="facts">
            <dt>Label</dt>
            <dd>{data.view.existingLabel ?? data.view.labelName}</dd>
            <dt>Domain</dt>
            <dd>{data.view.domain}</dd>
            <dt>Your name</dt>
            <dd>{data.view.repName}</dd>
          </dl>
          {data.view.existingLabel ? (
            <p>This label has joined already: you join it as another of its representatives, under the name it has.</p>
          ) : (
            <p>Confirming creates the label, shown as “label domain confirmed”, with you as its representative.</p>
          )}
          <Form method="post" className="form">
            {confirmFields}
            <input type="hidden" name="intent" value="confirm" />
            <button type="submit" className="button">
              Confirm
            </button>
          </Form>
        </>
      );
    case "joined":
      return (
        <>
          <h1>You represent {data.view.existingLabel ?? data.view.labelName}</h1>
          <p>
            This address is confirmed. <Link to="/admin/login">Sign in</Link> with it to sign for the label and list your roster.
          </p>
        </>
      );
    case "taken":
      return (
        <>
          <h1>This address has a moderator’s account</h1>
          <p>A label’s representative needs an address of their own at the label’s domain. Join again with another address.</p>
        </>
      );
    case "removed":
      return (
        <>
          <h1>This address was removed from the label</h1>
          <p>A moderator removed this representative. Joining again does not restore it; write to the moderators if this is a mistake.</p>
        </>
      );
    case "expired":
      return (
        <>
          <h1>This link has expired</h1>
          <p>
            <Link to="/labels/join">Join again</Link> to get a new one.
          </p>
        </>
      );
    default:
      return (
        <>
          <h1>This link does not work</h1>
          <p>
            It may have been replaced by a newer email, or mistyped. <Link to="/labels/join">Join again</Link> to get a new one.
          </p>
        </>
      );
  }
}
