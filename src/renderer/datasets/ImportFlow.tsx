/**
 * The Datasets page's import, as one form in five sections: the files; how Graft reads them,
 * with a live preview of the first rows; columns and labels, with a name field per label; the
 * split; and the check, whose validation report lets the user choose which flagged rows to
 * drop. "Import" stores the dataset with those choices, and works without a check too: when
 * the importer refuses over rows the user must decide about, the check runs by itself so that
 * the report with its drop choices appears. A file with too many malformed rows has no preview
 * and no report until they are dropped, so that refusal offers the drop beside it.
 */
import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import {
  datasetTitle,
  type Dataset,
  type DatasetImportProgress,
  type DatasetReport,
} from '../../shared/contract';
import { ApiError } from '../api';
import { ErrorBox } from '../components/common';
import { asApiError, useApi } from '../hooks';
import { ColumnsSection } from './ColumnsSection';
import { FormField, noteAttributes } from './fields';
import {
  BLANK_FORM,
  followSplitSuggestion,
  formErrors,
  importRequest,
  labelNamesPath,
  labelRows,
  peekRequest,
  suggestSplitColumn,
  withAnotherFile,
  type FieldErrors,
  type ImportForm,
} from './form';
import { DropMalformedButton } from './DropMalformed';
import { ImportProgress } from './ImportProgress';
import { PreviewSection } from './PreviewSection';
import { offersDropMalformed, pageWording, withMalformed } from './refusals';
import { ReportView } from './ReportView';
import { SplitSection } from './SplitSection';

const DECIDE_FIRST =
  'Some rows need a decision before this import: tick the rows to drop in the report, ' +
  'then import again.';

/** The importer's refusal over flagged rows (empty texts, malformed rows...), not a bad file. */
const needsDropDecision = (error: ApiError): boolean =>
  error.code === 'bad-input' && error.message.includes('to import without them, drop them');
import { StoredReport } from './StoredReport';
import { useDetected, usePeek } from './usePeek';
import './datasets.css';

interface Checked {
  report: DatasetReport;
  /** The renames it was checked with: its label counts are under those names. */
  rename: Record<string, string>;
  /** The request it answered, to tell when the form has moved on since. */
  key: string;
  /** The reading part of that request: its labels are this preview's labels. */
  readingKey: string;
}

