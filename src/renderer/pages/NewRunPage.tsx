/** New run: pick data, a model and a strategy, set the few knobs that matter, start. */
import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import { TrainRequest, type StrategyName } from '../../shared/contract';
import type { ApiError } from '../api';
import { Empty, ErrorBox, Field } from '../components/common';
import { asApiError, useApi, useQuery } from '../hooks';
import { href, navigate } from '../router';

// The contract's own defaults, so the form and the CLI start from the same numbers.
const DEFAULTS = TrainRequest.parse({ datasetId: 'default', modelId: 'default' });

// The strategies the main process trains today; the wizard grows with transfer/.
const STRATEGIES: Partial<Record<StrategyName, { title: string; explanation: string }>> = {
  'feature-extraction': {
    title: 'Feature extraction',
    explanation:
      'The model stays frozen: each text is encoded once, pooled into one vector, and only a ' +
      'small classifier head is trained on those vectors.',
  },
};

const HEADS = {
  logreg: { title: 'Logistic regression', text: 'One linear layer. Fast, a strong baseline.' },
  mlp: { title: 'MLP', text: 'One hidden layer. Fits what a linear head cannot; needs more data.' },
} as const;

interface RunForm {
  datasetId: string;
  modelId: string;
  strategy: StrategyName;
  head: keyof typeof HEADS;
  pooling: 'mean' | 'cls' | 'max';
  layer: string;
  epochs: string;
  learningRate: string;
  batchSize: string;
  hiddenUnits: string;
  seed: string;
}

const INITIAL: RunForm = {
  datasetId: '',
  modelId: '',
  strategy: DEFAULTS.strategy,
  head: DEFAULTS.head,
  pooling: DEFAULTS.pooling,
  layer: String(DEFAULTS.layer),
  epochs: String(DEFAULTS.epochs),
  learningRate: String(DEFAULTS.learningRate),
  batchSize: String(DEFAULTS.batchSize),
  hiddenUnits: String(DEFAULTS.hiddenUnits),
  seed: String(DEFAULTS.seed),
};

function toRequest(form: RunForm): TrainRequest {
  return {
    datasetId: form.datasetId,
    modelId: form.modelId,
    strategy: form.strategy,
    head: form.head,
    pooling: form.pooling,
    layer: Number(form.layer),
    epochs: Number(form.epochs),
    learningRate: Number(form.learningRate),
    batchSize: Number(form.batchSize),
    hiddenUnits: Number(form.hiddenUnits),
    seed: Number(form.seed),
  };
}

