/**
 * Column mapping and labels: which column is the text and which the label (chosen among the
 * columns the preview found, or left to detection), how a raw label becomes a class (TREC's
 * `DESC:manner` as `DESC` or whole), a file of names for integer labels, several labels per
 * row, and the label set with a name field per label. Counts come from the previewed rows
 * until a check has counted them all.
 */
import type { ReactElement } from 'react';
import type { DatasetPeek } from '../../shared/contract';
import { FormField, noteAttributes, SelectField, type Choice } from './fields';
import {
  labelsLookLikeIds,
  type FieldErrors,
  type ImportForm,
  type LabelRow,
  type TransformChoice,
} from './form';

const TRANSFORMS: { value: TransformChoice; label: string }[] = [
  { value: 'none', label: 'none: the whole label' },
  { value: 'coarse', label: 'coarse: before the first ":" (TREC: 6 classes)' },
  { value: 'fine', label: 'fine: the whole label (TREC: 50 classes)' },
  { value: 'lower', label: 'lower: lower-cased' },
  { value: 'before', label: 'before a separator…' },
  { value: 'after', label: 'after a separator…' },
];

/** The choices, the first saying the format's own default (the importer's, main/datasets/peek.ts). */
function transformChoices(peek: DatasetPeek | null): Choice[] {
  const fallback = peek?.format === 'label-text' ? 'coarse' : 'none';
  const auto = peek ? `Default: ${fallback}` : 'Default for the format';
  return [{ value: 'auto', label: auto }, ...TRANSFORMS];
}

