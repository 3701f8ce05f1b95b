import { useTranslation } from "react-i18next";

/**
 * What an admin form's last answer said: a notice that it worked, or the form's own errors (not a
 * field's). Schema messages are keys of errors.json, said in the page's language (English on admin pages).
 */
export function FormOutcome({ notice, formErrors }: { notice?: string | null; formErrors?: string[] | null }) {
  const { t } = useTranslation("errors");
  return (
    <>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {formErrors?.length ? (
        <div className="form-errors" role="alert">
          {formErrors.map((e) => (
            <p key={e}>{t(e)}</p>
          ))}
        </div>
      ) : null}
    </>
  );
}
