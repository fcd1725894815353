/**
 * A stored dataset's classes across its splits: for each label, its rows in train, validation
 * and test, with a bar for its share of the split. A random split is stratified, so the bars
 * line up; a split column or separate files can give each split its own mix, and this is where
 * the user sees it.
 */
import type { ReactElement } from 'react';
import type { Dataset, SplitName } from '../../shared/contract';
import { ErrorBox } from '../components/common';
import { useQuery } from '../hooks';

const SPLIT_ORDER: readonly SplitName[] = ['train', 'validation', 'test'];

function percent(count: number, total: number): string {
  return total > 0 ? `${((count / total) * 100).toFixed(1)}%` : '—';
}

export function SplitLabels(props: { dataset: Dataset }): ReactElement {
  const counts = useQuery('datasets.labels', { id: props.dataset.id });
  const splits = SPLIT_ORDER.filter((s) => counts.data?.[s]);
  const labels = props.dataset.labels;
  const rowsIn = (split: SplitName): number => props.dataset.splits[split] ?? 0;
  return (
    <div className="split-labels" data-testid="dataset-split-labels">
      <h3>Labels per split</h3>
      <ErrorBox error={counts.error} testId="dataset-split-labels-error" />
      {counts.data && (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Label</th>
                {splits.map((s) => (
                  <th scope="col" key={s}>
                    {s} <span className="muted">({rowsIn(s).toLocaleString()} rows)</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, i) => (
                <tr key={label} data-testid="split-label-row">
                  <th scope="row" className="split-label">
                    {label}
                  </th>
                  {splits.map((s) => {
                    const count = counts.data?.[s]?.[i]?.count ?? 0;
                    const share = percent(count, rowsIn(s));
                    return (
                      <td key={s} data-split={s} title={`${share} of ${s}`}>
                        <span className="split-label-count">{count.toLocaleString()}</span>
                        <span className="share-track" aria-hidden="true">
                          <span className="share-fill" style={{ width: share }} />
                        </span>
                        <span className="muted small">{share}</span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
