/** What an admin form's last answer said: a notice that it worked, or the form's own errors (not a field's). */
export function FormOutcome({ notice, formErrors }: { notice?: string | null; formErrors?: string[] | null }) {
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
            <p key={e}>{e}</p>
          ))}
        </div>
      ) : null}
    </>
  );
}
