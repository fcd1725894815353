/**
 * Layer transfer: a shallower student BERT made of the teacher's embeddings and chosen teacher
 * layers (studentLayers, default every other layer ending at the top: [1, 3, 5] of 6), plus a
 * linear head, trained end to end with the fine-tuning recipe (encoder-training.ts).
 *
 * Optional distillation (distillTemperature > 0): the teacher is the frozen full encoder with a
 * logistic-regression head fitted first on its pooled features, i.e. a feature-extraction run.
 * That teacher is cheap (its features come from, and go to, the shared feature cache) where a
 * fine-tuned teacher would cost a full fine-tuning run first. The student minimises
 * (1 − α)·CE(labels) + α·T²·KL(teacher ‖ student) at temperature T, α = distillAlpha.
 * On a multi-label dataset the teacher head has sigmoid outputs and the student minimises
 * (1 − α)·BCE(labels) + α·T²·Σ Bernoulli KL(σ(t/T) ‖ σ(z/T)) over labels (averaged): the
 * student's BCE against the teacher's soft targets, less their constant entropy.
 */
import type { Dataset, Model } from '../../shared/contract';
import {
  multiLabelMetrics,
  thresholdRows,
  tuneLabelThresholds,
  tuneThreshold,
} from '../evaluation/multi-label';
import { inspectModelFolder } from '../models/hf-folder';
import type { RunContext, RunOutcome } from '../runs/run-manager';
import { logger } from '../util/log';
import {
  checkSourceLayers,
  defaultStudentLayers,
  loadClassifierModel,
  type ClassifierLayout,
} from './encoder-classifier';
import { tokeniseForRun, type RunSplits } from './encoder-data';
import { trainEncoderClassifier, type Distillation } from './encoder-training';
import { extractFeatures } from './features';
import { evaluateHead, trainHead } from './head-training';
import type { StrategyDeps } from './index';
import { refuseOnnxOnly } from '../models/onnx-encoder';

const log = logger('transfer');

/** The teacher head's own recipe (feature extraction's defaults), whatever the student uses. */
const TEACHER_HEAD = {
  head: 'logreg',
  epochs: 20,
  learningRate: 0.001,
  weightDecay: 1e-4,
} as const;

export async function runLayerTransfer(ctx: RunContext, deps: StrategyDeps): Promise<RunOutcome> {
  const { config } = ctx;
  const dataset = deps.store.datasets.get(config.datasetId);
  const model = deps.store.models.get(config.modelId);
  refuseOnnxOnly(model.path, 'layer-transfer');
  const layers = inspectModelFolder(model.path).layers;
  const sourceLayers = config.studentLayers ?? defaultStudentLayers(layers);
  checkSourceLayers(sourceLayers, layers);

  const { splits, padId } = tokeniseForRun(ctx, deps.store, dataset, model.path);

  let distill: Distillation | undefined;
  if (config.distillTemperature > 0) {
    const teacherStarted = performance.now();
    distill = {
      logits: await frozenTeacherLogits(ctx, deps, dataset, model, splits),
      temperature: config.distillTemperature,
      alpha: config.distillAlpha,
    };
    ctx.timings.teacher = (performance.now() - teacherStarted) / 1000;
  }

  const encoder = await loadClassifierModel(model.path, sourceLayers);
  log.info(
    `run ${ctx.runId}: student of teacher layers [${sourceLayers.join(', ')}] of ` +
      `${layers}${distill ? `, distilled at T = ${distill.temperature}` : ''}`,
  );
  const layout: ClassifierLayout = {
    strategy: 'layer-transfer',
    sourceLayers,
    pooling: config.pooling,
    labels: dataset.labels,
    modelId: model.id,
  };
  return trainEncoderClassifier({
    ctx,
    model: encoder,
    layout,
    splits,
    padId,
    trainable: () => true,
    distill,
  });
}

/**
 * The frozen teacher's logits for every fit row, [fit rows, classes]. Single-label: log p, which
 * serves as logits since softmax is shift-invariant; its test accuracy is recorded. Multi-label:
 * each label's sigmoid logit log(p / (1 − p)); its test macro-F1 is recorded, at thresholds
 * tuned on the fit rows (the teacher has no validation rows of its own).
 */
async function frozenTeacherLogits(
  ctx: RunContext,
  deps: StrategyDeps,
  dataset: Dataset,
  model: Model,
  splits: RunSplits,
): Promise<Float32Array> {
  const { config } = ctx;
  const options = {
    model,
    datasetHash: dataset.contentHash,
    layer: -1,
    pooling: config.pooling,
    maxLength: config.maxLength,
    cacheDir: deps.layout.features,
    signal: ctx.signal,
    onProgress: (done: number, total: number, message: string): void =>
      ctx.progress({ phase: 'features', done, total, message: `teacher: ${message}` }),
  };
  const train = deps.store.datasets.rows(dataset.id, 'train');
  const features = await extractFeatures({ ...options, split: 'train', texts: train.texts });
  const x = features.select(splits.fitIndex);
  const y = splits.fit.labels;
  const targets = splits.fit.targets;
  const C = dataset.labels.length;
  const head = await trainHead({
    config: { ...config, ...TEACHER_HEAD },
    classes: C,
    multiLabel: targets !== undefined,
    train: { x, y, targets },
    validation: null,
    signal: ctx.signal,
  });
  try {
    const { probabilities } = await head.evaluator.score(head.state, { x, y, targets });
    const testX = await extractFeatures({ ...options, split: 'test', texts: splits.test.texts });
    const test = splits.test;
    const onTest = await evaluateHead(head, testX, test.labels, test.targets);
    if (targets && test.sets && splits.fit.sets) {
      const global = tuneThreshold(probabilities, splits.fit.sets, C);
      const thresholds = tuneLabelThresholds(probabilities, splits.fit.sets, C, global);
      const predicted = thresholdRows(onTest.probabilities, C, thresholds);
      const f1 = multiLabelMetrics(test.sets, predicted, dataset.labels, 0, global).macroF1;
      ctx.timings.teacherTestMacroF1 = f1;
      log.info(`run ${ctx.runId}: frozen teacher test macro-F1 ${f1.toFixed(4)}`);
      // σ⁻¹(p), clamped so a saturated probability stays a finite logit
      return probabilities.map((p) => {
        const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
        return Math.log(q / (1 - q));
      });
    }
    const correct = onTest.predicted.filter((p, i) => p === test.labels[i]).length;
    ctx.timings.teacherTestAccuracy = correct / Math.max(1, test.labels.length);
    log.info(
      `run ${ctx.runId}: frozen teacher test accuracy ` +
        `${(ctx.timings.teacherTestAccuracy * 100).toFixed(2)}%`,
    );
    return probabilities.map((p) => Math.log(Math.max(p, 1e-12)));
  } finally {
    await head.release();
  }
}
