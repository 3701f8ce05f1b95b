import { Form } from "@remix-run/react";

const TEXT = {
  invitation: {
    title: "You are invited to sign before the letter is public",
    body: "This link lets you read the letter and add your name while it is still being prepared. Please keep the letter to yourself until it is public.",
    button: "Read the letter",
  },
  preview: {
    title: "A press preview of an embargoed letter",
    body: "This link shows the letter, its signatories and its counts before they are public. Every page says when the embargo ends: publish nothing of it before then.",
    button: "See the list",
  },
} as const;

/** What an invitation or preview link opens to: a button, so that a link scanner following it gets nothing (decision 017). */
export function AccessLinkPage({ purpose }: { purpose: keyof typeof TEXT }) {
  const text = TEXT[purpose];
  return (
    <section className="page">
      <h1>{text.title}</h1>
      <p>{text.body}</p>
      <Form method="post" reloadDocument>
        <button type="submit" className="button">
          {text.button}
        </button>
      </Form>
    </section>
  );
}
