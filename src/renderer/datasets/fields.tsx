/**
 * Form pieces of the import flow: a labelled field whose hint turns into its error, tied to the
 * control by aria-describedby so screen readers read both, and a select of named choices.
 */
import type { ReactElement, ReactNode } from 'react';

export interface Note {
  error?: string;
  hint?: ReactNode;
}

/** The attributes that tie a control to its note and mark it invalid. */
export function noteAttributes(
  id: string,
  note: Note,
): { 'aria-describedby'?: string; 'aria-invalid'?: true } {
  return {
    'aria-describedby': note.error || note.hint ? `${id}-note` : undefined,
    'aria-invalid': note.error ? true : undefined,
  };
}

export function FormField(props: {
  id: string;
  label: string;
  error?: string;
  hint?: ReactNode;
  className?: string;
  children: ReactNode;
}): ReactElement {
  return (
    <div className={`field ${props.className ?? ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.error ? (
        <small className="field-error" id={`${props.id}-note`} data-testid={`${props.id}-error`}>
          {props.error}
        </small>
      ) : (
        props.hint && (
          <small className="hint" id={`${props.id}-note`}>
            {props.hint}
          </small>
        )
      )}
    </div>
  );
}

export interface Choice {
  value: string;
  label: string;
}

/** A labelled select; its note is the field's error, else its hint. */
export function SelectField(props: {
  id: string;
  label: string;
  value: string;
  choices: readonly Choice[];
  onChange(value: string): void;
  error?: string;
  hint?: ReactNode;
  disabled?: boolean;
  className?: string;
}): ReactElement {
  return (
    <FormField
      id={props.id}
      label={props.label}
      error={props.error}
      hint={props.hint}
      className={props.className}
    >
      <select
        id={props.id}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={props.id.replace(/^ds-/, 'dataset-')}
        {...noteAttributes(props.id, props)}
      >
        {props.choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </FormField>
  );
}
