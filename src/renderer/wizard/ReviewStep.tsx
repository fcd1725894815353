/**
 * The last step: everything the run will use, the picture of what trains, and the estimated
 * time and memory as a range with the assumptions behind it.
 */
import type { ReactElement } from 'react';
import { datasetTitle, TrainRequest, type Dataset, type Model } from '../../shared/contract';
import { estimateRun, type Estimate, type Range } from '../../shared/estimate';
import { bytes, seconds } from '../format';
import { changedFields, FIELDS, PANELS, toRequest, type WizardForm } from './form';
import { DiagramLegend, StrategyDiagram, type DiagramOptions } from './StrategyDiagram';
import { STRATEGIES } from './strategies';

export function estimateFor(
  form: WizardForm,
  dataset: Dataset | undefined,
  model: Model | undefined,
  wordVectors: Model | undefined,
): Estimate | null {
  if (!dataset || !model) return null;
  const parsed = TrainRequest.safeParse(toRequest(form, model.layers));
  if (!parsed.success) return null;
  return estimateRun({
    rows: {
      train: dataset.splits.train ?? 0,
      validation: dataset.splits.validation ?? 0,
      test: dataset.splits.test ?? 0,
    },
    labels: dataset.labels.length,
    model,
    wordVectors: wordVectors ?? null,
    config: parsed.data,
  });
}

function span(r: Range, format: (v: number) => string): string {
  const low = format(r.low);
  const high = format(r.high);
  return low === high ? low : `${low} \u2013 ${high}`;
}

function EstimateCard(props: { estimate: Estimate | null }): ReactElement {
  const e = props.estimate;
  if (!e) return <p className="muted">No estimate: fix the options first.</p>;
  return (
    <div className="estimate" data-testid="run-estimate">
      <div className="scores">
        <div className="score">
          <span className="score-value" data-testid="estimate-time">
            {span(e.seconds, seconds)}
          </span>
          <span className="score-label">estimated time</span>
        </div>
        <div className="score">
          <span className="score-value" data-testid="estimate-memory">
            {span(e.memoryBytes, bytes)}
          </span>
          <span className="score-label">estimated peak memory</span>
        </div>
      </div>
      <table className="table compact">
        <thead>
          <tr>
            <th>phase</th>
            <th className="num">time</th>
          </tr>
        </thead>
        <tbody>
          {e.phases.map((p) => (
            <tr key={p.name}>
              <td>
                {p.name}
                {p.cacheable && (
                  <small className="hint">skipped when the features are cached</small>
                )}
              </td>
              <td className="num nowrap">{span(p.seconds, seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details className="more">
        <summary>Assumptions</summary>
        <ul className="assumptions small" data-testid="estimate-assumptions">
          {e.assumptions.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}

export function ReviewStep(props: {
  form: WizardForm;
  dataset: Dataset | undefined;
  model: Model | undefined;
  wordVectors: Model | undefined;
  diagram: DiagramOptions;
}): ReactElement {
  const { form, dataset, model, wordVectors } = props;
  const changed = new Set(changedFields(form));
  const panel = PANELS[form.strategy];
  const estimate = estimateFor(form, dataset, model, wordVectors);

  return (
    <div className="review" data-testid="run-review">
      <div className="review-grid">
        <dl className="config">
          <div>
            <dt>Dataset</dt>
            <dd data-testid="review-dataset">{dataset ? datasetTitle(dataset) : '—'}</dd>
          </div>
          <div>
            <dt>Model</dt>
            <dd data-testid="review-model">{model?.name ?? '—'}</dd>
          </div>
          <div>
            <dt>Strategy</dt>
            <dd data-testid="review-strategy">{STRATEGIES[form.strategy].title}</dd>
          </div>
          {wordVectors && (
            <div>
              <dt>Word vectors</dt>
              <dd>{wordVectors.name}</dd>
            </div>
          )}
          {form.strategy === 'feature-concat' && (
            <div>
              <dt>Layers</dt>
              <dd>{form.layers?.join(', ') ?? 'the last four'}</dd>
            </div>
          )}
          {form.strategy === 'layer-transfer' && (
            <div>
              <dt>Teacher layers</dt>
              <dd>{form.studentLayers?.map((l) => l + 1).join(', ') ?? 'every other'}</dd>
            </div>
          )}
          {[...panel.basic, ...panel.advanced].map((key) => (
            <div key={key} className={changed.has(key) ? 'changed' : undefined}>
              <dt>{FIELDS[key].label}</dt>
              <dd>
                {form.values[key].trim() || 'none'}
                {changed.has(key) ? ' (changed)' : ''}
              </dd>
            </div>
          ))}
        </dl>
        <div>
          <StrategyDiagram
            strategy={form.strategy}
            options={props.diagram}
            testId="review-diagram"
          />
          <DiagramLegend />
        </div>
      </div>
      <h3>Estimate</h3>
      <EstimateCard estimate={estimate} />
    </div>
  );
}
