/**
 * One run: its configuration, curves per epoch (live while it trains), what its strategy
 * learned, test metrics with the per-class table and the confusion matrix, and export.
 */
import { useState, type ReactElement } from 'react';
import type { CallResponse, Run, SplitMetrics } from '../../shared/contract';
import type { ApiError } from '../api';
import { ErrorBox, ProgressBar, StatusBadge } from '../components/common';
import { ConfusionMatrix } from '../components/ConfusionMatrix';
import { RunChart } from '../components/RunCharts';
import { dateTime, fixed, percent, timing } from '../format';
import { asApiError, useApi, useQuery } from '../hooks';
import { mergePoints, useLive } from '../live';
import { href } from '../router';
import { LearnedPanel } from '../components/LearnedPanel';
import { classThresholds, configRows, hasLearned, learnedOf, type Row } from '../run/view';
import { datasetNameOf, isActive, nameOf } from '../runs';

type ExportResult = CallResponse<'runs.export'>;
type ExportState = { busy: boolean; result: ExportResult | null; error: ApiError | null };

/** Export: the button sits in the header, the result spans the page under it. */
function useExport(runId: string): ExportState & { start(): Promise<void> } {
  const api = useApi();
  const [state, setState] = useState<ExportState>({ busy: false, result: null, error: null });

  async function start(): Promise<void> {
    setState({ busy: true, result: null, error: null });
    try {
      const result = await api.call('runs.export', { runId });
      setState({ busy: false, result, error: null });
    } catch (caught) {
      setState({ busy: false, result: null, error: asApiError(caught) });
    }
  }

  return { ...state, start };
}

