/**
 * Models: the library (architecture, size, source and licence of each), a form to import a
 * folder and one to download from the Hugging Face Hub with live progress.
 */
import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import type { Model, ModelDownloadProgress } from '../../shared/contract';
import type { ApiError } from '../api';
import { DeleteButton, Empty, ErrorBox, Field } from '../components/common';
import { bytes, count } from '../format';
import { asApiError, useApi, useQuery } from '../hooks';

function ImportModelForm(props: { onImported(model: Model): void }): ReactElement {
  const api = useApi();
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<Model | null>(null);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);

    try {
      const model = await api.call('models.import', {
        path: path.trim(),
        name: name.trim() || undefined,
      });
      setDone(model);
      setPath('');
      setName('');
      props.onImported(model);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} data-testid="model-import-form">
      <h2>Import a model</h2>
      <p className="muted">
        A Hugging Face folder on this machine: config.json, the tokenizer files and
        model.safetensors of a BERT, RoBERTa, XLM-R, DistilBERT, ALBERT or ELECTRA encoder. It is
        copied into the model library.
      </p>
      <div className="form-grid">
        <Field label="Folder path" htmlFor="model-path">
          <input
            id="model-path"
            required
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/models/all-MiniLM-L6-v2"
            data-testid="model-path"
          />
        </Field>
        <Field label="Name" htmlFor="model-name" hint="Defaults to the folder name.">
          <input
            id="model-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="model-name"
          />
        </Field>
      </div>
      <ErrorBox error={error} testId="model-import-error" />
      {done && (
        <p className="notice" role="status" data-testid="model-import-done">
          Imported <strong>{done.name}</strong> ({done.architecture}).
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} data-testid="model-import-submit">
          {busy ? 'Importing…' : 'Import model'}
        </button>
      </div>
    </form>
  );
}

function DownloadModelForm(props: { onDownloaded(model: Model): void }): ReactElement {
  const api = useApi();
  const [repo, setRepo] = useState('');
  const [revision, setRevision] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [progress, setProgress] = useState<ModelDownloadProgress | null>(null);
  const [done, setDone] = useState<Model | null>(null);

  // Progress of whichever download is running; events carry the repo, so stale ones are cheap.
  useEffect(() => api.on('model.download', (p) => setProgress(p)), [api]);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    setProgress(null);
    try {
      const model = await api.call('models.download', {
        repo: repo.trim(),
        revision: revision.trim() || undefined,
      });
      setDone(model);
      props.onDownloaded(model);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  const share = progress && progress.total > 0 ? progress.done / progress.total : 0;
  return (
    <form className="card form" onSubmit={submit} data-testid="model-download-form">
      <h2>Download from the Hugging Face Hub</h2>
      <p className="muted">
        Fetches config, tokenizer and safetensors weights of a model id into the data folder, checks
        every file against the hub&apos;s checksums, and resumes if interrupted.
      </p>
      <div className="form-grid">
        <Field label="Model id" htmlFor="model-repo">
          <input
            id="model-repo"
            required
            value={repo}
            onChange={(e) => setRepo(e.target.value)}
            placeholder="sentence-transformers/all-MiniLM-L6-v2"
            data-testid="model-repo"
          />
        </Field>
        <Field label="Revision" htmlFor="model-revision" hint="Branch, tag or commit; main.">
          <input
            id="model-revision"
            value={revision}
            onChange={(e) => setRevision(e.target.value)}
            data-testid="model-revision"
          />
        </Field>
      </div>
      {busy && progress && (
        <div className="progress" role="status" data-testid="model-download-progress">
          <progress max={1} value={share} aria-label="Download progress" />
          <span className="muted small">
            {progress.phase} {progress.file ?? ''} {bytes(progress.done)} of {bytes(progress.total)}
          </span>
        </div>
      )}
      <ErrorBox error={error} testId="model-download-error" />
      {done && (
        <p className="notice" role="status" data-testid="model-download-done">
          Downloaded <strong>{done.name}</strong> ({done.architecture}).
        </p>
      )}
      <div className="actions">
        <button
          type="submit"
          className="primary"
          disabled={busy}
          data-testid="model-download-submit"
        >
          {busy ? 'Downloading…' : 'Download model'}
        </button>
      </div>
    </form>
  );
}

/** "hub:owner/name@<sha>" -> "hub owner/name @abc1234"; folders and files as they are. */
function sourceLabel(source: string | undefined): string {
  if (!source) return 'unknown';
  const hub = /^hub:(.+)@([0-9a-f]{7})[0-9a-f]*$/.exec(source);
  return hub ? `hub ${hub[1]} @${hub[2]}` : source;
}

export function ModelsPage(): ReactElement {
  const api = useApi();
  const list = useQuery('models.list', {});

  async function remove(model: Model): Promise<void> {
    await api.call('models.delete', { id: model.id });
    list.reload();
  }

  return (
    <section className="page" aria-labelledby="models-title">
      <h1 id="models-title">Models</h1>
      <ImportModelForm onImported={list.reload} />
      <DownloadModelForm onDownloaded={list.reload} />

      <div className="card">
        <h2>Library</h2>
        <ErrorBox error={list.error} testId="models-error" />
        {list.data && list.data.length === 0 && (
          <Empty testId="models-empty">
            No models yet. Import a folder or download one from the hub above.
          </Empty>
        )}
        {list.data && list.data.length > 0 && (
          <table className="table models-table" data-testid="models-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Shape</th>
                <th scope="col" className="num">
                  Parameters
                </th>
                <th scope="col">Source</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((model) => (
                <tr key={model.id} data-testid="model-row" data-id={model.id}>
                  <td className="model-name">
                    <strong>{model.name}</strong>
                    <div className="muted small" title={model.path}>
                      {model.kind} · {model.architecture}
                    </div>
                  </td>
                  <td className="small">
                    {model.layers} layers × {model.hiddenSize}
                    <div className="muted">{model.heads} heads</div>
                  </td>
                  <td className="num small" title={model.parameters.toLocaleString()}>
                    {count(model.parameters)}
                    <div className="muted">
                      vocabulary {count(model.vocabSize)} · {bytes(model.sizeOnDisk)}
                    </div>
                  </td>
                  <td className="small model-source" title={model.source}>
                    {sourceLabel(model.source)}
                    <div className="muted">{model.licence ?? 'licence not stated'}</div>
                  </td>
                  <td className="actions-cell">
                    <DeleteButton
                      name={model.name}
                      onDelete={() => remove(model)}
                      testId="model-delete"
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