/** A select of the preview's columns, or a text field when there is no preview to pick from. */
function ColumnField(props: {
  id: string;
  label: string;
  value: string;
  columns: string[] | null;
  detected: string | null;
  empty: string;
  error?: string;
  hint: string;
  onChange(value: string): void;
}): ReactElement {
  const { id, columns } = props;
  if (columns) {
    const auto = props.detected ? `Detected: ${props.detected}` : props.empty;
    return (
      <SelectField
        id={id}
        label={props.label}
        value={props.value}
        choices={[{ value: '', label: auto }, ...columns.map((c) => ({ value: c, label: c }))]}
        onChange={props.onChange}
        error={props.error}
        hint={props.hint}
      />
    );
  }
  return (
    <FormField id={id} label={props.label} error={props.error} hint={props.hint}>
      <input
        id={id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder="detected"
        data-testid={id.replace(/^ds-/, 'dataset-')}
        {...noteAttributes(id, props)}
      />
    </FormField>
  );
}

function LabelEditor(props: {
  rows: LabelRow[];
  form: ImportForm;
  errors: FieldErrors;
  patch(p: Partial<ImportForm>): void;
  sampleRows: number | null;
}): ReactElement {
  const { rows, form, errors } = props;
  const rename = (label: string, name: string): void =>
    props.patch({ rename: { ...form.rename, [label]: name } });
  const sampled = rows.filter((r) => r.counted === 'sample').length;
  const more = rows.length - sampled;
  return (
    <>
      <p className="small" data-testid="dataset-label-summary">
        <strong>{sampled.toLocaleString()}</strong> {sampled === 1 ? 'class' : 'classes'} in the
        first {props.sampleRows?.toLocaleString() ?? '?'} rows
        {more > 0 && `, and ${more} more found by the check`}. Type a name to store a label under
        it; give labels one name to merge them.
      </p>
      <div className="labels-scroll">
        <table className="table compact" data-testid="dataset-labels">
          <thead>
            <tr>
              <th scope="col">Label in the file</th>
              <th scope="col" className="num">
                Rows
              </th>
              <th scope="col">Name</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const id = `ds-rename-${i}`;
              const error = errors[`rename.${r.label}`];
              return (
                <tr key={r.label} data-testid="dataset-label-row" data-label={r.label}>
                  <td>
                    <label htmlFor={id}>
                      {r.ids === undefined ? (
                        <code>{r.label}</code>
                      ) : (
                        <>
                          <code>{r.ids.join(', ')}</code>{' '}
                          <span data-testid="dataset-label-name">{r.label}</span>
                        </>
                      )}
                    </label>
                  </td>
                  <td className="num">
                    {r.count.toLocaleString()}
                    {r.counted === 'check' && <span className="muted"> (all rows)</span>}
                  </td>
                  <td>
                    <input
                      id={id}
                      value={form.rename[r.label] ?? ''}
                      placeholder={r.label}
                      onChange={(e) => rename(r.label, e.target.value)}
                      data-testid="dataset-rename"
                      data-label={r.label}
                      {...noteAttributes(id, { error })}
                    />
                    {error && (
                      <small className="field-error" id={`${id}-note`}>
                        {error}
                      </small>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

function LabelNamesField(props: {
  form: ImportForm;
  error?: string;
  loading: boolean;
  patch(p: Partial<ImportForm>): void;
}): ReactElement {
  const id = 'ds-label-names-path';
  const hint = props.loading
    ? 'Reading the names…'
    : 'Optional: a file naming the integer labels, one name a line (label i on line i + 1).';
  return (
    <FormField id={id} label="Label names file" error={props.error} hint={hint} className="span-2">
      <input
        id={id}
        value={props.form.labelNamesPath}
        placeholder="/data/goemotions/labels.txt"
        onChange={(e) => props.patch({ labelNamesPath: e.target.value })}
        data-testid="dataset-label-names-path"
        {...noteAttributes(id, { error: props.error, hint })}
      />
    </FormField>
  );
}

export function ColumnsSection(props: {
  form: ImportForm;
  peek: DatasetPeek | null;
  labels: LabelRow[];
  /** The label names file is being read. */
  namesLoading: boolean;
  errors: FieldErrors;
  patch(p: Partial<ImportForm>): void;
}): ReactElement {
  const { form, peek, errors, patch } = props;
  const columns = peek && peek.columns.length > 0 ? peek.columns : null;
  const separatorNeeded = form.transform === 'before' || form.transform === 'after';
  // Once set, the field stays: the labels it named no longer look like integers
  const names =
    !form.labelColumns.trim() &&
    (form.labelNamesPath !== '' || labelsLookLikeIds(peek?.labels ?? []));
  return (
    <section aria-labelledby="ds-columns-title" className="flow-section">
      <h3 id="ds-columns-title">3. Columns and labels</h3>
      <div className="form-grid four">
        <ColumnField
          id="ds-text-column"
          label="Text column"
          value={form.textColumn}
          columns={columns}
          detected={form.textColumn ? null : (peek?.textColumn ?? null)}
          empty="Detect"
          hint="The text to classify."
          onChange={(textColumn) => patch({ textColumn })}
        />
        <ColumnField
          id="ds-label-column"
          label="Label column"
          value={form.labelColumn}
          columns={columns}
          detected={form.labelColumn ? null : (peek?.labelColumn ?? null)}
          empty="Detect"
          hint="Words or integers."
          onChange={(labelColumn) => patch({ labelColumn })}
        />
        <SelectField
          id="ds-label-transform"
          label="Label transform"
          className="wide"
          value={form.transform}
          choices={transformChoices(peek)}
          onChange={(t) => patch({ transform: t as TransformChoice })}
          hint="Which part of a label names the class (coarse, fine: TREC's DESC:manner)."
        />
        {separatorNeeded && (
          <FormField
            id="ds-transform-separator"
            label="Transform separator"
            error={errors.transformSeparator}
          >
            <input
              id="ds-transform-separator"
              value={form.transformSeparator}
              onChange={(e) => patch({ transformSeparator: e.target.value })}
              data-testid="dataset-transform-separator"
              {...noteAttributes('ds-transform-separator', { error: errors.transformSeparator })}
            />
          </FormField>
        )}
        {names && (
          <LabelNamesField
            form={form}
            error={errors.labelNamesPath}
            loading={props.namesLoading}
            patch={patch}
          />
        )}
      </div>
      <div className="inline-field">
        <input
          id="ds-multi-label"
          type="checkbox"
          checked={form.multiLabel}
          onChange={(e) => patch({ multiLabel: e.target.checked })}
          data-testid="dataset-multi-label"
        />
        <label htmlFor="ds-multi-label">Several labels per row, separated by</label>
        <input
          id="ds-multi-separator"
          className="short"
          aria-label="Label separator"
          value={form.multiSeparator}
          disabled={!form.multiLabel}
          onChange={(e) => patch({ multiSeparator: e.target.value })}
          data-testid="dataset-multi-separator"
          {...noteAttributes('ds-multi-separator', { error: errors.multiSeparator })}
        />
        {errors.multiSeparator && (
          <small className="field-error" id="ds-multi-separator-note">
            {errors.multiSeparator}
          </small>
        )}
      </div>
      <div className="inline-field">
        <label htmlFor="ds-label-columns">Or one 0/1 column per label:</label>
        <input
          id="ds-label-columns"
          value={form.labelColumns}
          placeholder="admiration..neutral, or joy, anger"
          onChange={(e) => patch({ labelColumns: e.target.value })}
          data-testid="dataset-label-columns"
        />
      </div>
      {peek?.problem && (
        <p className="error small" data-testid="dataset-columns-problem">
          {peek.problem}
        </p>
      )}
      {props.labels.length > 0 && (
        <LabelEditor
          rows={props.labels}
          form={form}
          errors={errors}
          patch={patch}
          sampleRows={peek?.sampleRows ?? null}
        />
      )}
    </section>
  );
}
