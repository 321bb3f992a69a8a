import type { ComponentChildren } from 'preact';

interface FieldProps {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  /** The control; it must carry `id`, and `aria-describedby`/`aria-invalid` from fieldAria. */
  children: ComponentChildren;
}

/** Attributes that tie a control to its hint and error text for assistive technology. */
export function fieldAria(id: string, error?: string, hint?: string) {
  const describedBy = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(' ');
  return {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
  };
}

/** A labelled form control with its error shown directly under it. */
export function Field({ id, label, error, hint, children }: FieldProps) {
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`} data-field-error={id}>
          {error}
        </p>
      )}
    </div>
  );
}
