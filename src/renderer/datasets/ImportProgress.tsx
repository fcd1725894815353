/** Progress of a check or an import, from the `dataset.import` events of its training file. */
import type { ReactElement } from 'react';
import type { DatasetImportProgress } from '../../shared/contract';
import { bytes } from '../format';

const PHASE: Record<DatasetImportProgress['phase'], string> = {
  reading: 'Reading',
  validating: 'Validating',
  splitting: 'Splitting',
  writing: 'Storing',
  done: 'Done',
};

function detail(p: DatasetImportProgress): string {
  const rows = `${p.rows.toLocaleString()} rows`;
  if (p.phase === 'reading' && p.total > 0) return `${bytes(p.done)} of ${bytes(p.total)}, ${rows}`;
  if (p.phase === 'writing' && p.total > 0) {
    return `${p.done.toLocaleString()} of ${p.total.toLocaleString()} rows`;
  }
  return rows;
}

export function ImportProgress(props: { progress: DatasetImportProgress }): ReactElement {
  const p = props.progress;
  const measured = (p.phase === 'reading' || p.phase === 'writing') && p.total > 0;
  const label = `${PHASE[p.phase]}: ${detail(p)}`;
  return (
    <div className="progress" data-testid="dataset-progress">
      <progress
        value={measured ? p.done : undefined}
        max={measured ? p.total : undefined}
        aria-label={label}
      />
      <span className="progress-label">
        {label}
        {measured && ` (${Math.round((p.done / p.total) * 100)}%)`}
      </span>
    </div>
  );
}
