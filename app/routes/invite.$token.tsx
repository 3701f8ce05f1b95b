import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AccessLinkPage } from "~/components/AccessLinkPage";
import { followAccessLink, showAccessLink } from "~/utils/access-link.server";

/** An invitation to read and sign the letter before it is public (decision 017). */
export const meta: MetaFunction = () => [{ title: "Countersign" }, { name: "robots", content: "noindex" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  return showAccessLink(context, params.token, "invitation");
}

export async function action({ params, context }: ActionFunctionArgs) {
  return followAccessLink(context, params.token, "invitation");
}

export default function AccessLink() {
  const { purpose } = useLoaderData<typeof loader>();
  return <AccessLinkPage purpose={purpose} />;
}
