import { getInputProps, getSelectProps, getTextareaProps, type FieldMetadata } from "@conform-to/react";
import type { InputHTMLAttributes, ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** Where a field's messages go: conform's field metadata, or an id and a message for plain forms. */
interface FieldSlot {
  id: string;
  errorId: string;
  errors: string[] | undefined;
}

const slotOf = (meta: FieldMetadata<unknown>): FieldSlot => ({ id: meta.id, errorId: meta.errorId, errors: meta.errors });

/**
 * The one field markup of the site: a label, a hint and the error messages, wired for screen
 * readers (aria-describedby, aria-invalid). conform's fields and the plain ones both render it.
 */
function FieldShell({
  slot,
  label,
  hint,
  children,
  className = "field",
}: {
  slot: FieldSlot;
  label: ReactNode;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={className}>
      <label htmlFor={slot.id}>{label}</label>
      {hint ? (
        <p className="field-hint" id={`${slot.id}-hint`}>
          {hint}
        </p>
      ) : null}
      {children}
      <Messages slot={slot} />
    </div>
  );
}

/**
 * A field's messages, in the visitor's language: the schemas give keys of errors.json (the browser
 * and the server say the same key, each page says it in its language); other text is shown as it is.
 */
function Messages({ slot }: { slot: FieldSlot }) {
  const { t } = useTranslation("errors");
  return (
    <div className="field-errors" id={slot.errorId} aria-live="polite">
      {slot.errors?.map((error) => (
        <p key={error}>{t(error)}</p>
      ))}
    </div>
  );
}

export function FieldErrors({ meta }: { meta: FieldMetadata<unknown> }) {
  return <Messages slot={slotOf(meta)} />;
}

function describedBy(meta: FieldMetadata<unknown>, hint: boolean): string | undefined {
  const ids = [hint ? `${meta.id}-hint` : "", meta.errors?.length ? meta.errorId : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export function TextField({
  meta,
  label,
  hint,
  type = "text",
  autoComplete,
}: {
  meta: FieldMetadata<string | undefined>;
  label: ReactNode;
  hint?: ReactNode;
  type?: "text" | "email" | "url";
  autoComplete?: string;
}) {
  const props = getInputProps(meta, { type, ariaAttributes: true });
  return (
    <FieldShell slot={slotOf(meta as FieldMetadata<unknown>)} label={label} hint={hint}>
      <input {...props} key={props.key} autoComplete={autoComplete} aria-describedby={describedBy(meta as FieldMetadata<unknown>, Boolean(hint))} />
    </FieldShell>
  );
}

export function TextareaField({ meta, label, hint }: { meta: FieldMetadata<string | undefined>; label: ReactNode; hint?: ReactNode }) {
  const props = getTextareaProps(meta, { ariaAttributes: true });
  return (
    <FieldShell slot={slotOf(meta as FieldMetadata<unknown>)} label={label} hint={hint}>
      <textarea {...props} key={props.key} rows={3} aria-describedby={describedBy(meta as FieldMetadata<unknown>, Boolean(hint))} />
    </FieldShell>
  );
}

export function SelectField({
  meta,
  label,
  options,
  placeholder,
}: {
  meta: FieldMetadata<string | undefined>;
  label: ReactNode;
  options: ReadonlyArray<readonly [value: string, label: string]>;
  placeholder: string;
}) {
  const props = getSelectProps(meta, { ariaAttributes: true });
  return (
    <FieldShell slot={slotOf(meta as FieldMetadata<unknown>)} label={label}>
      {/* A tampered form may send a field twice: show no choice rather than an array. */}
      <select
        {...props}
        key={props.key}
        defaultValue={typeof props.defaultValue === "string" ? props.defaultValue : ""}
        aria-describedby={describedBy(meta as FieldMetadata<unknown>, false)}
      >
        <option value="">{placeholder}</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckboxField({ meta, label }: { meta: FieldMetadata<boolean | undefined>; label: ReactNode }) {
  const props = getInputProps(meta, { type: "checkbox", ariaAttributes: true });
  return (
    <div className="field field-checkbox">
      <input {...props} key={props.key} aria-describedby={describedBy(meta as FieldMetadata<unknown>, false)} />
      <label htmlFor={meta.id}>{label}</label>
      <FieldErrors meta={meta as FieldMetadata<unknown>} />
    </div>
  );
}

/** Errors about the whole form (not one field), announced when they appear. */
export function FormErrors({ errors }: { errors: string[] | undefined }) {
  const { t } = useTranslation("errors");
  if (!errors?.length) return null;
  return (
    <div className="form-errors" role="alert">
      {errors.map((e) => (
        <p key={e}>{t(e)}</p>
      ))}
    </div>
  );
}

const plainSlot = (id: string, error: string | null | undefined): FieldSlot => ({ id, errorId: `${id}-error`, errors: error ? [error] : undefined });

/** A single input with its label and error, for the small forms that do not use conform. */
export function PlainField({ id, label, error, ...input }: { id: string; label: ReactNode; error?: string | null } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldShell slot={plainSlot(id, error)} label={label}>
      <input id={id} name={id} {...input} aria-invalid={error ? true : undefined} aria-describedby={`${id}-error`} />
    </FieldShell>
  );
}

/** A select outside conform (GET filters): the chosen value, an "all" choice, and its message. */
export function PlainSelect({
  id,
  label,
  value,
  error,
  options,
  all,
}: {
  id: string;
  label: ReactNode;
  value: string | undefined;
  error?: string | null;
  options: ReadonlyArray<readonly [value: string, label: string]>;
  all?: string;
}) {
  return (
    <FieldShell slot={plainSlot(id, error)} label={label}>
      <select id={id} name={id} defaultValue={value ?? ""} aria-invalid={error ? true : undefined} aria-describedby={`${id}-error`}>
        {all ? <option value="">{all}</option> : null}
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}
