import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { loginTokenIsValid, signInWithToken } from "~/domain/auth/login.server";
import { landingFor, startSession } from "~/utils/session.server";
import { SECRET_LINK_REFERRER, passThroughHeaders } from "~/utils/headers";
import { readForm } from "~/utils/request.server";

export const headers = passThroughHeaders;
export const meta: MetaFunction = () => [{ title: "Sign in · Countersign moderation" }, { name: "robots", content: "noindex" }];

const noStore = { "Cache-Control": "no-store", "Referrer-Policy": SECRET_LINK_REFERRER };

/** GET shows a button and uses nothing: mail scanners open links. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const valid = await loginTokenIsValid(context.db, params.token ?? "");
  return data({ valid }, { status: valid ? 200 : 410, headers: noStore });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  await readForm(request);
  const userId = await signInWithToken(context.db, params.token ?? "");
  if (!userId) return data({ valid: false }, { status: 410, headers: noStore });
  const cookie = await startSession(context, userId);
  return redirect(await landingFor(context, userId, "/admin"), { headers: { "Set-Cookie": cookie } });
}

export default function SignInWithLink() {
  const { valid } = useLoaderData<typeof loader>();
  if (!valid) {
    return (
      <section className="page">
        <h1>This sign-in link has expired or was used</h1>
        <p>
          <Link to="/admin/login">Ask for a new one</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="page">
      <h1>Sign in</h1>
      <Form method="post" className="form">
        <button type="submit" className="button">
          Sign in
        </button>
      </Form>
    </section>
  );
}
