import { useTranslation } from "react-i18next";
import { ROLES, type Role } from "~/domain/signatures/states";

/** The country choices in the visitor's language and order (the `countries` namespace, made by the server from Intl). */
export function useCountries(): ReadonlyArray<readonly [code: string, name: string]> {
  const { i18n } = useTranslation();
  const bundle = (i18n.getResourceBundle(i18n.language, "countries") ?? {}) as Record<string, string>;
  return Object.entries(bundle);
}

/** A country's name in the visitor's language (its code if unknown). */
export function useCountryName(): (code: string) => string {
  const { t } = useTranslation("countries");
  return (code) => t(code, { defaultValue: code });
}

/** The role choices in the visitor's language. */
export function useRoleOptions(): ReadonlyArray<readonly [Role, string]> {
  const { t } = useTranslation();
  return ROLES.map((role) => [role, t(`roles.${role}`)] as const);
}
