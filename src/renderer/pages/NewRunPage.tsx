/**
 * New run, as a wizard: dataset, model, strategy, hyperparameters, review, start. One form for
 * all steps, so Enter always means "next" (and "start" on the review), the browser's own
 * validation covers the number fields, and Back never loses what was typed.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { StrategyName } from '../../shared/contract';
import type { ApiError } from '../api';
import { ErrorBox } from '../components/common';
import { asApiError, useApi, useQuery } from '../hooks';
import { navigate } from '../router';
import { DatasetStep, ModelStep, StrategyStep } from '../wizard/choices';
import { defaultValues, initialForm, toRequest, validate, type WizardForm } from '../wizard/form';
import { ParamsStep } from '../wizard/ParamsStep';
import { ReviewStep } from '../wizard/ReviewStep';
import type { DiagramOptions } from '../wizard/StrategyDiagram';
import { STRATEGY_ORDER } from '../wizard/strategies';
import '../wizard/wizard.css';

const STEPS = [
  { id: 'dataset', title: 'Dataset', lead: 'Which labelled texts should the classifier learn?' },
  { id: 'model', title: 'Model', lead: 'Which pre-trained language model should it start from?' },
  { id: 'strategy', title: 'Strategy', lead: 'How should its knowledge reach the classifier?' },
  { id: 'params', title: 'Hyperparameters', lead: 'How long and how fast to train.' },
  { id: 'review', title: 'Review', lead: 'Check the run and its estimated cost, then start it.' },
] as const;

function diagramOptions(form: WizardForm, layers: number, hasWordVectors: boolean): DiagramOptions {
  const topK = form.values.unfreezeTopK.trim();
  return {
    layers: layers || 6,
    layer: Number.isInteger(Number(form.values.layer)) ? Number(form.values.layer) : -1,
    concatLayers: form.layers,
    studentLayers: form.studentLayers,
    unfreezeTopK: topK === '' ? undefined : Number(topK),
    distill: Number(form.values.distillTemperature) > 0,
    wordVectors: form.strategy === 'gated-fusion' || (hasWordVectors && !!form.wordVectorsId),
    tfidf: form.values.tfidf === 'true',
  };
}

export function NewRunPage(): ReactElement {
  const api = useApi();
  const datasets = useQuery('datasets.list', {});
  const models = useQuery('models.list', {});
  const strategies = useQuery('strategies.list', {});
  const [form, setForm] = useState<WizardForm>(initialForm);
  const [step, setStep] = useState(0);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  // Preselect the newest dataset and model once the lists arrive.
  useEffect(() => {
    const encoder = models.data?.find((m) => m.kind !== 'word-vectors');
    setForm((f) => ({
      ...f,
      datasetId: f.datasetId || datasets.data?.[0]?.id || '',
      modelId: f.modelId || encoder?.id || '',
    }));
  }, [datasets.data, models.data]);

  // Focus follows the step, so keyboard and screen-reader users land on its title.
  useEffect(() => {
    if (moved.current) heading.current?.focus();
    moved.current = true;
  }, [step]);

  const available = strategies.data ?? [];
  const dataset = datasets.data?.find((d) => d.id === form.datasetId);
  const model = models.data?.find((m) => m.id === form.modelId);
  const wordVectorModels = (models.data ?? []).filter((m) => m.kind === 'word-vectors');
  const wordVectors = wordVectorModels.find((m) => m.id === form.wordVectorsId);
  const layers = model?.layers ?? 0;
  const diagram = diagramOptions(form, layers, !!wordVectors);
  // Each card draws its own strategy's defaults; the chosen one follows the form.
  const cardDiagram = (strategy: StrategyName): DiagramOptions =>
    strategy === form.strategy
      ? diagram
      : diagramOptions(
          { ...initialForm(strategy), wordVectorsId: form.wordVectorsId },
          layers,
          !!wordVectors,
        );

  const patch = (p: Partial<WizardForm>): void => {
    setForm((f) => ({ ...f, ...p }));
    setErrors({});
  };
  const chooseStrategy = (strategy: StrategyName): void =>
    patch({ strategy, values: defaultValues(strategy), layers: null, studentLayers: null });
  const chooseModel = (modelId: string): void =>
    patch({ modelId, layers: null, studentLayers: null });

  // A strategy this build cannot train must not stay selected once the list arrives.
  useEffect(() => {
    if (available.length > 0 && !available.includes(form.strategy)) {
      const first = STRATEGY_ORDER.find((s) => available.includes(s));
      if (first) chooseStrategy(first);
    }
    // Only when the list arrives: the user's later choices are theirs.
  }, [strategies.data]);

  function problems(at: number): Record<string, string> {
    const id = STEPS[at].id;
    if (id === 'dataset' && !dataset) return { step: 'Choose a dataset.' };
    if (id === 'model' && !model) return { step: 'Choose a model.' };
    if (id === 'strategy' && !available.includes(form.strategy)) {
      return { step: 'This strategy is not available in this build yet.' };
    }
    if (id === 'params' || id === 'review') return validate(form, layers);
    return {};
  }

  function goTo(target: number): void {
    for (let i = 0; i < target; i++) {
      const found = problems(i);
      if (Object.keys(found).length > 0) {
        setErrors(found);
        setStep(i);
        return;
      }
    }
    setErrors({});
    setStep(target);
  }

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (step < STEPS.length - 1) return goTo(step + 1);
    const found = problems(STEPS.length - 1);
    if (Object.keys(found).length > 0) return goTo(STEPS.length - 1);

    setBusy(true);
    setError(null);
    try {
      const run = await api.call('runs.start', toRequest(form, layers));
      navigate({ page: 'run', id: run.id });
    } catch (caught) {
      setError(asApiError(caught));
      setBusy(false);
    }
  }

  const current = STEPS[step];
  const loadError = datasets.error ?? models.error ?? strategies.error;
  const last = step === STEPS.length - 1;

  return (
    <section className="page wizard" aria-labelledby="new-run-title">
      <h1 id="new-run-title">New run</h1>
      <ErrorBox error={loadError} testId="new-run-load-error" />

      <nav aria-label="Wizard steps">
        <ol className="stepper" data-testid="wizard-steps">
          {STEPS.map((s, i) => (
            <li key={s.id} className={i < step ? 'done' : undefined}>
              <button
                type="button"
                onClick={() => goTo(i)}
                disabled={i > step + 1}
                aria-current={i === step ? 'step' : undefined}
                data-testid={`wizard-step-${s.id}`}
              >
                <span className="step-number">{i + 1}</span> {s.title}
              </button>
            </li>
          ))}
        </ol>
      </nav>

      {/* noValidate: every check is ours, shown inline beside its field and named. */}
      <form className="card form" onSubmit={submit} noValidate data-testid="run-form">
        <h2 ref={heading} tabIndex={-1} data-testid="wizard-title">
          {step + 1}. {current.title}
        </h2>
        <p className="muted lead">{current.lead}</p>

        {current.id === 'dataset' && datasets.data && (
          <DatasetStep
            datasets={datasets.data}
            value={form.datasetId}
            onChange={(datasetId) => patch({ datasetId })}
          />
        )}
        {current.id === 'model' && models.data && (
          <ModelStep models={models.data} value={form.modelId} onChange={chooseModel} />
        )}
        {current.id === 'strategy' && (
          <StrategyStep
            value={form.strategy}
            available={available}
            diagram={cardDiagram}
            hasWordVectors={wordVectorModels.length > 0}
            onChange={chooseStrategy}
          />
        )}
        {current.id === 'params' && (
          <ParamsStep
            form={form}
            model={model}
            wordVectors={wordVectorModels}
            errors={errors}
            diagram={diagram}
            onChange={patch}
            onReset={() => chooseStrategy(form.strategy)}
          />
        )}
        {current.id === 'review' && (
          <ReviewStep
            form={form}
            dataset={dataset}
            model={model}
            wordVectors={wordVectors}
            diagram={diagram}
          />
        )}

        {errors.step && (
          <div className="error" role="alert" data-testid="wizard-error">
            {errors.step}
          </div>
        )}
        <ErrorBox error={error} testId="run-start-error" />
        <div className="actions">
          {step > 0 && (
            <button type="button" onClick={() => goTo(step - 1)} data-testid="wizard-back">
              Back
            </button>
          )}
          {last ? (
            <button type="submit" className="primary" disabled={busy} data-testid="run-start">
              {busy ? 'Starting…' : 'Start run'}
            </button>
          ) : (
            <button type="submit" className="primary" data-testid="wizard-next">
              Next: {STEPS[step + 1].title}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
