import type { ActionFunctionArgs } from "@remix-run/node";
import { handleResendWebhook } from "~/domain/outbox/webhooks.server";
import { MAX_BODY_BYTES, readBodyText } from "~/utils/request.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const secret = context.env.RESEND_WEBHOOK_SECRET;
  if (!secret) return Response.json({ error: "webhooks are not configured (RESEND_WEBHOOK_SECRET)" }, { status: 503 });
  const payload = await readBodyText(request, MAX_BODY_BYTES);
  if (payload === undefined) return Response.json({ error: "body too large" }, { status: 413 });
  const outcome = await handleResendWebhook(
    context.db,
    {
      payload,
      svixId: request.headers.get("svix-id"),
      svixTimestamp: request.headers.get("svix-timestamp"),
      svixSignature: request.headers.get("svix-signature"),
    },
    secret,
  );
  return Response.json(outcome.body, { status: outcome.status });
}

export function loader() {
  return new Response("Method not allowed", { status: 405, headers: { Allow: "POST" } });
}
