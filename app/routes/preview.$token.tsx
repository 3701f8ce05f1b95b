import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AccessLinkPage } from "~/components/AccessLinkPage";
import { followAccessLink, showAccessLink } from "~/utils/access-link.server";

/** A press preview of the list while the letter is embargoed (decision 017). */
export const meta: MetaFunction = () => [{ title: "Countersign" }, { name: "robots", content: "noindex" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  return showAccessLink(context, params.token, "preview");
}

export async function action({ params, context }: ActionFunctionArgs) {
  return followAccessLink(context, params.token, "preview");
}

export default function AccessLink() {
  const { purpose } = useLoaderData<typeof loader>();
  return <AccessLinkPage purpose={purpose} />;
}
