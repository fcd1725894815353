import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunDataset, SplitMetrics } from '../../shared/contract';
import { openStore, type Store } from './index';
import { tempDir, type TempDir } from './test-helpers';

let tmp: TempDir;
let store: Store;

beforeEach(() => {
  tmp = tempDir();
  store = openStore(tmp.file('graft.db'));
});

afterEach(() => {
  store.close();
  tmp.remove();
});

const testMetrics: SplitMetrics = {
  accuracy: 0.75,
  macroF1: 0.7,
  loss: 0.5,
  perClass: [
    { label: 'neg', precision: 1, recall: 0.5, f1: 2 / 3, support: 2 },
    { label: 'pos', precision: 2 / 3, recall: 1, f1: 0.8, support: 2 },
  ],
  confusion: [
    [1, 1],
    [0, 2],
  ],
  labels: ['neg', 'pos'],
};

function newRun(createdAt?: string): ReturnType<Store['runs']['create']> {
  return store.runs.create({
    datasetId: 'ds_a',
    modelId: 'md_b',
    config: { datasetId: 'ds_a', modelId: 'md_b', epochs: 3 },
    createdAt,
  });
}

describe('runs', () => {
  it('creates a queued run with the config defaults filled in', () => {
    const run = newRun();

    expect(run.id).toMatch(/^run_[0-9a-z]{12}$/);
    expect(run.status).toBe('queued');
    expect(run.strategy).toBe('feature-extraction');
    expect(run.config.epochs).toBe(3);
    expect(run.config.batchSize).toBe(32);
    expect(run).toMatchObject({ metrics: {}, timings: {}, error: null, finishedAt: null });
  });

  it('round-trips status, metrics, timings and curves', () => {
    const run = newRun();
    store.runs.update(run.id, { status: 'running' });
    store.runs.appendCurvePoint(run.id, {
      epoch: 2,
      trainLoss: 0.4,
      trainAccuracy: 0.8,
      validationLoss: null,
      validationAccuracy: null,
    });
    store.runs.appendCurvePoint(run.id, {
      epoch: 1,
      trainLoss: 0.6,
      trainAccuracy: 0.7,
      validationLoss: 0.65,
      validationAccuracy: 0.69,
    });
    const done = store.runs.update(run.id, {
      status: 'completed',
      metrics: { test: testMetrics },
      timings: { features: 1.5, training: 3.25 },
      finishedAt: '2026-01-01T00:00:10.000Z',
    });

    expect(done.status).toBe('completed');
    const full = store.runs.get(run.id);
    expect(full.metrics.test).toEqual(testMetrics);
    expect(full.timings).toEqual({ features: 1.5, training: 3.25 });
    expect(full.finishedAt).toBe('2026-01-01T00:00:10.000Z');
    expect(full.curves.map((p) => [p.epoch, p.trainLoss, p.validationLoss])).toEqual([
      [1, 0.6, 0.65],
      [2, 0.4, null],
    ]);
  });

  it('replaces the point of an epoch that is appended again', () => {
    const run = newRun();
    const point = {
      epoch: 1,
      trainLoss: 1,
      trainAccuracy: 0.5,
      validationLoss: null,
      validationAccuracy: null,
    };
    store.runs.appendCurvePoint(run.id, point);
    store.runs.appendCurvePoint(run.id, { ...point, trainLoss: 0.9 });

    expect(store.runs.get(run.id).curves.map((p) => p.trainLoss)).toEqual([0.9]);
  });

  it('refuses values SQLite or JSON would silently change', () => {
    const run = newRun();
    const nan = {
      epoch: 1,
      trainLoss: NaN,
      trainAccuracy: 0.5,
      validationLoss: null,
      validationAccuracy: null,
    };
    expect(() => store.runs.appendCurvePoint(run.id, nan)).toThrow(
      /curve point for run .* is invalid: trainLoss/,
    );
    expect(() => store.runs.update(run.id, { timings: { total: Infinity } })).toThrow(/timings/);
    expect(() => store.runs.update(run.id, { status: 'paused' as never })).toThrow(/status/);
    expect(store.runs.get(run.id).curves).toEqual([]);
  });

  it('keeps the dataset a run was created with, apart from its config', () => {
    const dataset: RunDataset = {
      name: 'vt',
      version: 2,
      contentHash: '1a2b3c4d5e6f',
      splits: { train: 8, test: 2 },
      labels: ['neg', 'pos'],
    };
    const run = store.runs.create({
      datasetId: 'ds_a',
      modelId: 'md_b',
      dataset,
      config: { datasetId: 'ds_a', modelId: 'md_b' },
    });
    store.runs.update(run.id, { status: 'completed', metrics: { test: testMetrics } });

    expect(run.dataset).toEqual(dataset);
    expect(store.runs.get(run.id).dataset).toEqual(dataset);
    expect(store.runs.list()[0].dataset).toEqual(dataset);
    expect(store.runs.get(run.id).config).not.toHaveProperty('dataset');
  });

  it('reads a run stored without its dataset as one without', () => {
    expect(newRun()).not.toHaveProperty('dataset');
    expect(() =>
      store.runs.create({
        datasetId: 'ds_a',
        modelId: 'md_b',
        dataset: { name: 'vt' } as RunDataset,
        config: { datasetId: 'ds_a', modelId: 'md_b' },
      }),
    ).toThrow(/run dataset/);
  });

  it('lists summaries newest first', () => {
    const a = newRun('2026-01-01T00:00:00.000Z');
    const c = newRun('2026-03-01T00:00:00.000Z');
    const b = newRun('2026-02-01T00:00:00.000Z');

    const list = store.runs.list();
    expect(list.map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect(list[0]).not.toHaveProperty('curves');
  });

  it('throws not-found naming the id', () => {
    expect(() => store.runs.get('run_gone')).toThrow(/run "run_gone" does not exist/);
    expect(() => store.runs.update('run_gone', { status: 'failed' })).toThrow(/"run_gone"/);
    expect(() =>
      store.runs.appendCurvePoint('run_gone', {
        epoch: 1,
        trainLoss: 1,
        trainAccuracy: 0,
        validationLoss: null,
        validationAccuracy: null,
      }),
    ).toThrow(/"run_gone"/);
  });

  it('marks runs a crashed process left queued or running as failed', () => {
    const queued = newRun();
    const running = newRun();
    const finished = newRun();
    store.runs.update(running.id, { status: 'running' });
    store.runs.update(finished.id, { status: 'completed', finishedAt: '2026-01-01T00:00:00Z' });
    store.close();

    store = openStore(tmp.file('graft.db'));
    const ids = store.runs.markInterrupted();

    expect(ids.sort()).toEqual([queued.id, running.id].sort());
    const r = store.runs.get(running.id);
    expect(r.status).toBe('failed');
    expect(r.error).toBe('interrupted: Graft stopped while this run was running; start it again');
    expect(r.finishedAt).not.toBeNull();
    expect(store.runs.get(queued.id).error).toMatch(/was queued/);
    expect(store.runs.get(finished.id)).toMatchObject({ status: 'completed', error: null });
    expect(store.runs.markInterrupted()).toEqual([]);
  });
});
