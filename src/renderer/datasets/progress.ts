/**
 * How a check's or an import's `dataset.import` events read: a phase that counts (bytes read,
 * rows laid out in their splits, rows stored) gets a bar; one sent as 0 of 1 is not measured
 * and shows the rows read, not a bar stuck at 0% (the CLI reads them alike: cli-progress.ts).
 */
import type { DatasetImportProgress } from '../../shared/contract';
import { bytes } from '../format';

const PHASE: Record<DatasetImportProgress['phase'], string> = {
  reading: 'Reading',
  validating: 'Validating',
  splitting: 'Splitting',
  writing: 'Storing',
  done: 'Done',
};

export interface ProgressView {
  label: string;
  /** done of total, for the bar; null where the phase is not measured. */
  measured: { done: number; total: number } | null;
}

export function progressView(p: DatasetImportProgress): ProgressView {
  const rows = `${p.rows.toLocaleString()} rows`;
  const of = `${p.done.toLocaleString()} of ${p.total.toLocaleString()} rows`;
  let detail = rows;
  let measured = false;
  if (p.phase === 'reading' && p.total > 0) {
    detail = `${bytes(p.done)} of ${bytes(p.total)}, ${rows}`;
    measured = true;
  } else if (p.phase === 'splitting' && p.total > 1) {
    // 0 of 1 while the split is drawn, then rows laid out of all
    detail = `${of} laid out`;
    measured = true;
  } else if (p.phase === 'writing' && p.total > 0) {
    detail = of;
    measured = true;
  }
  return {
    label: `${PHASE[p.phase]}: ${detail}`,
    measured: measured ? { done: p.done, total: p.total } : null,
  };
}
