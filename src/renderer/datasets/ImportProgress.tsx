/** Progress of a check or an import, from the `dataset.import` events of its training file. */
import type { ReactElement } from 'react';
import type { DatasetImportProgress } from '../../shared/contract';
import { progressView } from './progress';

export function ImportProgress(props: { progress: DatasetImportProgress }): ReactElement {
  const { label, measured } = progressView(props.progress);
  return (
    <div className="progress" data-testid="dataset-progress">
      <progress value={measured?.done} max={measured?.total} aria-label={label} />
      <span className="progress-label">
        {label}
        {measured && ` (${Math.round((measured.done / measured.total) * 100)}%)`}
      </span>
    </div>
  );
}
