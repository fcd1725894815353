/**
 * End-to-end training of an encoder classifier (fine-tune and layer-transfer share it): the
 * engine's trainer runs one step model per mini-batch (forward, loss, gradients of the
 * trainable parameters only, AdamW with layer-wise rates and a schedule); an evaluation graph
 * with the trainable parameters as inputs scores validation, a sample of train and the test
 * split with the current values. Early stopping keeps the best parameters by validation metric.
 *
 * Frozen parameters are initializers of the step graph: autodiff emits nothing below the
 * lowest trainable layer, so frozen layers cost one plain forward per batch.
 *
 * Multi-label datasets train sigmoid outputs with BCE, optionally weighting each label's
 * positives, from a head bias at the labels' prior log-odds (see multi-label.ts); early
 * stopping then compares epochs by validation macro-F1 at per-label tuned thresholds.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunOutcome, RunContext } from '../runs/run-manager';
import type { SplitMetrics } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import {
  binaryCrossEntropyWithLogits,
  distillationKL,
  sigmoidDistillationKL,
  softmaxCrossEntropy,
} from '../engine/losses';
import { createTrainer, type Batch, type BatchSpec } from '../engine/trainer';
import { mulberry32 } from '../datasets/split';
import { argmaxRows, classificationMetrics } from '../evaluation/metrics';
import { packRows } from '../models/tokenizer';
import { logger } from '../util/log';
import {
  buildClassifierLogits,
  classifierOptimizer,
  saveClassifier,
  type ClassifierLayout,
  type ClassifierModel,
} from './encoder-classifier';
import { classWeightsFor, type RunSplits, type TokenisedSplit } from './encoder-data';
import { accuracy, ClassifierEvaluator, validationMetric } from './encoder-evaluator';
import { multiLabelOutcome, pickRows, positiveWeightsOf, priorLogOdds } from './multi-label';

const log = logger('transfer');

/** Train accuracy per epoch is measured on a fixed seeded sample this large (eval mode). */
const TRAIN_EVAL_ROWS = 500;
/** Batches per length-sorting pool (see epochBatches). */
const BUCKET_POOL = 50;

type FloatArray = Float32Array | Float64Array;

export interface Distillation {
  /**
   * Teacher logits per fit row, [fit rows, classes] row-major: softmax logits, or for a
   * multi-label dataset each label's sigmoid logit (soft targets σ(logit / T)).
   */
  logits: Float32Array;
  temperature: number;
  /** Weight of the distillation loss; the label loss gets 1 - alpha. */
  alpha: number;
}

export interface EncoderTrainingRequest {
  ctx: RunContext;
  model: ClassifierModel;
  layout: ClassifierLayout;
  splits: RunSplits;
  padId: number;
  trainable: (name: string) => boolean;
  distill?: Distillation;
}

