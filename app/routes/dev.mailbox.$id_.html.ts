import type { LoaderFunctionArgs } from "@remix-run/node";
import { devMailboxEnabled, getDevMailboxEmail } from "~/domain/outbox/dev-mailbox.server";

/** The email's HTML as the recipient would see it: inline styles allowed, nothing else. */
export async function loader({ context, params }: LoaderFunctionArgs) {
  if (!devMailboxEnabled(context.env)) return new Response("Not found", { status: 404 });
  const email = await getDevMailboxEmail(context.db, params.id ?? "");
  if (!email) return new Response("Not found", { status: 404 });
  return new Response(email.html, {
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'none'; form-action 'none'",
      "Cache-Control": "no-store",
    },
  });
}
