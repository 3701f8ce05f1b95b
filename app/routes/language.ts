import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { languageCookie } from "~/i18n.server";
import { isLanguage } from "~/i18n";
import { safeRedirect } from "~/utils/redirect";
import { readForm } from "~/utils/request.server";

/**
 * The language switch (components/LanguageSwitch.tsx): remembers the choice in a cookie for a year
 * and goes back to the page it was made on. A plain form post, so it works without JavaScript.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const back = safeRedirect(form.get("redirectTo"), context.env.APP_URL, "", "/");
  const language = form.get("lng");
  if (!isLanguage(language)) return redirect(back, 303);
  const cookie = await languageCookie.serialize(language, { secure: context.env.APP_URL.startsWith("https://") });
  return redirect(back, { status: 303, headers: { "Set-Cookie": cookie } });
}

/** Nothing to show: a GET goes back to the letter. */
export function loader() {
  return redirect("/", 303);
}
