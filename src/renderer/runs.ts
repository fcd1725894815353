/** Helpers the run pages share. */
import {
  datasetTitle,
  versionedName,
  type Dataset,
  type Model,
  type RunSummary,
  type RunStatus,
} from '../shared/contract';

export function isActive(run: { status: RunStatus }): boolean {
  return run.status === 'queued' || run.status === 'running';
}

/**
 * A dataset's or model's name for an id (a dataset's with its version), the id itself while
 * the list loads.
 */
export function nameOf(items: (Dataset | Model)[] | null, id: string): string {
  const item = items?.find((candidate) => candidate.id === id);
  if (!item) return id;
  return 'contentHash' in item ? datasetTitle(item) : item.name;
}

/**
 * A run's dataset by name: from the datasets list while the dataset is in it, else (deleted,
 * or the list still loading) from the copy the run kept, with its version; else the id.
 */
export function datasetNameOf(
  datasets: Dataset[] | null,
  run: Pick<RunSummary, 'datasetId' | 'dataset'>,
): string {
  const listed = datasets?.find((d) => d.id === run.datasetId);
  if (listed || !run.dataset) return nameOf(datasets, run.datasetId);
  return versionedName(run.dataset) + (datasets ? ' (deleted)' : '');
}