function ExportOutcome(props: { state: ExportState }): ReactElement | null {
  const { result, error } = props.state;
  if (error) return <ErrorBox error={error} testId="export-error" />;
  if (!result) return null;
  return (
    <div className="notice" role="status" data-testid="export-result">
      Exported to <code data-testid="export-dir">{result.dir}</code>
      <ul className="files">
        {result.files.map((file) => (
          <li key={file}>
            <code>{file}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function CancelButton(props: { run: Run }): ReactElement {
  const api = useApi();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function cancel(): Promise<void> {
    setBusy(true);
    try {
      await api.call('runs.cancel', { id: props.run.id });
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className="danger"
        onClick={cancel}
        disabled={busy}
        data-testid="cancel-button"
      >
        {busy ? 'Cancelling…' : 'Cancel run'}
      </button>
      <ErrorBox error={error} testId="cancel-error" />
    </>
  );
}

function Config(props: { run: Run; dataset: string; model: string }): ReactElement {
  const { run } = props;
  const rows: Row[] = [
    ...configRows(run, { dataset: props.dataset, model: props.model }),
    ['Created', dateTime(run.createdAt)],
    ['Finished', dateTime(run.finishedAt)],
    ...Object.entries(run.timings).map(([key, value]) => timing(key, value)),
  ];

  return (
    <dl className="config" data-testid="run-config">
      {rows.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function TestMetrics(props: { metrics: SplitMetrics }): ReactElement {
  const { metrics } = props;
  const thresholds = classThresholds(metrics);
  const tunedPerLabel = Boolean(metrics.thresholds?.length);
  return (
    <>
      <div className="scores">
        <div className="score">
          <span className="score-value" data-testid="test-accuracy">
            {percent(metrics.accuracy)}
          </span>
          <span className="score-label">{metrics.multiLabel ? 'subset accuracy' : 'accuracy'}</span>
        </div>
        <div className="score">
          <span className="score-value" data-testid="test-macro-f1">
            {percent(metrics.macroF1)}
          </span>
          <span className="score-label">macro-F1</span>
        </div>
        {metrics.multiLabel ? (
          <>
            <div className="score">
              <span className="score-value" data-testid="test-micro-f1">
                {percent(metrics.microF1 ?? 0)}
              </span>
              <span className="score-label">micro-F1</span>
            </div>
            <div className="score">
              <span className="score-value" data-testid="test-threshold">
                {fixed(metrics.threshold ?? 0.5)}
              </span>
              <span className="score-label">
                {tunedPerLabel ? 'fallback threshold' : 'threshold'}
              </span>
            </div>
          </>
        ) : null}
        <div className="score">
          <span className="score-value" data-testid="test-loss">
            {fixed(metrics.loss)}
          </span>
          <span className="score-label">loss</span>
        </div>
      </div>

      <div className="metrics-grid">
        <table className="table compact" data-testid="per-class-table">
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col" className="num">
                Precision
              </th>
              <th scope="col" className="num">
                Recall
              </th>
              <th scope="col" className="num">
                F1
              </th>
              <th scope="col" className="num">
                Support
              </th>
              {thresholds ? (
                <th scope="col" className="num" title="Decision threshold, tuned on validation">
                  Threshold
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {metrics.perClass.map((c) => (
              <tr key={c.label}>
                <th scope="row">{c.label}</th>
                <td className="num">{fixed(c.precision)}</td>
                <td className="num">{fixed(c.recall)}</td>
                <td className="num">{fixed(c.f1)}</td>
                <td className="num">{c.support}</td>
                {thresholds ? (
                  <td className="num" data-testid="class-threshold">
                    {fixed(thresholds.get(c.label) ?? metrics.threshold ?? 0.5)}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        {metrics.confusion.length > 0 ? (
          <ConfusionMatrix labels={metrics.labels} confusion={metrics.confusion} />
        ) : null}
      </div>
    </>
  );
}

export function RunDetailPage(props: { id: string }): ReactElement {
  const live = useLive(props.id);
  // A status change (running → completed) brings metrics: fetch the run again then.
  const query = useQuery('runs.get', { id: props.id }, live.status);
  const datasets = useQuery('datasets.list', {});
  const models = useQuery('models.list', {});
  const exporter = useExport(props.id);
  const run = query.data;

  if (!run) {
    return (
      <section className="page">
        <p>
          <a href={href({ page: 'runs' })}>← Runs</a>
        </p>
        <ErrorBox error={query.error} testId="run-error" />
        {!query.error && <p className="muted">Loading…</p>}
      </section>
    );
  }

  const status = live.status ?? run.status;
  const canExport = status === 'completed';
  const points = mergePoints(run.curves, live.points);
  const test = run.metrics.test;
  const multiLabel =
    datasets.data?.find((d) => d.id === run.datasetId)?.multiLabel ??
    test?.multiLabel ??
    run.dataset?.multiLabel ??
    false;
  const learned = learnedOf(run.details);

  return (
    <section className="page" data-testid="run-detail" aria-labelledby="run-title">
      <p>
        <a href={href({ page: 'runs' })}>← Runs</a>
      </p>
      <div className="page-head">
        <h1 id="run-title">
          Run <code>{run.id.slice(0, 8)}</code>{' '}
          <StatusBadge status={status} testId="run-detail-status" />
        </h1>
        <div className="inline-actions">
          {isActive({ status }) && <CancelButton run={run} />}
          <button
            type="button"
            onClick={exporter.start}
            disabled={exporter.busy || !canExport}
            title={canExport ? undefined : 'Only completed runs can be exported'}
            data-testid="export-button"
          >
            {exporter.busy ? 'Exporting…' : 'Export bundle'}
          </button>
        </div>
      </div>
      <ExportOutcome state={exporter} />

      {run.error && (
        <div className="error" role="alert" data-testid="run-failure">
          <strong>This run failed.</strong> {run.error}
        </div>
      )}
      {isActive({ status }) && live.progress && (
        <ProgressBar progress={live.progress} testId="run-detail-progress" />
      )}

      <div className="card">
        <h2>Configuration</h2>
        <Config
          run={run}
          dataset={datasetNameOf(datasets.data, run)}
          model={nameOf(models.data, run.modelId)}
        />
      </div>

      <div className="card">
        <h2>Curves</h2>
        <div className="chart-grid">
          <RunChart points={points} metric="Loss" testId="loss-chart" />
          <RunChart
            points={points}
            metric="Accuracy"
            multiLabel={multiLabel}
            testId="accuracy-chart"
          />
        </div>
      </div>

      {hasLearned(learned) && (
        <div className="card" data-testid="run-learned">
          <h2>What {run.strategy} learned</h2>
          <LearnedPanel learned={learned} />
        </div>
      )}

      <div className="card">
        <h2>Test set</h2>
        {test ? (
          <TestMetrics metrics={test} />
        ) : (
          <p className="muted" data-testid="test-pending">
            {isActive({ status }) ? 'Metrics appear when training ends.' : 'No test metrics.'}
          </p>
        )}
      </div>
    </section>
  );
}
