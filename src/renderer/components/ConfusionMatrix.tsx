/**
 * The confusion matrix as a colour-scaled grid, rows the true labels and columns the
 * predictions. Each cell is shaded by its share of the row, so a class with few examples reads
 * as clearly as a big one; the diagonal is blue (right) and everything else red (wrong).
 */
import type { CSSProperties, ReactElement } from 'react';

export interface ConfusionMatrixProps {
  labels: string[];
  /** confusion[i][j]: true label i predicted as j. */
  confusion: number[][];
}

function cellStyle(share: number, correct: boolean): CSSProperties {
  const hue = correct ? 215 : 0;
  const alpha = share === 0 ? 0 : 0.08 + 0.82 * share;
  return {
    background: `hsla(${hue}, 70%, 45%, ${alpha.toFixed(3)})`,
    color: alpha > 0.55 ? '#fff' : undefined,
  };
}

function cellTitle(truth: string, predicted: string, value: number, share: number): string {
  return `true ${truth}, predicted ${predicted}: ${value} (${(share * 100).toFixed(1)}% of row)`;
}

export function ConfusionMatrix(props: ConfusionMatrixProps): ReactElement {
  const { labels, confusion } = props;

  return (
    <table className="confusion" data-testid="confusion-matrix">
      <caption>Rows: true label. Columns: predicted label. Shade: share of the row.</caption>
      <thead>
        <tr>
          <th scope="col" className="confusion-corner">
            true \ predicted
          </th>
          {labels.map((label) => (
            <th key={label} scope="col" title={label}>
              {label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {confusion.map((row, i) => {
          const total = row.reduce((a, b) => a + b, 0);
          return (
            <tr key={labels[i]}>
              <th scope="row" title={labels[i]}>
                {labels[i]}
              </th>
              {row.map((value, j) => {
                const share = total > 0 ? value / total : 0;
                return (
                  <td
                    key={labels[j]}
                    style={cellStyle(share, i === j)}
                    title={cellTitle(labels[i], labels[j], value, share)}
                    data-testid={`confusion-${i}-${j}`}
                  >
                    {value}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
