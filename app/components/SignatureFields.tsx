import type { FieldMetadata } from "@conform-to/react";
import { useTranslation } from "react-i18next";
import { CheckboxField, SelectField, TextField, TextareaField } from "./fields";
import { useCountries, useRoleOptions } from "./i18n";

/** The public fields, shared by the signing form and the manage page. */
export function PublicSignatureFields({
  fields,
}: {
  fields: {
    displayName: FieldMetadata<string | undefined>;
    role: FieldMetadata<string | undefined>;
    country: FieldMetadata<string | undefined>;
    link: FieldMetadata<string | undefined>;
    comment: FieldMetadata<string | undefined>;
  };
}) {
  const { t } = useTranslation("sign");
  return (
    <>
      <TextField meta={fields.displayName} label={t("fields.displayName")} hint={t("fields.displayNameHint")} autoComplete="nickname" />
      <SelectField meta={fields.role} label={t("fields.role")} options={useRoleOptions()} placeholder={t("fields.rolePlaceholder")} />
      <SelectField meta={fields.country} label={t("fields.country")} options={useCountries()} placeholder={t("fields.countryPlaceholder")} />
      <TextField meta={fields.link} type="url" label={t("fields.link")} hint={t("fields.linkHint")} />
      <TextareaField meta={fields.comment} label={t("fields.comment")} hint={t("fields.commentHint")} />
    </>
  );
}

/**
 * Whether the name is shown, shared by the signing form and the manage page: by name, or counted
 * without the name appearing in any public page, feed, export, snapshot or card (decision 016).
 */
export function ListingFields({ fields }: { fields: { consent: FieldMetadata<boolean | undefined>; unnamed: FieldMetadata<boolean | undefined> } }) {
  const { t } = useTranslation("sign");
  return (
    <fieldset className="listing">
      <legend>{t("listing.legend")}</legend>
      <CheckboxField meta={fields.consent} label={t("listing.consent")} />
      <CheckboxField meta={fields.unnamed} label={t("listing.unnamed")} />
      <p className="hint">{t("listing.hint")}</p>
    </fieldset>
  );
}