/** The id of the control a form error belongs to, so focus can go to the first one. */
function fieldId(key: string, labels: readonly string[]): string {
  if (key.startsWith('rename.')) return `ds-rename-${labels.indexOf(key.slice(7))}`;
  return `ds-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const PATH_HINT =
  'The training file, or all the data: CSV, TSV, JSON Lines, JSON, Parquet, ' +
  '"label text" lines, or a folder of class folders.';

function TextField(props: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string;
  hint?: string;
  placeholder?: string;
  type?: 'text' | 'number';
  className?: string;
}): ReactElement {
  const { id } = props;
  return (
    <FormField
      id={id}
      label={props.label}
      error={props.error}
      hint={props.hint}
      className={props.className}
    >
      <input
        id={id}
        type={props.type ?? 'text'}
        min={props.type === 'number' ? 1 : undefined}
        step={props.type === 'number' ? 1 : undefined}
        value={props.value}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={id.replace(/^ds-/, 'dataset-')}
        {...noteAttributes(id, props)}
      />
    </FormField>
  );
}

function FilesSection(props: {
  form: ImportForm;
  errors: FieldErrors;
  patch(p: Partial<ImportForm>): void;
}): ReactElement {
  const { form, errors, patch } = props;
  return (
    <section aria-labelledby="ds-files-title" className="flow-section">
      <h3 id="ds-files-title">1. Files</h3>
      <div className="form-grid">
        <TextField
          id="ds-path"
          label="File path"
          className="span-2"
          value={form.path}
          onChange={(path) => patch({ path })}
          error={errors.path}
          placeholder="/data/sst2/train.tsv"
          hint={PATH_HINT}
        />
        <TextField
          id="ds-test-path"
          label="Test file path"
          value={form.testPath}
          onChange={(testPath) => patch({ testPath })}
          hint="Optional; otherwise a split is held out."
        />
        <TextField
          id="ds-validation-path"
          label="Validation file path"
          value={form.validationPath}
          onChange={(validationPath) => patch({ validationPath })}
          hint="Optional."
        />
        <TextField
          id="ds-name"
          label="Name"
          value={form.name}
          onChange={(name) => patch({ name })}
          hint="Defaults to the file name."
        />
        <TextField
          id="ds-limit"
          label="Row limit"
          type="number"
          value={form.limit}
          onChange={(limit) => patch({ limit })}
          error={errors.limit}
          hint="Keep only the first N training rows."
        />
      </div>
    </section>
  );
}

function Done(props: { dataset: Dataset }): ReactElement {
  const { dataset } = props;
  const splits = Object.entries(dataset.splits)
    .map(([s, n]) => `${s} ${n.toLocaleString()}`)
    .join(', ');
  return (
    <div className="notice" role="status" data-testid="dataset-import-done">
      Imported <strong>{datasetTitle(dataset)}</strong>: {splits}; {dataset.labels.length} classes
      {dataset.dropped ? `; ${dataset.dropped.toLocaleString()} rows dropped` : ''}.
      <details className="done-report">
        <summary>Its validation report</summary>
        <StoredReport id={dataset.id} />
      </details>
    </div>
  );
}

export function ImportFlow(props: { onImported(dataset: Dataset): void }): ReactElement {
  const api = useApi();
  const [form, setForm] = useState<ImportForm>(BLANK_FORM);
  const [attempted, setAttempted] = useState(false);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);
  const [progress, setProgress] = useState<DatasetImportProgress | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<Dataset | null>(null);

  const reading = peekRequest(form);
  const peek = usePeek(reading);
  const detected = useDetected(peek);
  const columns = peek.data && peek.data.columns.length > 0 ? peek.data.columns : null;
  // The preview names the labels; what it says of a names file is this file's once it answers
  const namesPath = labelNamesPath(form);
  const namesAnswered = peek.request !== null && peek.request.labelNamesPath === namesPath;
  const namesProblem = namesAnswered ? peek.data?.labelNamesProblem : null;
  // The check's labels are this preview's labels when both read the data and names alike
  const readingKey = JSON.stringify(reading);
  const fresh = checked && checked.readingKey === readingKey ? checked.report : null;
  const labels = labelRows(peek.data?.labels ?? [], fresh?.labelCounts ?? [], checked?.rename);
  const labelNames = labels.map((l) => l.label);
  const errors = formErrors(form, labelNames);
  if (namesPath && namesProblem) errors.labelNamesPath = namesProblem;
  // "Required" shows once the user tries; mistakes in what was typed show at once
  const shown: FieldErrors = attempted ? errors : { ...errors, path: undefined };
  const request = importRequest(form, labelNames);
  const requestKey = JSON.stringify(request);
  const suggestedSplit = suggestSplitColumn(peek.data);

  // A column chosen in another file, or before an option changed the columns, is no choice
  useEffect(() => {
    if (!columns) return;
    const gone = (c: string): boolean => c !== '' && !columns.includes(c);
    if (gone(form.textColumn) || gone(form.labelColumn) || gone(form.splitColumn)) {
      setForm((f) => ({
        ...f,
        textColumn: gone(f.textColumn) ? '' : f.textColumn,
        labelColumn: gone(f.labelColumn) ? '' : f.labelColumn,
        splitColumn: gone(f.splitColumn) ? '' : f.splitColumn,
      }));
    }
  }, [columns?.join('\u241F')]);

  // A column named "split" holding splits is what the user means, until they say otherwise
  useEffect(() => {
    if (!columns) return;
    setForm((f) => {
      const follow = followSplitSuggestion(f, suggestedSplit);
      return follow ? { ...f, ...follow } : f;
    });
  }, [
    columns?.join('\u241F'),
    suggestedSplit,
    form.splitChosen,
    form.validationPath,
    form.testPath,
  ]);

  // Progress of this page's own check or import (another window's imports have other paths)
  useEffect(() => {
    if (!busy) return;
    const path = request.path;
    return api.on('dataset.import', (p) => {
      if (p.path === path && p.preview === (busy === 'check')) setProgress(p);
    });
  }, [api, busy]);

  const patch = (p: Partial<ImportForm>): void => {
    // Another file's report and label choices would only mislead; other changes leave the
    // report, marked as outdated
    const path = p.path;
    const another = path !== undefined && path !== form.path;
    if (another) setChecked(null);
    setForm((f) => ({ ...(another ? withAnotherFile(f, path) : f), ...p }));
    setError(null);
    setDone(null);
  };

  function ready(): boolean {
    setAttempted(true);
    const first = Object.keys(errors)[0];
    if (first === undefined) return true;
    document.getElementById(fieldId(first, labelNames))?.focus();
    return false;
  }

  const checkedBy = (report: DatasetReport): Checked => {
    return { report, key: requestKey, readingKey, rename: request.labelRename ?? {} };
  };

  async function run(kind: 'check' | 'import'): Promise<void> {
    if (!ready()) return;
    setBusy(kind);
    setProgress(null);
    setError(null);
    setDone(null);
    try {
      if (kind === 'check') {
        const report = await api.call('datasets.preview', request);
        setChecked(checkedBy(report));
      } else {
        const dataset = await api.call('datasets.import', request);
        setDone(dataset);
        setForm(BLANK_FORM);
        setChecked(null);
        setAttempted(false);
        props.onImported(dataset);
      }
    } catch (caught) {
      const refused = asApiError(caught);
      setError(refused);
      // A refusal over rows the user must decide about: show the report with its drop choices
      if (kind === 'import' && checked === null && needsDropDecision(refused)) {
        setBusy('check');
        try {
          const report = await api.call('datasets.preview', request);
          setChecked(checkedBy(report));
          setError(new ApiError('bad-input', DECIDE_FIRST));
        } catch {
          // the import's own refusal, already shown, says what is wrong
        }
      }
    } finally {
      setBusy(null);
    }
  }

  function submit(event: FormEvent): void {
    event.preventDefault();
    void run('import');
  }

  const stale = checked !== null && checked.key !== requestKey;
  // The refusal in the page's terms; one over too many malformed rows offers to drop them
  const shownError = error && new ApiError(error.code, pageWording(error.message));
  const offerDrop =
    error !== null && offersDropMalformed(error.message) && !form.drop.includes('malformed');
  return (
    <form
      className="card form import-flow"
      onSubmit={submit}
      noValidate
      data-testid="dataset-import-form"
    >
      <h2>Import a dataset</h2>
      <FilesSection form={form} errors={shown} patch={patch} />
      {form.path.trim() && (
        <>
          <PreviewSection form={form} peek={peek} detected={detected} patch={patch} />
          <ColumnsSection
            form={form}
            peek={peek.data}
            labels={labels}
            namesLoading={namesPath !== undefined && !namesAnswered && peek.loading}
            errors={shown}
            patch={patch}
          />
          <SplitSection
            form={form}
            columns={columns}
            suggested={suggestedSplit}
            errors={shown}
            patch={patch}
          />
          <section aria-labelledby="ds-check-title" className="flow-section">
            <h3 id="ds-check-title">5. Check</h3>
            <p className="muted small">
              Reads all the data and reports what is wrong, before anything is stored: empty texts,
              duplicates, conflicting labels, texts in both train and test, imbalance, small
              classes, over-long texts and malformed rows.
            </p>
            <div className="inline-actions check-row">
              <TextField
                id="ds-max-length"
                label="Model's maximum tokens"
                type="number"
                value={form.maxLength}
                onChange={(maxLength) => patch({ maxLength })}
                error={shown.maxLength}
                placeholder="512"
                hint="For the share of texts that would be cut."
              />
              <button
                type="button"
                onClick={() => void run('check')}
                disabled={busy !== null}
                data-testid="dataset-check"
              >
                {busy === 'check' ? 'Checking…' : checked ? 'Check again' : 'Check'}
              </button>
            </div>
            {checked && stale && (
              <p className="warning small" data-testid="dataset-report-stale">
                The options changed since this check; check again to see their effect.
              </p>
            )}
            {checked && (
              <ReportView
                report={checked.report}
                testId="dataset-report"
                drop={{ value: form.drop, onChange: (drop) => patch({ drop }) }}
              />
            )}
          </section>
        </>
      )}
      {busy && progress && <ImportProgress progress={progress} />}
      <ErrorBox error={shownError} testId="dataset-import-error" />
      {offerDrop && (
        <DropMalformedButton
          onDrop={() => patch({ drop: withMalformed(form.drop, true) })}
          testId="dataset-import-drop-malformed"
        />
      )}
      {done && <Done dataset={done} />}
      <div className="actions">
        <button
          type="submit"
          className="primary"
          disabled={busy !== null}
          data-testid="dataset-import-submit"
        >
          {busy === 'import' ? 'Importing…' : 'Import dataset'}
        </button>
      </div>
    </form>
  );
}