/** Trains, keeps the best (or last) parameters, scores the test split, saves the checkpoint. */
export async function trainEncoderClassifier(r: EncoderTrainingRequest): Promise<RunOutcome> {
  const { ctx, model, layout, splits } = r;
  const { config } = ctx;
  const fit = splits.fit;
  const C = layout.labels.length;
  if (fit.rows.length === 0) throw new GraftError('bad-input', 'the training split is empty');

  const stepsPerEpoch = Math.ceil(fit.rows.length / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  const classWeights = classWeightsFor(config.classWeights, fit.labels, C);
  const multi = fit.targets !== undefined;
  const distill = r.distill;
  const posWeight =
    fit.targets && config.positiveWeights === 'balanced'
      ? positiveWeightsOf(fit.targets, C)
      : undefined;
  // Multi-label: each sigmoid starts at its label's frequency instead of 0.5 (multi-label.ts)
  const headBias = fit.targets ? priorLogOdds(fit.targets, C, posWeight) : undefined;
  const batchSpec: Record<string, BatchSpec> = {
    input_ids: { dtype: 'int64', shape: ['batch', 'seq'] },
    attention_mask: { dtype: 'int64', shape: ['batch', 'seq'] },
    labels: multi
      ? { dtype: 'float32', shape: ['batch', C] }
      : { dtype: 'int64', shape: ['batch'] },
    ...(distill ? { teacher: { dtype: 'float32', shape: ['batch', C] } } : {}),
  };

  const trainer = await createTrainer({
    name: layout.strategy.replace('-', '_'),
    batch: batchSpec,
    seed: config.seed,
    optimizer: classifierOptimizer(config, model.config.layers, totalSteps),
    build: (g, b, mode) => {
      const logits = buildClassifierLogits(g, model, layout, {
        inputIds: b.input_ids,
        attentionMask: b.attention_mask,
        trainable: r.trainable,
        training: mode.training,
        dropout: config.dropout,
        seed: config.seed,
        headBias,
      });
      let loss = multi
        ? binaryCrossEntropyWithLogits(g, logits, b.labels, { posWeight })
        : softmaxCrossEntropy(g, logits, b.labels, { classWeights });
      if (distill) {
        // (1 − α)·loss(labels) + α·T²·KL(teacher ‖ student) at temperature T: softmax KL, or
        // for multi-label the per-label Bernoulli KL of σ(t/T) from σ(z/T)
        const kd = multi ? sigmoidDistillationKL : distillationKL;
        const kl = kd(g, logits, b.teacher, { temperature: distill.temperature });
        loss = g.add(g.mul(loss, g.scalar(1 - distill.alpha)), g.mul(kl, g.scalar(distill.alpha)));
      }
      return { loss, outputs: { logits } };
    },
  });
  const evaluator = await ClassifierEvaluator.create(r).catch(async (e: unknown) => {
    await trainer.release();
    throw e;
  });

  const random = mulberry32(config.seed ^ 0x5eed);
  const sample = trainSample(fit.rows.length, config.seed);
  const patience = config.earlyStoppingPatience;
  const useF1 = config.classWeights === 'balanced'; // imbalance in view: macro-F1, else accuracy
  let best = { metric: -Infinity, epoch: 0, params: null as Map<string, FloatArray> | null };
  let epochsRun = 0;
  const started = performance.now();

  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const batches = epochBatches(fit, config.batchSize, random);
      let lossSum = 0;
      for (let s = 0; s < batches.length; s++) {
        if (ctx.signal.aborted) throw new GraftError('cancelled', 'run cancelled');
        const rows = batches[s];
        const result = await trainer.step(makeBatch(r, rows));
        if (!Number.isFinite(result.loss)) {
          throw new GraftError(
            'bad-input',
            `training diverged at epoch ${epoch} (loss ` +
              `${result.loss}); lower learningRate (now ${config.learningRate})`,
          );
        }
        lossSum += result.loss * rows.length;
        ctx.progress({
          phase: 'training',
          done: trainer.stepCount,
          total: totalSteps,
          epoch,
          trainLoss: result.loss,
          message:
            `epoch ${epoch}/${config.epochs}, ` +
            `step ${s + 1}/${batches.length}, lr ${result.lr.toExponential(2)}`,
        });
      }
      epochsRun = epoch;

      const params = trainer.parameters();
      const onTrain = await evaluator.score(params, fit, sample);
      const onVal = splits.validation ? await evaluator.score(params, splits.validation) : null;
      const valAccuracy = onVal ? accuracy(onVal, C) : null;
      ctx.epoch({
        epoch,
        trainLoss: lossSum / fit.rows.length,
        trainAccuracy: accuracy(onTrain, C),
        validationLoss: onVal ? onVal.loss : null,
        validationAccuracy: valAccuracy,
      });
      if (!onVal || patience === undefined) continue;

      const metric = validationMetric(onVal, splits.validation!, layout.labels, useF1);
      if (metric > best.metric) {
        best = { metric, epoch, params };
      } else if (epoch - best.epoch >= patience) {
        log.info(
          `run ${ctx.runId}: early stop after epoch ${epoch}; best epoch ${best.epoch} ` +
            `(validation ${useF1 || multi ? 'macro-F1' : 'accuracy'} ` +
            `${best.metric.toFixed(4)})`,
        );
        break;
      }
    }
    ctx.timings.training = (performance.now() - started) / 1000;
    ctx.timings.epochsRun = epochsRun;
    ctx.timings.bestEpoch = best.params ? best.epoch : epochsRun;
    ctx.timings.trainableParameters = [...trainer.parameters().values()].reduce(
      (s, v) => s + v.length,
      0,
    );

    const final = best.params ?? trainer.parameters();
    return await scoreAndSave(r, evaluator, final, trainer.stepCount);
  } finally {
    await evaluator.release();
    await trainer.release();
  }
}

