import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ConfirmResult, type ConfirmPageData } from "~/components/ConfirmResult";
import { confirmByToken, lookupConfirmToken, type ConfirmLookup } from "~/domain/signatures/confirm.server";
import { SECRET_LINK_REFERRER, passThroughHeaders } from "~/utils/headers";
import { readForm } from "~/utils/request.server";
import { pageTitle } from "~/i18n.server";

export const headers = passThroughHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Countersign" }, { name: "robots", content: "noindex" }];

function page(result: ConfirmLookup): ConfirmPageData {
  // The signature id stays on the server.
  return result.status === "ready" ? { status: "ready", view: result.view } : result;
}

const statusCode = { ready: 200, confirmed: 200, expired: 410, inactive: 410, invalid: 404 } as const;

/** GET shows the details and changes nothing: mail scanners open links too. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const result = { ...page(await lookupConfirmToken(context.db, params.token ?? "")), title: pageTitle(context, "sign", "confirm.title") };
  return data(result, { status: statusCode[result.status], headers: { "Cache-Control": "no-store", "Referrer-Policy": SECRET_LINK_REFERRER } });
}

/** POST confirms, once; repeating it shows the same result. */
export async function action({ params, request, context }: ActionFunctionArgs) {
  await readForm(request);
  const result = page(await confirmByToken(context.db, params.token ?? ""));
  return data(result, { status: statusCode[result.status], headers: { "Cache-Control": "no-store" } });
}

export default function ConfirmToken() {
  const loaded = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  return (
    <section className="page">
      <ConfirmResult data={(posted ?? loaded) as ConfirmPageData} />
    </section>
  );
}
