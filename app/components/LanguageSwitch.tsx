import { useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LANGUAGES, englishOnly, languageName } from "~/i18n";

/**
 * The language switch on every page: a plain form (no JavaScript needed) that posts the choice to
 * /language, which remembers it in a cookie and sends the visitor back to the same page.
 */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  if (englishOnly(location.pathname)) return null;
  // Back to this page, without a ?lng= that would outrank the choice.
  const params = new URLSearchParams(location.search);
  params.delete("lng");
  const search = params.toString();
  const back = `${location.pathname}${search ? `?${search}` : ""}`;
  return (
    <form method="post" action="/language" className="language-switch" aria-label={t("language.label")}>
      <input type="hidden" name="redirectTo" value={back} />
      {LANGUAGES.filter((language) => language !== i18n.language).map((language) => (
        <button key={language} type="submit" name="lng" value={language} lang={language} className="link-button">
          {languageName(language)}
        </button>
      ))}
    </form>
  );
}
