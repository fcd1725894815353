/** Helpers the run pages share. */
import type { Dataset, Model, RunStatus } from '../shared/contract';

export function isActive(run: { status: RunStatus }): boolean {
  return run.status === 'queued' || run.status === 'running';
}

/** A dataset's or model's name for an id, the id itself while the list loads. */
export function nameOf(items: (Dataset | Model)[] | null, id: string): string {
  return items?.find((item) => item.id === id)?.name ?? id;
}
