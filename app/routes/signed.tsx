import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "Check your inbox · Countersign" }, { name: "robots", content: "noindex" }];

/** Shown after every submission of the form, whatever happened behind it. */
export default function Signed() {
  return (
    <section className="page">
      <h1>Check your inbox</h1>
      <p>
        If the address you gave can sign, an email is on its way to it with a link to confirm your signature. Your name is not counted until you confirm it.
      </p>
      <p>
        The link works for 7 days. The email also holds an 8-character code: if you prefer not to click links, enter it on the{" "}
        <Link to="/confirm">confirmation page</Link>.
      </p>
      <p className="hint">No email after a few minutes? Look in your spam folder, or sign again: we will send the link once more.</p>
      <p>
        <Link to="/">Back to the letter</Link>
      </p>
    </section>
  );
}
