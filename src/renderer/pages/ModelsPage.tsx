/** Models: the library (architecture and size of each) and a form to import a folder. */
import { useState, type FormEvent, type ReactElement } from 'react';
import type { Model } from '../../shared/contract';
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
        model.safetensors of a BERT-family encoder. It is copied into the model library.
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

      <div className="card">
        <h2>Library</h2>
        <ErrorBox error={list.error} testId="models-error" />
        {list.data && list.data.length === 0 && (
          <Empty testId="models-empty">No models yet. Import a folder above.</Empty>
        )}
        {list.data && list.data.length > 0 && (
          <table className="table" data-testid="models-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Architecture</th>
                <th scope="col" className="num">
                  Layers
                </th>
                <th scope="col" className="num">
                  Hidden size
                </th>
                <th scope="col" className="num">
                  Heads
                </th>
                <th scope="col" className="num">
                  Parameters
                </th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((model) => (
                <tr key={model.id} data-testid="model-row" data-id={model.id}>
                  <td>
                    <strong>{model.name}</strong>
                    <div className="muted small" title={model.path}>
                      {model.kind}
                    </div>
                  </td>
                  <td>{model.architecture}</td>
                  <td className="num">{model.layers}</td>
                  <td className="num">{model.hiddenSize}</td>
                  <td className="num">{model.heads}</td>
                  <td className="num" title={model.parameters.toLocaleString()}>
                    {count(model.parameters)}
                  </td>
                  <td className="num">{bytes(model.sizeOnDisk)}</td>
                  <td>
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
