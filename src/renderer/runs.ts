/** Helpers the run pages share. */
import { datasetTitle, type Dataset, type Model, type RunStatus } from '../shared/contract';

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
