/**
 * How the rows become train, validation and test: a stratified random split with chosen shares
 * and a seed, or a column that names each row's split (chosen already when one is named split,
 * set, fold or partition and holds split names). A separate test file (chosen with the files)
 * settles it instead, and the section says so.
 */
import type { ReactElement } from 'react';
import { FormField, noteAttributes, SelectField } from './fields';
import type { FieldErrors, ImportForm, SplitMode } from './form';

const SHARES = [
  { key: 'trainShare', label: 'Train %' },
  { key: 'validationShare', label: 'Validation %' },
  { key: 'testShare', label: 'Test %' },
] as const;

function ShareFields(props: {
  form: ImportForm;
  errors: FieldErrors;
  patch(p: Partial<ImportForm>): void;
}): ReactElement {
  const { form, errors, patch } = props;
  return (
    <div className="form-grid four">
      {SHARES.map(({ key, label }) => {
        const id = `ds-${key.replace('Share', '')}-share`;
        return (
          <FormField key={key} id={id} label={label} error={errors[key]}>
            <input
              id={id}
              type="number"
              min={key === 'validationShare' ? 0 : 1}
              max={99}
              step="any"
              value={form[key]}
              onChange={(e) => patch({ [key]: e.target.value })}
              data-testid={id.replace(/^ds-/, 'dataset-')}
              {...noteAttributes(id, { error: errors[key] })}
            />
          </FormField>
        );
      })}
      <FormField
        id="ds-seed"
        label="Seed"
        error={errors.seed}
        hint="The same seed gives the same split."
      >
        <input
          id="ds-seed"
          type="number"
          step={1}
          value={form.seed}
          onChange={(e) => patch({ seed: e.target.value })}
          data-testid="dataset-seed"
          {...noteAttributes('ds-seed', { error: errors.seed, hint: true })}
        />
      </FormField>
    </div>
  );
}

export function SplitSection(props: {
  form: ImportForm;
  columns: string[] | null;
  /** The column its name and values suggest as the split column. */
  suggested: string | null;
  errors: FieldErrors;
  patch(p: Partial<ImportForm>): void;
}): ReactElement {
  const { form, columns, errors } = props;
  const patch = (p: Partial<ImportForm>): void => props.patch({ ...p, splitChosen: true });
  const suggestion =
    props.suggested !== null && form.splitColumn === props.suggested
      ? 'Suggested: its name and values say which split each row is in.'
      : undefined;
  if (form.testPath.trim()) {
    return (
      <section aria-labelledby="ds-split-title" className="flow-section">
        <h3 id="ds-split-title">4. Split</h3>
        <p className="small" data-testid="dataset-split-files">
          From the files: the training file is the train split, the test file the test split
          {form.validationPath.trim()
            ? ', the validation file the validation split.'
            : '; give a validation file for a validation split.'}
        </p>
      </section>
    );
  }
  const modes: { value: SplitMode; label: string; hint: string }[] = [
    {
      value: 'random',
      label: 'Random, stratified',
      hint: 'Each class keeps its share in every split.',
    },
    {
      value: 'column',
      label: 'From a column',
      hint: 'A column says train, validation (or dev) or test.',
    },
  ];
  return (
    <section aria-labelledby="ds-split-title" className="flow-section">
      <h3 id="ds-split-title">4. Split</h3>
      <fieldset className="radio-group" data-testid="dataset-split-mode">
        <legend className="sr-only">How to split</legend>
        {modes.map((m) => (
          <label key={m.value} className="radio">
            <input
              type="radio"
              name="ds-split"
              value={m.value}
              checked={form.split === m.value}
              onChange={() => patch({ split: m.value })}
              data-testid={`dataset-split-${m.value}`}
            />
            <span>
              <strong>{m.label}</strong>
              <br />
              <span className="muted small">{m.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {form.split === 'random' && <ShareFields form={form} errors={errors} patch={patch} />}
      {form.split === 'column' && (
        <div className="form-grid four">
          {columns ? (
            <SelectField
              id="ds-split-column"
              label="Split column"
              value={form.splitColumn}
              choices={[
                { value: '', label: 'Choose…' },
                ...columns.map((c) => ({ value: c, label: c })),
              ]}
              onChange={(splitColumn) => patch({ splitColumn })}
              error={errors.splitColumn}
              hint={suggestion}
              className="wide"
            />
          ) : (
            <FormField id="ds-split-column" label="Split column" error={errors.splitColumn}>
              <input
                id="ds-split-column"
                value={form.splitColumn}
                onChange={(e) => patch({ splitColumn: e.target.value })}
                data-testid="dataset-split-column"
                {...noteAttributes('ds-split-column', { error: errors.splitColumn })}
              />
            </FormField>
          )}
        </div>
      )}
    </section>
  );
}
