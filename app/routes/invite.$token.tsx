import type { LoaderFunctionArgs } from "@remix-run/node";
import { followAccessLink } from "~/utils/access-link.server";

/** An invitation to read and sign the letter before it is public (decision 017). */
export async function loader({ params, context }: LoaderFunctionArgs) {
  return followAccessLink(context, params.token, "invitation");
}
