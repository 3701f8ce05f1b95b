import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { countryName } from "~/domain/signatures/countries";
import { ROLE_LABELS } from "~/domain/signatures/states";
import type { SignatureView as ConfirmViewData } from "~/domain/signatures/view";

export type ConfirmPageData =
  | { status: "ready"; view: ConfirmViewData }
  | { status: "confirmed"; view: ConfirmViewData }
  | { status: "expired" }
  | { status: "inactive" }
  | { status: "invalid" };

export function SignatureSummary({ view }: { view: ConfirmViewData }) {
  return (
    <dl className="facts">
      <dt>Letter</dt>
      <dd>{view.letterTitle}</dd>
      <dt>Name</dt>
      <dd>{view.displayName}</dd>
      <dt>Role</dt>
      <dd>{ROLE_LABELS[view.role]}</dd>
      <dt>Country</dt>
      <dd>{countryName(view.country)}</dd>
      {view.link ? (
        <>
          <dt>Link</dt>
          <dd>{view.link}</dd>
        </>
      ) : null}
      {view.comment ? (
        <>
          <dt>Comment</dt>
          <dd>{view.comment}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** Every state of a confirmation, for the link page and the code page alike. */
export function ConfirmResult({ data, confirmFields }: { data: ConfirmPageData; confirmFields?: ReactNode }) {
  switch (data.status) {
    case "ready":
      return (
        <>
          <h1>Confirm your signature</h1>
          <p>Check the details below. Your name is added only when you press the button.</p>
          <SignatureSummary view={data.view} />
          <Form method="post" className="form">
            {confirmFields}
            <input type="hidden" name="intent" value="confirm" />
            <button type="submit" className="button">
              Confirm my signature
            </button>
          </Form>
        </>
      );
    case "confirmed":
      return (
        <>
          <h1>Your signature is confirmed</h1>
          <SignatureSummary view={data.view} />
          <p>
            What happens next: a moderator checks your name, usually within a day, and then it appears on the public list. We have emailed you a private link to
            change your details or withdraw your name at any time.
          </p>
          <p>
            <Link to="/">Back to the letter</Link>
          </p>
        </>
      );
    case "expired":
      return (
        <>
          <h1>This link has expired</h1>
          <p>Confirmation links work for 7 days. Sign again with the same address and we will send you a new one.</p>
          <p>
            <Link to="/">Sign the letter</Link>
          </p>
        </>
      );
    case "inactive":
      return (
        <>
          <h1>This signature can no longer be confirmed</h1>
          <p>It was withdrawn or declined. You can sign again from the letter page.</p>
          <p>
            <Link to="/">Back to the letter</Link>
          </p>
        </>
      );
    case "invalid":
      return (
        <>
          <h1>This link is not valid</h1>
          <p>Check that you opened the whole link from the email, or enter the 8-character code instead.</p>
          <p>
            <Link to="/confirm">Enter a code</Link>
          </p>
        </>
      );
  }
}
