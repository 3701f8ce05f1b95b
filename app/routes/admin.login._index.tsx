import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { PlainField } from "~/components/fields";
import { requestLogin, signInWithCode } from "~/domain/auth/login.server";
import { currentUser, landingFor, startSession } from "~/utils/session.server";
import { readForm } from "~/utils/request.server";
import { safeRedirect } from "~/utils/redirect";

export const meta: MetaFunction = () => [{ title: "Sign in · Countersign moderation" }, { name: "robots", content: "noindex" }];

const emailSchema = z.string().trim().max(254).pipe(z.email());

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await currentUser(request, context);
  if (user) throw redirect(await landingFor(context, user.id, "/admin"));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const email = emailSchema.safeParse(form.get("email") ?? "");
  if (!email.success) return data({ step: "email", error: "Enter a valid email address" } as const, { status: 400 });
  const ctx = { ip: context.clientIp, ipHashSecret: context.env.IP_HASH_SECRET };
  if (form.get("intent") === "code") {
    // Worked out before the code is spent, so nothing after that can fail.
    const next = safeRedirect(form.get("next"), context.env.APP_URL, "/admin", "/admin");
    const code = String(form.get("code") ?? "").replace(/\s/g, "");
    const userId = /^\d{6}$/.test(code) ? await signInWithCode(context.db, email.data, code, ctx) : undefined;
    if (!userId) return data({ step: "code", email: email.data, error: "That code is not valid (or has expired)" } as const, { status: 400 });
    const cookie = await startSession(context, userId);
    return redirect(await landingFor(context, userId, next), { headers: { "Set-Cookie": cookie } });
  }
  await requestLogin(context.db, email.data, ctx);
  // The same answer whether or not the address has an account.
  return data({ step: "code", email: email.data, error: null } as const);
}

export default function AdminLogin() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const next = params.get("next") ?? "/admin";
  if (result?.step === "code") {
    return (
      <section className="page">
        <h1>Check your inbox</h1>
        <p>
          If {result.email} has a moderator’s or a label representative’s account, we have sent it a sign-in link and a 6-digit code. Both work once, for 15
          minutes.
        </p>
        <Form method="post" className="form">
          <input type="hidden" name="email" value={result.email} />
          <input type="hidden" name="intent" value="code" />
          <input type="hidden" name="next" value={next} />
          <PlainField id="code" label="6-digit code" inputMode="numeric" autoComplete="one-time-code" error={result.error} />
          <button type="submit" className="button">
            Sign in
          </button>
        </Form>
      </section>
    );
  }
  return (
    <section className="page">
      <h1>Sign in</h1>
      <p>For moderators, and for representatives of a label that has joined.</p>
      <Form method="post" className="form">
        <PlainField id="email" type="email" label="Email" autoComplete="email" error={result?.error} />
        <input type="hidden" name="next" value={next} />
        <button type="submit" className="button">
          Email me a sign-in link
        </button>
      </Form>
    </section>
  );
}
