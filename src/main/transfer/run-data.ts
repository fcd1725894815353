/**
 * What every strategy reads first: the run's dataset splits and model, and which training rows
 * fit the model versus which validate it (the dataset's own validation split, or a seeded
 * stratified share of the training rows).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset, Model, SplitName } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { stratifiedSplit } from '../datasets/split';
import { argmaxRows, classificationMetrics } from '../evaluation/metrics';
import type { RunContext, RunOutcome } from '../runs/run-manager';
import { logger } from '../util/log';
import { extractFeatures, FeatureMatrix } from './features';
import type { StrategyDeps } from './index';
import { labelSetsOf, multiLabelOutcome, targetsOf } from './multi-label';

const log = logger('transfer');

/** Share of the training rows held out for validation curves when the dataset has none. */
export const VALIDATION_SHARE = 0.1;

export interface SplitRows {
  texts: string[];
  labels: number[];
  /** Multi-label datasets: each row's labels (labels[i] is the first). */
  labelSets?: number[][];
}

export interface RunData {
  dataset: Dataset;
  model: Model;
  train: SplitRows;
  test: SplitRows;
  validation: SplitRows | null;
  /** Training rows the model is fitted on, and held-out training rows (null: use validation). */
  fit: number[];
  holdout: number[] | null;
}

export function loadRunData(ctx: RunContext, deps: StrategyDeps): RunData {
  const { config } = ctx;
  const dataset = deps.store.datasets.get(config.datasetId);
  const model = deps.store.models.get(config.modelId);
  if (model.kind !== 'transformer') {
    throw new GraftError(
      'invalid-argument',
      `modelId: ${model.id} is ${model.kind}; ` +
        `${config.strategy} needs a transformer (give word vectors as wordVectorsId)`,
    );
  }

  const split = (name: SplitName): SplitRows | null =>
    dataset.splits[name] ? deps.store.datasets.rows(dataset.id, name) : null;
  const train = split('train');
  const test = split('test');
  if (!train || !test) {
    throw new GraftError(
      'bad-input',
      `dataset ${dataset.id} needs a train and a test split; ` +
        `it has ${Object.keys(dataset.splits).join(', ')}`,
    );
  }
  const validation = split('validation');
  if (validation) {
    return {
      dataset,
      model,
      train,
      test,
      validation,
      fit: train.labels.map((_, i) => i),
      holdout: null,
    };
  }
  const parts = stratifiedSplit(train.labels, dataset.labels.length, VALIDATION_SHARE, config.seed);
  return { dataset, model, train, test, validation: null, fit: parts.train, holdout: parts.test };
}

/** The word-vectors model a run names, checked to be one. */
export function wordVectorsModel(ctx: RunContext, deps: StrategyDeps): Model | null {
  const id = ctx.config.wordVectorsId;
  if (!id) return null;
  const model = deps.store.models.get(id);
  if (model.kind !== 'word-vectors') {
    throw new GraftError(
      'invalid-argument',
      `wordVectorsId: ${id} is a ${model.kind} model; ` +
        'accepted: a word-vectors model (import a GloVe or word2vec .txt/.vec/.gz file)',
    );
  }
  return model;
}

export interface SplitFeatures {
  train: FeatureMatrix;
  test: FeatureMatrix;
  validation: FeatureMatrix | null;
}

/** Pooled features of the given hidden states for every split, through the feature cache. */
export async function pooledSplits(
  ctx: RunContext,
  deps: StrategyDeps,
  data: RunData,
  layers: readonly number[],
): Promise<SplitFeatures> {
  const started = performance.now();
  const base = {
    model: data.model,
    datasetHash: data.dataset.contentHash,
    layer: -1,
    layers,
    pooling: ctx.config.pooling,
    maxLength: ctx.config.maxLength,
    cacheDir: deps.layout.features,
    signal: ctx.signal,
    onProgress: (done: number, total: number, message: string): void =>
      ctx.progress({ phase: 'features', done, total, message }),
  };
  const train = await extractFeatures({ ...base, split: 'train', texts: data.train.texts });
  const test = await extractFeatures({ ...base, split: 'test', texts: data.test.texts });
  const validation = data.validation
    ? await extractFeatures({ ...base, split: 'validation', texts: data.validation.texts })
    : null;
  ctx.timings.features = (performance.now() - started) / 1000;
  ctx.timings.featureCacheHit = train.cacheHit && test.cacheHit ? 1 : 0;
  return { train, test, validation };
}

