/** How the CLI and the run pages name a run's dataset, kept or gone. */
import { describe, expect, it } from 'vitest';
import { Dataset, runDatasetLine, type RunDataset } from '../../src/shared/contract';
import { datasetNameOf } from '../../src/renderer/runs';

const kept: RunDataset = {
  name: 'vt',
  version: 1,
  contentHash: '1a2b3c4d5e6f7a8b',
  splits: { train: 8, test: 2 },
  labels: ['neg', 'pos'],
};

const listed = Dataset.parse({
  id: 'ds_a',
  name: 'vt',
  sourcePath: '/data/vt.csv',
  format: 'csv',
  textColumn: 'text',
  labelColumn: 'label',
  labels: ['neg', 'pos'],
  splits: { train: 8, test: 2 },
  labelCounts: [],
  contentHash: kept.contentHash,
  createdAt: '2026-12-03T00:00:00.000Z',
  version: 1,
});

describe('naming a run dataset', () => {
  it('prints the kept name, version and short hash, else the id', () => {
    expect(runDatasetLine({ datasetId: 'ds_a', dataset: kept })).toBe('vt v1 (sha 1a2b3c4d)');
    expect(runDatasetLine({ datasetId: 'ds_a' })).toBe('ds_a');
  });

  it('shows the listed dataset, else the kept one with its version, else the id', () => {
    expect(datasetNameOf([listed], { datasetId: 'ds_a', dataset: kept })).toBe('vt');
    expect(datasetNameOf([], { datasetId: 'ds_a', dataset: kept })).toBe('vt v1 (deleted)');
    expect(datasetNameOf(null, { datasetId: 'ds_a', dataset: kept })).toBe('vt v1');
    expect(datasetNameOf([], { datasetId: 'ds_a' })).toBe('ds_a');
  });
});
