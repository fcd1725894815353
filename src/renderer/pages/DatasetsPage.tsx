/** Datasets: what is imported (rows per split, labels with counts) and a form to import more. */
import { useState, type FormEvent, type ReactElement } from 'react';
import type { Dataset, DatasetImportRequest } from '../../shared/contract';
import type { ApiError } from '../api';
import { DeleteButton, Empty, ErrorBox, Field } from '../components/common';
import { dateTime } from '../format';
import { asApiError, useApi, useQuery } from '../hooks';

const SPLIT_ORDER = ['train', 'validation', 'test'];

interface ImportForm {
  path: string;
  testPath: string;
  textColumn: string;
  labelColumn: string;
  limit: string;
  name: string;
}

const BLANK: ImportForm = {
  path: '',
  testPath: '',
  textColumn: '',
  labelColumn: '',
  limit: '',
  name: '',
};

/** Empty fields are left out so the importer's own defaults and detection apply. */
function toRequest(form: ImportForm): DatasetImportRequest {
  const optional = (value: string): string | undefined => value.trim() || undefined;
  return {
    path: form.path.trim(),
    testPath: optional(form.testPath),
    textColumn: optional(form.textColumn),
    labelColumn: optional(form.labelColumn),
    name: optional(form.name),
    limit: form.limit.trim() ? Number(form.limit) : undefined,
  };
}

function ImportDatasetForm(props: { onImported(dataset: Dataset): void }): ReactElement {
  const api = useApi();
  const [form, setForm] = useState<ImportForm>(BLANK);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<Dataset | null>(null);

  const set = (key: keyof ImportForm) => (event: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: event.target.value }));

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);

    try {
      const dataset = await api.call('datasets.import', toRequest(form));
      setDone(dataset);
      setForm(BLANK);
      props.onImported(dataset);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} data-testid="dataset-import-form">
      <h2>Import a dataset</h2>
      <p className="muted">
        A file on this machine: CSV or TSV with a text column and a label column, or one
        &ldquo;LABEL text&rdquo; line per example (the TREC layout).
      </p>
      <div className="form-grid">
        <Field label="File path" htmlFor="ds-path" hint="Training data (or all of it).">
          <input
            id="ds-path"
            required
            value={form.path}
            onChange={set('path')}
            placeholder="/data/sst2/train.tsv"
            data-testid="dataset-path"
          />
        </Field>
        <Field
          label="Test file path"
          htmlFor="ds-test"
          hint="Optional; otherwise a split is held out."
        >
          <input
            id="ds-test"
            value={form.testPath}
            onChange={set('testPath')}
            data-testid="dataset-test-path"
          />
        </Field>
        <Field label="Text column" htmlFor="ds-text" hint="Detected when empty.">
          <input
            id="ds-text"
            value={form.textColumn}
            onChange={set('textColumn')}
            data-testid="dataset-text-column"
          />
        </Field>
        <Field label="Label column" htmlFor="ds-label" hint="Detected when empty.">
          <input
            id="ds-label"
            value={form.labelColumn}
            onChange={set('labelColumn')}
            data-testid="dataset-label-column"
          />
        </Field>
        <Field label="Row limit" htmlFor="ds-limit" hint="Keep only the first N training rows.">
          <input
            id="ds-limit"
            type="number"
            min={1}
            step={1}
            value={form.limit}
            onChange={set('limit')}
            data-testid="dataset-limit"
          />
        </Field>
        <Field label="Name" htmlFor="ds-name" hint="Defaults to the file name.">
          <input id="ds-name" value={form.name} onChange={set('name')} data-testid="dataset-name" />
        </Field>
      </div>
      <ErrorBox error={error} testId="dataset-import-error" />
      {done && (
        <p className="notice" role="status" data-testid="dataset-import-done">
          Imported <strong>{done.name}</strong>.
        </p>
      )}
      <div className="actions">
        <button
          type="submit"
          className="primary"
          disabled={busy}
          data-testid="dataset-import-submit"
        >
          {busy ? 'Importing…' : 'Import dataset'}
        </button>
      </div>
    </form>
  );
}

function LabelCounts(props: { dataset: Dataset }): ReactElement {
  const total = props.dataset.labelCounts.reduce((sum, c) => sum + c.count, 0);
  return (
    <ul className="label-counts">
      {props.dataset.labelCounts.map((c) => (
        <li key={c.label} title={`${((c.count / Math.max(1, total)) * 100).toFixed(1)}%`}>
          <span className="label-name">{c.label}</span>{' '}
          <span className="muted">{c.count.toLocaleString()}</span>
        </li>
      ))}
    </ul>
  );
}

export function DatasetsPage(): ReactElement {
  const api = useApi();
  const list = useQuery('datasets.list', {});

  async function remove(dataset: Dataset): Promise<void> {
    await api.call('datasets.delete', { id: dataset.id });
    list.reload();
  }

  return (
    <section className="page" aria-labelledby="datasets-title">
      <h1 id="datasets-title">Datasets</h1>
      <ImportDatasetForm onImported={list.reload} />

      <div className="card">
        <h2>Imported</h2>
        <ErrorBox error={list.error} testId="datasets-error" />
        {list.data && list.data.length === 0 && (
          <Empty testId="datasets-empty">No datasets yet. Import one above.</Empty>
        )}
        {list.data && list.data.length > 0 && (
          <table className="table" data-testid="datasets-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Rows per split</th>
                <th scope="col">Labels</th>
                <th scope="col">Columns</th>
                <th scope="col">Imported</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((dataset) => (
                <tr key={dataset.id} data-testid="dataset-row" data-id={dataset.id}>
                  <td>
                    <strong>{dataset.name}</strong>
                    <div className="muted small" title={dataset.sourcePath}>
                      {dataset.format}
                    </div>
                  </td>
                  <td>
                    {SPLIT_ORDER.filter((s) => s in dataset.splits).map((split) => (
                      <div key={split} className="nowrap" data-testid={`dataset-split-${split}`}>
                        {split} <strong>{dataset.splits[split].toLocaleString()}</strong>
                      </div>
                    ))}
                  </td>
                  <td>
                    <LabelCounts dataset={dataset} />
                  </td>
                  <td className="small">
                    text: <code>{dataset.textColumn}</code>
                    <br />
                    label: <code>{dataset.labelColumn}</code>
                  </td>
                  <td className="small">{dateTime(dataset.createdAt)}</td>
                  <td>
                    <DeleteButton
                      name={dataset.name}
                      onDelete={() => remove(dataset)}
                      testId="dataset-delete"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
