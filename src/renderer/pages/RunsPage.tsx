/**
 * Runs: every experiment with its status and test scores, and a live panel per active run with
 * a progress bar (`run.progress`) and the loss curve as epochs land (`run.epoch`).
 */
import type { ReactElement } from 'react';
import type { RunSummary } from '../../shared/contract';
import { Empty, ErrorBox, ProgressBar, StatusBadge } from '../components/common';
import { RunChart } from '../components/RunCharts';
import { dateTime, percent } from '../format';
import { useQuery } from '../hooks';
import { mergePoints, useLive, useStatusVersion } from '../live';
import { href } from '../router';
import { datasetNameOf, isActive, nameOf } from '../runs';

function LiveRun(props: { run: RunSummary; title: string }): ReactElement {
  const { run } = props;
  const live = useLive(run.id);
  // Epochs that finished before this page opened come from the store, later ones live.
  const stored = useQuery('runs.get', { id: run.id });
  const points = mergePoints(stored.data?.curves ?? [], live.points);

  return (
    <article className="card live" data-testid="live-run" data-id={run.id}>
      <header className="live-head">
        <a href={href({ page: 'run', id: run.id })}>{props.title}</a>
        <StatusBadge status={live.status ?? run.status} />
      </header>
      {live.progress ? (
        <ProgressBar progress={live.progress} testId="live-progress" />
      ) : (
        <p className="muted small">Waiting for progress…</p>
      )}
      <RunChart points={points} metric="Loss" height={160} testId="live-loss-chart" />
    </article>
  );
}

function RunRow(props: { run: RunSummary; dataset: string; model: string }): ReactElement {
  const { run } = props;
  const live = useLive(run.id);
  const test = run.metrics.test;

  return (
    <tr data-testid="run-row" data-id={run.id}>
      <td>
        <a href={href({ page: 'run', id: run.id })} data-testid="run-link">
          {run.id.slice(0, 8)}
        </a>
        <div className="muted small">{dateTime(run.createdAt)}</div>
      </td>
      <td>{props.dataset}</td>
      <td className="nowrap">{props.model}</td>
      <td className="nowrap">
        {run.strategy}
        <div className="muted small">
          {run.config.head} · {run.config.epochs} epochs
        </div>
      </td>
      <td className="status-cell">
        <StatusBadge status={live.status ?? run.status} testId="run-status" />
        {isActive(run) && live.progress && (
          <ProgressBar progress={live.progress} testId="run-progress" />
        )}
        {run.error && (
          <div className="error-inline small" title={run.error}>
            {run.error}
          </div>
        )}
      </td>
      <td className="num" data-testid="run-accuracy">
        {percent(test?.accuracy)}
      </td>
      <td className="num" data-testid="run-macro-f1">
        {percent(test?.macroF1)}
      </td>
    </tr>
  );
}

export function RunsPage(): ReactElement {
  // Refetch the list whenever any run changes status (finished runs gain their metrics).
  const statusVersion = useStatusVersion();
  const runs = useQuery('runs.list', {}, statusVersion);
  const datasets = useQuery('datasets.list', {});
  const models = useQuery('models.list', {});

  const active = runs.data?.filter(isActive) ?? [];
  const title = (run: RunSummary): string =>
    `${nameOf(models.data, run.modelId)} on ${datasetNameOf(datasets.data, run)}`;

  return (
    <section className="page" aria-labelledby="runs-title">
      <div className="page-head">
        <h1 id="runs-title">Runs</h1>
        <a className="button primary" href={href({ page: 'new-run' })} data-testid="runs-new">
          New run
        </a>
      </div>
      <ErrorBox error={runs.error} testId="runs-error" />

      {active.length > 0 && (
        <div className="live-grid" aria-label="Active runs">
          {active.map((run) => (
            <LiveRun key={run.id} run={run} title={title(run)} />
          ))}
        </div>
      )}

      <div className="card">
        <h2>History</h2>
        {runs.data && runs.data.length === 0 && (
          <Empty testId="runs-empty">
            No runs yet. <a href={href({ page: 'new-run' })}>Start one</a>.
          </Empty>
        )}
        {runs.data && runs.data.length > 0 && (
          <table className="table" data-testid="runs-table">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Dataset</th>
                <th scope="col">Model</th>
                <th scope="col">Strategy</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Test accuracy
                </th>
                <th scope="col" className="num">
                  Macro-F1
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.data.map((run) => (
                <RunRow
                  key={run.id}
                  run={run}
                  dataset={datasetNameOf(datasets.data, run)}
                  model={nameOf(models.data, run.modelId)}
                />
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
