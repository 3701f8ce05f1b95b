import type { LoaderFunctionArgs } from "@remix-run/node";
import { followAccessLink } from "~/utils/access-link.server";

/** A press preview of the list while the letter is embargoed (decision 017). */
export async function loader({ params, context }: LoaderFunctionArgs) {
  return followAccessLink(context, params.token, "preview");
}
