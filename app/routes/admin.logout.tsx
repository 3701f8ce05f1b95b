import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { endSession } from "~/utils/session.server";
import { readForm } from "~/utils/request.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const cookie = await endSession(request, context, form.get("everywhere") === "on");
  return redirect("/admin/login", { headers: { "Set-Cookie": cookie } });
}

export function loader() {
  return redirect("/admin");
}
