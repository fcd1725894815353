/**
 * Datasets: what is imported (rows per split, labels with counts, each with its validation
 * report) and the import flow to add more (see ../datasets/ImportFlow.tsx). The table keeps to
 * four columns, the columns used and the date under the name, so that in an 800-pixel window
 * the labels still have room and every Delete button is in view.
 */
import { useState, type ReactElement } from 'react';
import { datasetTitle, type Dataset } from '../../shared/contract';
import { DeleteButton, Empty, ErrorBox } from '../components/common';
import { ImportFlow } from '../datasets/ImportFlow';
import { ReportCard } from '../datasets/ReportCard';
import { dateTime } from '../format';
import { useApi, useQuery } from '../hooks';

const SPLIT_ORDER = ['train', 'validation', 'test'];

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
  const [reportOf, setReportOf] = useState<Dataset | null>(null);

  async function remove(dataset: Dataset): Promise<void> {
    await api.call('datasets.delete', { id: dataset.id });
    list.reload();
  }

  return (
    <section className="page" aria-labelledby="datasets-title">
      <h1 id="datasets-title">Datasets</h1>
      <ImportFlow onImported={list.reload} />

      <div className="card">
        <h2>Imported</h2>
        <ErrorBox error={list.error} testId="datasets-error" />
        {list.data && list.data.length === 0 && (
          <Empty testId="datasets-empty">No datasets yet. Import one above.</Empty>
        )}
        {list.data && list.data.length > 0 && (
          <table className="table datasets-table" data-testid="datasets-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Rows per split</th>
                <th scope="col">Labels</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((dataset) => (
                <tr key={dataset.id} data-testid="dataset-row" data-id={dataset.id}>
                  <td className="dataset-name">
                    <strong>{datasetTitle(dataset)}</strong>
                    <div className="muted small" title={dataset.sourcePath}>
                      {dataset.format}
                    </div>
                    <div
                      className="muted small"
                      title={`Content hash ${dataset.contentHash}`}
                      data-testid="dataset-version"
                    >
                      v{dataset.version ?? 1} · <code>{dataset.contentHash.slice(0, 8)}</code>
                    </div>
                    <div className="muted small" title="Imported">
                      {dateTime(dataset.createdAt)}
                    </div>
                    <div className="small">
                      text: <code>{dataset.textColumn}</code>
                      <br />
                      label: <code>{dataset.labelColumn}</code>
                    </div>
                    <button
                      type="button"
                      className="link small"
                      aria-expanded={reportOf?.id === dataset.id}
                      aria-controls="dataset-report-card"
                      onClick={() => setReportOf(reportOf?.id === dataset.id ? null : dataset)}
                      aria-label={`Validation report of ${datasetTitle(dataset)}`}
                      data-testid="dataset-report-toggle"
                    >
                      Report
                    </button>
                  </td>
                  <td>
                    {SPLIT_ORDER.filter((s) => s in dataset.splits).map((split) => (
                      <div key={split} className="nowrap" data-testid={`dataset-split-${split}`}>
                        {split} <strong>{dataset.splits[split].toLocaleString()}</strong>
                      </div>
                    ))}
                    {dataset.dropped ? (
                      <div className="nowrap muted small" data-testid="dataset-dropped">
                        dropped {dataset.dropped.toLocaleString()}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <LabelCounts dataset={dataset} />
                  </td>
                  <td className="actions-cell">
                    <DeleteButton
                      name={datasetTitle(dataset)}
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
      {reportOf && <ReportCard dataset={reportOf} onClose={() => setReportOf(null)} />}
    </section>
  );
}
