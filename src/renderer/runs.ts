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

/** A model's name for an id, the id itself while the list loads. */
export function nameOf(models: Model[] | null, id: string): string {
  return models?.find((model) => model.id === id)?.name ?? id;
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
  if (listed) return datasetTitle(listed);
  if (!run.dataset) return run.datasetId;
  return versionedName(run.dataset) + (datasets ? ' (deleted)' : '');
}