/**
 * One epoch's batches: a seeded shuffle, cut into pools of BUCKET_POOL batches whose rows are
 * sorted by length before cutting, then the batches shuffled. Each batch pads to lengths close
 * to its own (random batches of SST-2 pad ~2.5x), while every row is still seen once.
 */
function epochBatches(fit: TokenisedSplit, batchSize: number, random: () => number): Int32Array[] {
  const shuffle = <T>(a: T[]): T[] => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
  const order = shuffle(fit.rows.map((_, i) => i));
  const batches: Int32Array[] = [];
  const pool = batchSize * BUCKET_POOL;
  for (let start = 0; start < order.length; start += pool) {
    const part = order
      .slice(start, start + pool)
      .sort((a, b) => fit.rows[a].ids.length - fit.rows[b].ids.length);
    for (let b = 0; b < part.length; b += batchSize) {
      batches.push(Int32Array.from(part.slice(b, b + batchSize)));
    }
  }
  return shuffle(batches);
}

/** A fixed seeded subset of at most TRAIN_EVAL_ROWS fit rows, ascending. */
function trainSample(rows: number, seed: number): number[] {
  const random = mulberry32(seed ^ 0x7a11);
  const all = Array.from({ length: rows }, (_, i) => i);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, TRAIN_EVAL_ROWS).sort((a, b) => a - b);
}

function makeBatch(r: EncoderTrainingRequest, rows: Int32Array): Batch {
  const fit = r.splits.fit;
  const C = r.layout.labels.length;
  const b = packRows(
    Array.from(rows, (i) => fit.rows[i]),
    r.padId,
  );
  const dims = [b.batch, b.seqLen];
  const batch: Batch = {
    input_ids: { data: b.inputIds, dims },
    attention_mask: { data: b.attentionMask, dims },
    labels: fit.targets
      ? { data: pickRows(fit.targets, rows, r.layout.labels.length), dims: [b.batch, C] }
      : { data: BigInt64Array.from(rows, (i) => BigInt(fit.labels[i])), dims: [b.batch] },
  };
  if (r.distill) {
    const t = new Float32Array(rows.length * C);
    rows.forEach((i, k) => t.set(r.distill!.logits.subarray(i * C, (i + 1) * C), k * C));
    batch.teacher = { data: t, dims: [rows.length, C] };
  }
  return batch;
}

async function scoreAndSave(
  r: EncoderTrainingRequest,
  evaluator: ClassifierEvaluator,
  params: Map<string, FloatArray>,
  steps: number,
): Promise<RunOutcome> {
  const { ctx, layout } = r;
  const test = r.splits.test;
  ctx.progress({
    phase: 'evaluating',
    done: 0,
    total: test.rows.length,
    message: 'scoring the test split',
  });
  const started = performance.now();
  const scored = await evaluator.score(params, test);
  let metrics: SplitMetrics;
  let predicted: unknown;
  if (test.sets) {
    const v = r.splits.validation;
    const onVal = v?.sets ? await evaluator.score(params, v) : null;
    const outcome = multiLabelOutcome({
      dataset: { labels: layout.labels },
      validation: onVal && v?.sets ? { probabilities: onVal.probabilities, sets: v.sets } : null,
      test: { probabilities: scored.probabilities, sets: test.sets },
      loss: scored.loss,
    });
    metrics = outcome.metrics;
    predicted = outcome.predicted;
  } else {
    const top = argmaxRows(scored.probabilities, layout.labels.length);
    metrics = classificationMetrics(test.labels, top, layout.labels, scored.loss);
    predicted = Array.from(top);
  }
  ctx.timings.evaluation = (performance.now() - started) / 1000;

  saveClassifier(ctx.runDir, layout, params, steps);
  writeFileSync(
    join(ctx.runDir, 'test-predictions.json'),
    JSON.stringify({ predicted, labels: layout.labels }),
  );
  log.info(
    `run ${ctx.runId} (${layout.strategy}): test accuracy ` +
      `${(metrics.accuracy * 100).toFixed(2)}%, macro-F1 ${metrics.macroF1.toFixed(4)}`,
  );
  return { test: metrics };
}
