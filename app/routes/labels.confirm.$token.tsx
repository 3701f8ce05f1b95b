import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { JoinResult, joinPage, type JoinPageData } from "~/components/JoinResult";
import { confirmJoin, lookupJoin } from "~/domain/labels/join.server";
import { SECRET_LINK_REFERRER, passThroughHeaders } from "~/utils/headers";
import { readForm } from "~/utils/request.server";
import { startSession } from "~/utils/session.server";

import { pageTitle } from "~/i18n.server";
export const headers = passThroughHeaders;
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Countersign" }, { name: "robots", content: "noindex" }];

const noStore = { "Cache-Control": "no-store", "Referrer-Policy": SECRET_LINK_REFERRER };
const statusCode = { ready: 200, joined: 200, taken: 409, removed: 403, expired: 410, invalid: 404 } as const;

/** GET shows the request and changes nothing: mail scanners open links. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const result = joinPage(await lookupJoin(context.db, params.token ?? ""));
  return data({ ...result, title: pageTitle(context, "labels", "confirm.title") }, { status: statusCode[result.status], headers: noStore });
}

/** POST confirms once: the rep is signed in and taken to the label's page. A repeat shows "joined". */
export async function action({ params, request, context }: ActionFunctionArgs) {
  await readForm(request);
  const before = await lookupJoin(context.db, params.token ?? "");
  const result = await confirmJoin(context.db, params.token ?? "");
  if (before.status === "ready" && result.status === "joined") {
    return redirect("/label", { headers: { "Set-Cookie": await startSession(context, result.userId), ...noStore } });
  }
  const page = joinPage(result);
  return data(page, { status: statusCode[page.status], headers: noStore });
}

export default function ConfirmJoin() {
  const loaded = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  return (
    <section className="page">
      <JoinResult data={(posted ?? loaded) as JoinPageData} />
    </section>
  );
}