/** Multi-hot targets of a multi-label run's splits (all undefined for single-label data). */
export function runTargets(data: RunData): {
  train?: Float32Array;
  validation?: Float32Array;
  test?: Float32Array;
  /** Of the rows the validation scores cover: the holdout rows, or the validation split. */
  holdout?: Float32Array;
} {
  return {
    train: targetsOf(data.dataset, data.train),
    validation: data.validation ? targetsOf(data.dataset, data.validation) : undefined,
    test: targetsOf(data.dataset, data.test),
    holdout: data.holdout
      ? targetsOf(data.dataset, data.train, data.holdout)
      : data.validation
        ? targetsOf(data.dataset, data.validation)
        : undefined,
  };
}

/** The label sets of the rows validation is scored on: holdout rows, or the validation split. */
export function validationSets(data: RunData): number[][] | null {
  if (data.holdout) {
    const sets = labelSetsOf(data.train);
    return data.holdout.map((i) => sets[i]);
  }
  return data.validation ? labelSetsOf(data.validation) : null;
}

/**
 * Scores the test split's probabilities into metrics and keeps the predictions for parity.
 * Multi-label runs pass the validation probabilities (holdout rows, or the validation split)
 * to tune the decision threshold on.
 */
export function testOutcome(
  ctx: RunContext,
  data: RunData,
  probabilities: Float32Array,
  loss: number,
  details: Record<string, unknown>,
  validationProbabilities?: Float32Array | null,
): RunOutcome {
  if (data.dataset.multiLabel) {
    const sets = validationSets(data);
    const { metrics, predicted } = multiLabelOutcome({
      dataset: data.dataset,
      validation:
        validationProbabilities && sets ? { probabilities: validationProbabilities, sets } : null,
      test: { probabilities, sets: labelSetsOf(data.test) },
      loss,
    });
    writeFileSync(
      join(ctx.runDir, 'test-predictions.json'),
      JSON.stringify({ predicted, labels: data.dataset.labels }),
    );
    return { test: metrics, details };
  }
  const predicted = argmaxRows(probabilities, data.dataset.labels.length);
  const metrics = classificationMetrics(data.test.labels, predicted, data.dataset.labels, loss);
  writeFileSync(
    join(ctx.runDir, 'test-predictions.json'),
    JSON.stringify({ predicted: Array.from(predicted), labels: data.dataset.labels }),
  );
  log.info(
    `run ${ctx.runId} (${ctx.config.strategy}): test accuracy ` +
      `${(metrics.accuracy * 100).toFixed(2)}%, macro-F1 ${metrics.macroF1.toFixed(4)}`,
  );
  return { test: metrics, details };
}

/** Columns side by side: [rows, a.cols + b.cols]. */
export function hconcat(parts: readonly FeatureMatrix[]): FeatureMatrix {
  const rows = parts[0].rows;
  const cols = parts.reduce((n, p) => n + p.cols, 0);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let at = r * cols;
    for (const p of parts) {
      out.set(p.row(r), at);
      at += p.cols;
    }
  }
  return new FeatureMatrix(out, rows, cols);
}

/** Chosen column blocks of width `width` (block k = columns k*width .. (k+1)*width). */
export function selectBlocks(
  x: FeatureMatrix,
  blocks: readonly number[],
  width: number,
): FeatureMatrix {
  const cols = blocks.length * width;
  const out = new Float32Array(x.rows * cols);
  for (let r = 0; r < x.rows; r++) {
    const row = x.row(r);
    blocks.forEach((b, k) =>
      out.set(row.subarray(b * width, (b + 1) * width), r * cols + k * width),
    );
  }
  return new FeatureMatrix(out, x.rows, cols);
}
