/**
 * Feature extraction: the encoder stays frozen; one of its layers is pooled into a fixed
 * vector per text, and only a head (logistic regression or MLP) is trained on those vectors.
 * The features are computed once per (model, dataset version, layer, pooling, max length) and
 * cached in the data directory.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SplitName } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { classificationMetrics } from '../evaluation/metrics';
import type { RunContext, RunOutcome } from '../runs/run-manager';
import { logger } from '../util/log';
import { extractFeatures, type FeatureMatrix } from './features';
import { evaluateHead, trainHead } from './head-training';
import { saveHeadArtifact } from './head-artifact';
import { stratifiedSplit } from '../datasets/split';
import type { StrategyDeps } from './index';
import { labelSetsOf, multiLabelOutcome, targetsOf } from './multi-label';

const log = logger('transfer');

/** Share of the training rows held out for validation curves when the dataset has none. */
const VALIDATION_SHARE = 0.1;

export async function runFeatureExtraction(
  ctx: RunContext,
  deps: StrategyDeps,
): Promise<RunOutcome> {
  const { config } = ctx;
  const dataset = deps.store.datasets.get(config.datasetId);
  const model = deps.store.models.get(config.modelId);

  const split = (
    name: SplitName,
  ): { texts: string[]; labels: number[]; labelSets?: number[][] } | null =>
    dataset.splits[name] ? deps.store.datasets.rows(dataset.id, name) : null;
  const train = split('train');
  const test = split('test');
  if (!train || !test) {
    throw new GraftError(
      'bad-input',
      `dataset ${dataset.id} needs a train and a test split; it has ${Object.keys(dataset.splits).join(', ')}`,
    );
  }

  const started = performance.now();
  const featureOptions = {
    model,
    datasetHash: dataset.contentHash,
    layer: config.layer,
    pooling: config.pooling,
    maxLength: config.maxLength,
    cacheDir: deps.layout.features,
    signal: ctx.signal,
  };
  const report = (done: number, total: number, message: string): void =>
    ctx.progress({ phase: 'features', done, total, message });
  const trainFeatures = await extractFeatures({
    ...featureOptions,
    split: 'train',
    texts: train.texts,
    onProgress: report,
  });
  const testFeatures = await extractFeatures({
    ...featureOptions,
    split: 'test',
    texts: test.texts,
    onProgress: report,
  });
  const validationRows = split('validation');
  const validationFeatures = validationRows
    ? await extractFeatures({
        ...featureOptions,
        split: 'validation',
        texts: validationRows.texts,
        onProgress: report,
      })
    : null;
  ctx.timings.features = (performance.now() - started) / 1000;
  ctx.timings.featureSentencesPerSecond =
    trainFeatures.computeSeconds > 0
      ? (train.texts.length + test.texts.length) /
        (trainFeatures.computeSeconds + testFeatures.computeSeconds)
      : 0;
  ctx.timings.featureCacheHit = trainFeatures.cacheHit && testFeatures.cacheHit ? 1 : 0;

  // Validation: the dataset's own split, or a seeded stratified share of the training rows.
  let fitX: FeatureMatrix = trainFeatures;
  let fitY = Int32Array.from(train.labels);
  let valX: FeatureMatrix | null = validationFeatures;
  let valY = validationRows ? Int32Array.from(validationRows.labels) : null;
  const multiLabel = dataset.multiLabel === true;
  const trainSets = labelSetsOf(train);
  let fitT = targetsOf(dataset, train);
  let valSets = validationRows ? labelSetsOf(validationRows) : null;
  let valT = validationRows ? targetsOf(dataset, validationRows) : undefined;
  if (!valX) {
    const { train: keep, test: holdout } = stratifiedSplit(
      train.labels,
      dataset.labels.length,
      VALIDATION_SHARE,
      config.seed,
    );
    fitX = trainFeatures.select(keep);
    fitY = Int32Array.from(keep, (i) => train.labels[i]);
    valX = trainFeatures.select(holdout);
    valY = Int32Array.from(holdout, (i) => train.labels[i]);
    fitT = targetsOf(dataset, train, keep);
    valT = targetsOf(dataset, train, holdout);
    valSets = holdout.map((i) => trainSets[i]);
  }
  if (ctx.signal.aborted) throw new GraftError('cancelled', 'run cancelled');

  const trainStarted = performance.now();
  const head = await trainHead({
    config,
    classes: dataset.labels.length,
    multiLabel,
    train: { x: fitX, y: fitY, targets: fitT },
    validation: valX && valY ? { x: valX, y: valY, targets: valT } : null,
    signal: ctx.signal,
    onProgress: (done, total, message, trainLoss) =>
      ctx.progress({ phase: 'training', done, total, message, trainLoss }),
    onEpoch: (point) => ctx.epoch(point),
  });
  ctx.timings.training = (performance.now() - trainStarted) / 1000;

  ctx.progress({
    phase: 'evaluating',
    done: 0,
    total: test.texts.length,
    message: 'scoring the test split',
  });
  const scored = async (): Promise<{
    evaluation: Awaited<ReturnType<typeof evaluateHead>>;
    validation: Float32Array | null;
  }> => {
    const evaluation = await evaluateHead(
      head,
      testFeatures,
      Int32Array.from(test.labels),
      targetsOf(dataset, test),
    );
    const validation =
      multiLabel && valX && valY
        ? (await evaluateHead(head, valX, valY, valT)).probabilities
        : null;
    return { evaluation, validation };
  };
  const { evaluation, validation } = await scored().finally(() => head.release());
  let predictions: unknown = Array.from(evaluation.predicted);
  let metrics;
  if (multiLabel) {
    const outcome = multiLabelOutcome({
      dataset,
      validation: validation && valSets ? { probabilities: validation, sets: valSets } : null,
      test: { probabilities: evaluation.probabilities, sets: labelSetsOf(test) },
      loss: evaluation.loss,
    });
    metrics = outcome.metrics;
    predictions = outcome.predicted;
  } else {
    metrics = classificationMetrics(
      test.labels,
      evaluation.predicted,
      dataset.labels,
      evaluation.loss,
    );
  }

  saveHeadArtifact(ctx.runDir, {
    head: head.state,
    labels: dataset.labels,
    modelId: model.id,
    hiddenSize: trainFeatures.cols,
  });
  writeFileSync(
    join(ctx.runDir, 'test-predictions.json'),
    JSON.stringify({ predicted: predictions, labels: dataset.labels }),
  );
  log.info(
    `run ${ctx.runId}: test accuracy ${(metrics.accuracy * 100).toFixed(2)}%, macro-F1 ${metrics.macroF1.toFixed(4)}`,
  );
  return { test: metrics };
}
