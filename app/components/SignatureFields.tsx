import type { FieldMetadata } from "@conform-to/react";
import { COUNTRIES } from "~/domain/signatures/countries";
import { ROLES, ROLE_LABELS } from "~/domain/signatures/states";
import { CheckboxField, SelectField, TextField, TextareaField } from "./fields";

const roleOptions = ROLES.map((r) => [r, ROLE_LABELS[r]] as const);

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
  return (
    <>
      <TextField meta={fields.displayName} label="Name to show" hint="Your artist or band name, as it should appear on the letter." autoComplete="nickname" />
      <SelectField meta={fields.role} label="Role" options={roleOptions} placeholder="Choose your role" />
      <SelectField meta={fields.country} label="Country" options={COUNTRIES} placeholder="Choose your country" />
      <TextField
        meta={fields.link}
        type="url"
        label="Link to your music (optional)"
        hint="A page where moderators can hear your work, to check who you are: https://… It is not published."
      />
      <TextareaField
        meta={fields.comment}
        label="Note to the moderators (optional)"
        hint="Up to 280 characters. Only moderators read it; it is not published."
      />
    </>
  );
}

/**
 * Whether the name is shown, shared by the signing form and the manage page: by name, or counted
 * without the name appearing in any public page, feed, export, snapshot or card (decision 016).
 */
export function ListingFields({ fields }: { fields: { consent: FieldMetadata<boolean | undefined>; unnamed: FieldMetadata<boolean | undefined> } }) {
  return (
    <fieldset className="listing">
      <legend>How your signature is listed</legend>
      <CheckboxField meta={fields.consent} label="Show this name publicly on the letter." />
      <CheckboxField meta={fields.unnamed} label="Count my signature but do not show my name." />
      <p className="hint">
        Signatures without a name are confirmed and checked by a moderator like any other, and counted in the totals, by role and by country; the name is never
        shown on a public page, feed, export, snapshot or card. If both boxes are ticked, the name is not shown.
      </p>
    </fieldset>
  );
}