export function NewRunPage(): ReactElement {
  const api = useApi();
  const datasets = useQuery('datasets.list', {});
  const models = useQuery('models.list', {});
  const [form, setForm] = useState<RunForm>(INITIAL);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  // Preselect the newest dataset and model once the lists arrive.
  useEffect(() => {
    setForm((f) => ({
      ...f,
      datasetId: f.datasetId || datasets.data?.[0]?.id || '',
      modelId: f.modelId || models.data?.[0]?.id || '',
    }));
  }, [datasets.data, models.data]);

  const set = (key: keyof RunForm) => (event: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: event.target.value }));

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);

    try {
      const run = await api.call('runs.start', toRequest(form));
      navigate({ page: 'run', id: run.id });
    } catch (caught) {
      setError(asApiError(caught));
      setBusy(false);
    }
  }

  const missing = datasets.data?.length === 0 || models.data?.length === 0;

  return (
    <section className="page" aria-labelledby="new-run-title">
      <h1 id="new-run-title">New run</h1>
      <ErrorBox error={datasets.error ?? models.error} testId="new-run-load-error" />
      {missing && (
        <Empty testId="new-run-missing">
          A run needs at least one <a href={href({ page: 'datasets' })}>dataset</a> and one{' '}
          <a href={href({ page: 'models' })}>model</a>.
        </Empty>
      )}

      <form className="card form" onSubmit={submit} data-testid="run-form">
        <h2>Data and model</h2>
        <div className="form-grid">
          <Field label="Dataset" htmlFor="run-dataset">
            <select
              id="run-dataset"
              required
              value={form.datasetId}
              onChange={set('datasetId')}
              data-testid="run-dataset"
            >
              {datasets.data?.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({Object.values(d.splits).reduce((a, b) => a + b, 0)} rows,{' '}
                  {d.labels.length} labels)
                </option>
              ))}
            </select>
          </Field>
          <Field label="Model" htmlFor="run-model">
            <select
              id="run-model"
              required
              value={form.modelId}
              onChange={set('modelId')}
              data-testid="run-model"
            >
              {models.data?.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} ({m.architecture}, {m.layers} layers)
                </option>
              ))}
            </select>
          </Field>
        </div>

        <h2>Strategy</h2>
        <div className="form-grid">
          <Field label="Transfer strategy" htmlFor="run-strategy">
            <select
              id="run-strategy"
              value={form.strategy}
              onChange={set('strategy')}
              data-testid="run-strategy"
            >
              {Object.entries(STRATEGIES).map(([value, s]) => (
                <option key={value} value={value}>
                  {s.title}
                </option>
              ))}
            </select>
          </Field>
          <p className="explanation" data-testid="run-strategy-explanation">
            {STRATEGIES[form.strategy]?.explanation}
          </p>
        </div>

        <fieldset className="radio-group">
          <legend>Classifier head</legend>
          {Object.entries(HEADS).map(([value, head]) => (
            <label key={value} className="radio">
              <input
                type="radio"
                name="head"
                value={value}
                checked={form.head === value}
                onChange={set('head')}
                data-testid={`run-head-${value}`}
              />
              <span>
                <strong>{head.title}</strong>
                <small className="hint">{head.text}</small>
              </span>
            </label>
          ))}
        </fieldset>

        <h2>Training</h2>
        <div className="form-grid four">
          <Field label="Epochs" htmlFor="run-epochs">
            <input
              id="run-epochs"
              type="number"
              min={1}
              max={1000}
              step={1}
              required
              value={form.epochs}
              onChange={set('epochs')}
              data-testid="run-epochs"
            />
          </Field>
          <Field label="Learning rate" htmlFor="run-lr">
            <input
              id="run-lr"
              type="number"
              min={0}
              step="any"
              required
              value={form.learningRate}
              onChange={set('learningRate')}
              data-testid="run-learning-rate"
            />
          </Field>
          <Field label="Batch size" htmlFor="run-batch">
            <input
              id="run-batch"
              type="number"
              min={1}
              max={4096}
              step={1}
              required
              value={form.batchSize}
              onChange={set('batchSize')}
              data-testid="run-batch-size"
            />
          </Field>
          <Field label="Seed" htmlFor="run-seed">
            <input
              id="run-seed"
              type="number"
              step={1}
              required
              value={form.seed}
              onChange={set('seed')}
              data-testid="run-seed"
            />
          </Field>
        </div>

        <details className="more">
          <summary>More options</summary>
          <div className="form-grid four">
            <Field label="Pooling" htmlFor="run-pooling" hint="How token vectors become one.">
              <select
                id="run-pooling"
                value={form.pooling}
                onChange={set('pooling')}
                data-testid="run-pooling"
              >
                <option value="mean">mean of tokens</option>
                <option value="cls">first token ([CLS])</option>
                <option value="max">max over tokens</option>
              </select>
            </Field>
            <Field label="Layer" htmlFor="run-layer" hint="-1 = last, 0 = embeddings.">
              <input
                id="run-layer"
                type="number"
                step={1}
                value={form.layer}
                onChange={set('layer')}
                data-testid="run-layer"
              />
            </Field>
            {form.head === 'mlp' && (
              <Field label="Hidden units" htmlFor="run-hidden" hint="Width of the MLP layer.">
                <input
                  id="run-hidden"
                  type="number"
                  min={1}
                  step={1}
                  value={form.hiddenUnits}
                  onChange={set('hiddenUnits')}
                  data-testid="run-hidden-units"
                />
              </Field>
            )}
          </div>
        </details>

        <ErrorBox error={error} testId="run-start-error" />
        <div className="actions">
          <button
            type="submit"
            className="primary"
            disabled={busy || missing}
            data-testid="run-start"
          >
            {busy ? 'Starting…' : 'Start run'}
          </button>
        </div>
      </form>
    </section>
  );
}
