import { describe, expect, it } from 'vitest';
import {
  Dataset,
  Model,
  Run,
  runDatasetOf,
  STRATEGY_NAMES,
  TrainRequest,
} from '../../shared/contract';
import { BUNDLE_FORMAT, type BundleManifest } from './manifest';
import { modelCard } from './model-card';

const now = '2026-12-03T00:00:00.000Z';

const model = Model.parse({
  id: 'mdl_a',
  name: 'tiny-bert',
  kind: 'transformer',
  architecture: 'bert',
  path: '/models/tiny',
  layers: 4,
  hiddenSize: 32,
  heads: 2,
  vocabSize: 100,
  maxPositions: 64,
  parameters: 12_345,
  sizeOnDisk: 50_000,
  createdAt: now,
});

const dataset = runDatasetOf(
  Dataset.parse({
    id: 'ds_a',
    name: 'reviews',
    sourcePath: '/data/reviews.csv',
    format: 'csv',
    textColumn: 'text',
    labelColumn: 'label',
    labels: ['neg', 'pos'],
    splits: { train: 8, test: 2 },
    labelCounts: [
      { label: 'neg', count: 5 },
      { label: 'pos', count: 5 },
    ],
    contentHash: 'abc',
    createdAt: now,
    version: 1,
  }),
);

const manifest: BundleManifest = {
  format: BUNDLE_FORMAT,
  graph: 'model.onnx',
  maxLength: 64,
  inputs: [],
  output: { name: 'probabilities', dtype: 'float32', shape: ['batch', 2] },
  labels: ['neg', 'pos'],
  source: {
    runId: 'run_a',
    strategy: 'fine-tune',
    model: 'mdl_a',
    dataset: 'ds_a',
    exportedAt: now,
    graftVersion: '0.0.0',
  },
};

function runWith(strategy: string, extra: Record<string, unknown> = {}): Run {
  const config = TrainRequest.parse({ datasetId: 'ds_a', modelId: 'mdl_a', strategy, ...extra });
  const perClass = ['neg', 'pos'].map((label) => ({
    label,
    precision: 0.5,
    recall: 0.5,
    f1: 0.5,
    support: 1,
  }));
  return Run.parse({
    id: 'run_a',
    datasetId: 'ds_a',
    modelId: 'mdl_a',
    strategy,
    status: 'completed',
    config,
    metrics: {
      test: {
        accuracy: 0.5,
        macroF1: 0.5,
        loss: 0.7,
        perClass,
        confusion: [
          [1, 0],
          [1, 0],
        ],
        labels: ['neg', 'pos'],
      },
    },
    curves: [],
    error: null,
    createdAt: now,
    finishedAt: now,
  });
}

describe('modelCard', () => {
  it('says what stayed frozen and what trained, per strategy', () => {
    const cards = Object.fromEntries(
      STRATEGY_NAMES.map((s) => [s, modelCard({ run: runWith(s), model, dataset, manifest })]),
    );

    expect(cards['feature-extraction']).toContain('frozen encoder');
    expect(cards['fine-tune']).toContain('the whole encoder fine-tuned');
    expect(cards['fine-tune']).not.toContain('frozen');
    expect(cards['layer-transfer']).toContain('smaller student');
    expect(cards['scalar-mix']).toContain('mix of every layer');
    expect(cards['gated-fusion']).toContain('gate');
  });

  it('names the options a run was trained with and its test results', () => {
    const run = runWith('fine-tune', { unfreezeTopK: 2, schedule: 'cosine' });
    const card = modelCard({ run, model, dataset, manifest });

    expect(card).toContain('the top 2 encoder layers fine-tuned');
    expect(card).toContain('cosine schedule');
    expect(card).toContain('Accuracy 50.00%');
    expect(card).toContain('| pos | 0.500 | 0.500 | 0.500 | 1 |');
    expect(card).toContain('20 epochs, batch 32');
  });

  it("lists each label's own threshold for a multi-label run", () => {
    const run = runWith('fine-tune');
    run.metrics.test = {
      ...run.metrics.test!,
      confusion: [],
      multiLabel: true,
      threshold: 0.4,
      thresholds: [0.25, 0.4],
      microF1: 0.5,
      subsetAccuracy: 0.5,
    };
    const card = modelCard({ run, model, dataset, manifest });

    expect(card).toContain('| label | precision | recall | F1 | support | threshold |');
    expect(card).toContain('| neg | 0.500 | 0.500 | 0.500 | 1 | 0.25 |');
    expect(card).toContain('| pos | 0.500 | 0.500 | 0.500 | 1 | 0.4 |');
    expect(card).toContain('its threshold in the table');
  });

  it('names the dataset with its version even for v1, its splits and hash', () => {
    const card = modelCard({ run: runWith('fine-tune'), model, dataset, manifest });

    expect(card).toContain('# reviews v1 classifier (tiny-bert, fine-tune)');
    expect(card).toContain('- Dataset: reviews v1 (train 8, test 2; content hash `abc`).');
  });

  it('names a deleted dataset the run kept nothing of by its id', () => {
    const card = modelCard({ run: runWith('fine-tune'), model, dataset: null, manifest });

    expect(card).toContain('# ds_a classifier');
    expect(card).toContain('- Dataset: ds_a (deleted before this export;');
  });
});
