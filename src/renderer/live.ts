/**
 * Live run state fed by pushed events, shared by every page: the latest `run.progress` per run
 * and the `run.epoch` points that arrived since the page loaded. Pages read it through
 * `useLive`, so a progress bar moves without refetching anything.
 */
import { useSyncExternalStore } from 'react';
import type { CurvePoint, RunProgress, RunStatus } from '../shared/contract';
import type { Api } from './api';

export interface LiveRun {
  progress: RunProgress | null;
  points: CurvePoint[];
  status: RunStatus | null;
}

const EMPTY: LiveRun = { progress: null, points: [], status: null };

let runs = new Map<string, LiveRun>();
let statusVersion = 0;
const listeners = new Set<() => void>();

function update(runId: string, change: (run: LiveRun) => LiveRun): void {
  // A new Map each time: useSyncExternalStore compares snapshots by identity.
  runs = new Map(runs).set(runId, change(runs.get(runId) ?? EMPTY));
  for (const listener of listeners) listener();
}

/** Subscribes the store to the api's events once, at startup. */
export function feedLive(api: Api): () => void {
  const stops = [
    api.on('run.progress', (progress) => update(progress.runId, (r) => ({ ...r, progress }))),
    api.on('run.epoch', ({ runId, point }) =>
      update(runId, (r) => ({
        ...r,
        points: [...r.points.filter((p) => p.epoch !== point.epoch), point],
      })),
    ),
    api.on('run.status', ({ runId, status }) => {
      statusVersion++;
      update(runId, (r) => ({ ...r, status }));
    }),
  ];
  return () => stops.forEach((stop) => stop());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLive(runId: string): LiveRun {
  return useSyncExternalStore(subscribe, () => runs.get(runId) ?? EMPTY);
}

/** Changes whenever any run changes status: a cue for lists to refetch. */
export function useStatusVersion(): number {
  return useSyncExternalStore(subscribe, () => statusVersion);
}

/** Stored curve points merged with live ones, one per epoch, live ones winning. */
export function mergePoints(stored: CurvePoint[], live: CurvePoint[]): CurvePoint[] {
  const byEpoch = new Map<number, CurvePoint>();
  for (const point of [...stored, ...live]) byEpoch.set(point.epoch, point);
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}
