import { useCallback, useState } from 'react';
import { type FormId, type UiError, uiError } from '../forms/uiErrors';
import './fieldError.css';

/** The id of a field's error text, for the field's aria-describedby. */
export const fieldErrorId = (form: string, field: string) => `${form}-${field}-error`;

/**
 * An error beside its field (or, for field "form", beside the submit button): what went wrong and the way out,
 * announced once (role=alert). Renders nothing when the error is about another field.
 */
export function FieldError({ error, field, form }: { error: UiError | null; field: string; form: FormId }) {
  if (!error || error.field !== field) return null;
  return (
    <div className="field-error" role="alert" id={fieldErrorId(form, field)} data-field={field}>
      {error.message}
      {error.hint ? <div className="field-hint">{error.hint}</div> : null}
    </div>
  );
}

/**
 * A form's error state: fail(err) places the core's error beside its field, clear() on success (and when the
 * user edits the field it was about), invalid(field) for aria-invalid / aria-describedby.
 */
export function useFieldErrors(form: FormId) {
  const [error, setError] = useState<UiError | null>(null);
  const fail = useCallback((err: unknown) => setError(uiError(err, form)), [form]);
  const clear = useCallback(() => setError(null), []);
  const edited = useCallback((field: string) => setError((e) => (e && e.field === field ? null : e)), []);
  const invalid = (field: string) =>
    error?.field === field ? { 'aria-invalid': true, 'aria-describedby': fieldErrorId(form, field) } : {};
  return { error, fail, clear, edited, invalid, form };
}
