/**
 * Trains a small graph end to end on frozen inputs with the engine's trainer: the strategies
 * whose trainable part sits before the head (scalar-mix weights, the fusion gate) build their
 * forward pass here, and the head is trained with it. The same build function makes the
 * inference model, so evaluation scores exactly what training fitted.
 *
 * Batches come from a `BatchSource` (cached feature rows, or token states read from disk), so
 * a dataset never has to sit in memory as one big tensor.
 */
import type { CurvePoint, TrainConfig } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { GraphBuilder } from '../engine/graph';
import { createSession, tensorOf } from '../engine/session';
import { createTrainer, type Batch, type Trainer } from '../engine/trainer';
import type { BatchSpec } from '../engine/trainer-models';
import type { TensorRef } from '../engine/types';
import { mulberry32 } from '../datasets/split';
import { argmaxRows } from '../evaluation/metrics';
import { subsetAccuracyOf } from '../evaluation/multi-label';
import type { HeadState } from './heads';
import { classifierLoss, meanBinaryCrossEntropy, outputActivation, pickRows } from './multi-label';
import { runTargets, type RunData } from './run-data';

const EVAL_BATCH = 256;
/** Training accuracy per epoch is measured on at most this many fitted rows (curves only). */
const TRAIN_SCORE_ROWS = 1024;

export interface BatchSource {
  /** The inputs of the given rows (labels are added by the loop). */
  batch(rows: readonly number[]): Batch;
}

export interface ForwardResult {
  logits: TensorRef;
  /** Extra per-row values the inference model outputs (e.g. the gate's mean opening). */
  outputs?: Record<string, TensorRef>;
}

export interface GraphTrainRequest {
  config: TrainConfig;
  classes: number;
  /** Batch inputs by name, without the labels. */
  inputs: Record<string, BatchSpec>;
  forward(g: GraphBuilder, batch: Record<string, TensorRef>, training: boolean): ForwardResult;
  /** Parameter names trained without weight decay (biases, mixing weights, scales). */
  noDecay(name: string): boolean;
  source: BatchSource;
  labels: Int32Array;
  /** Multi-label runs: sigmoid outputs, BCE on these multi-hot rows [rows, classes]. */
  targets?: Float32Array;
  fit: readonly number[];
  /** Held-out rows of the same source, or another source with its labels. */
  validation: ScoredRows | null;
  /** Steps per session run through the engine's Loop (batches of equal shape only). */
  stepsPerRun?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string, trainLoss?: number) => void;
  onEpoch?: (point: CurvePoint) => void;
}

/** Rows of a batch source with their labels: what `score` and validation take. */
export interface ScoredRows {
  source: BatchSource;
  rows: readonly number[];
  labels: Int32Array;
  /** Multi-label runs: multi-hot rows of the whole source, [source rows, classes]. */
  targets?: Float32Array;
}

export interface Scores {
  probabilities: Float32Array;
  loss: number;
  accuracy: number;
  outputs: Record<string, Float32Array>;
}

export interface TrainedGraph {
  /** Trained parameter values by name (the best validation epoch's). */
  params: Map<string, Float32Array>;
  /** Scores rows with the trained parameters. */
  score(
    source: BatchSource,
    rows: readonly number[],
    labels: Int32Array,
    targets?: Float32Array,
  ): Promise<Scores>;
  release(): Promise<void>;
}

function shuffled(rows: readonly number[], random: () => number): number[] {
  const order = [...rows];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

async function scoreWith(
  trainer: Trainer,
  classes: number,
  source: BatchSource,
  rows: readonly number[],
  labels: Int32Array,
  targets?: Float32Array,
): Promise<Scores> {
  const session = await createSession(trainer.inferenceModel(), { provider: 'cpu' });
  const probabilities = new Float32Array(rows.length * classes);
  const outputs: Record<string, Float32Array> = {};
  try {
    for (let start = 0; start < rows.length; start += EVAL_BATCH) {
      const chunk = rows.slice(start, start + EVAL_BATCH);
      const batch = source.batch(chunk);
      const feeds = Object.fromEntries(
        Object.entries(batch).map(([k, t]) => [
          k,
          tensorOf(t.data instanceof BigInt64Array ? 'int64' : 'float32', t.data, t.dims),
        ]),
      );
      const out = await session.run(feeds);
      probabilities.set(out.probabilities.data as Float32Array, start * classes);
      for (const [name, tensor] of Object.entries(out)) {
        if (name === 'probabilities') continue;
        outputs[name] ??= new Float32Array(rows.length);
        outputs[name].set(tensor.data as Float32Array, start);
      }
    }
  } finally {
    await session.release();
  }

  if (targets) return { ...multiLabelScores(probabilities, classes, rows, targets), outputs };
  // Cross-entropy and accuracy in JS from the probabilities: y is not an inference input.
  let loss = 0;
  let correct = 0;
  const predicted = argmaxRows(probabilities, classes);
  rows.forEach((r, i) => {
    loss -= Math.log(Math.max(probabilities[i * classes + labels[r]], 1e-12));
    if (predicted[i] === labels[r]) correct++;
  });
  const n = Math.max(1, rows.length);
  return { probabilities, loss: loss / n, accuracy: correct / n, outputs };
}

/** Mean binary cross-entropy and subset accuracy of sigmoid probabilities. */
function multiLabelScores(
  probabilities: Float32Array,
  classes: number,
  rows: readonly number[],
  targets: Float32Array,
): { probabilities: Float32Array; loss: number; accuracy: number } {
  const picked = pickRows(targets, rows, classes);
  return {
    probabilities,
    loss: meanBinaryCrossEntropy(probabilities, picked),
    accuracy: subsetAccuracyOf(probabilities, picked, classes),
  };
}

/** The label batch: class indices, or multi-hot rows for a multi-label run. */
function labelBatch(
  rows: readonly number[],
  labels: Int32Array,
  classes: number,
  targets?: Float32Array,
): Batch[string] {
  if (!targets) {
    return { data: BigInt64Array.from(rows, (r) => BigInt(labels[r])), dims: [rows.length] };
  }
  return { data: pickRows(targets, rows, classes), dims: [rows.length, classes] };
}

export async function trainGraph(request: GraphTrainRequest): Promise<TrainedGraph> {
  const { config, classes, labels, targets } = request;
  if (request.fit.length === 0) throw new GraftError('bad-input', 'the training split is empty');
  const multiLabel = targets !== undefined;
  const ySpec: BatchSpec = multiLabel
    ? { dtype: 'float32', shape: ['batch', classes] }
    : { dtype: 'int64', shape: ['batch'] };

  const trainer = await createTrainer({
    name: 'graft_strategy',
    seed: config.seed,
    batch: { ...request.inputs, y: ySpec },
    build(g, batch, mode) {
      const { logits, outputs } = request.forward(g, batch, mode.training);
      return {
        loss: classifierLoss(g, logits, batch.y, multiLabel),
        outputs: { probabilities: outputActivation(g, logits, multiLabel), ...outputs },
      };
    },
    optimizer: {
      kind: 'adamw',
      lr: config.learningRate,
      weightDecay: config.weightDecay,
      groups: [{ match: request.noDecay, weightDecay: 0 }],
      clipNorm: config.clipNorm,
    },
    stepsPerRun: request.stepsPerRun ?? 1,
  });

  const random = mulberry32(config.seed ^ 0x5eed);
  const withLabels = (rows: readonly number[]): Batch => ({
    ...request.source.batch(rows),
    y: labelBatch(rows, labels, classes, targets),
  });
  const scoreRows = request.fit.slice(0, TRAIN_SCORE_ROWS);
  const stepsPerEpoch = Math.ceil(request.fit.length / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  const chunk = Math.max(1, request.stepsPerRun ?? 1) * 4;
  let best = { accuracy: -Infinity, params: trainer.parameters() };
  let sinceBest = 0;

  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const order = shuffled(request.fit, random);
      let lossSum = 0;
      for (let b = 0; b < stepsPerEpoch; b += chunk) {
        if (request.signal?.aborted) throw new GraftError('cancelled', 'run cancelled');
        const batches: Batch[] = [];
        for (let k = b; k < Math.min(stepsPerEpoch, b + chunk); k++) {
          batches.push(withLabels(order.slice(k * config.batchSize, (k + 1) * config.batchSize)));
        }
        const results = await trainer.steps(batches);
        results.forEach((r, i) => (lossSum += r.loss * batches[i].y.dims[0]));
        const last = results[results.length - 1].loss;
        if (!Number.isFinite(last)) {
          throw new GraftError(
            'bad-input',
            `training diverged at epoch ${epoch} (loss ${last}); ` +
              `lower the learning rate (now ${config.learningRate})`,
          );
        }
        request.onProgress?.(
          trainer.stepCount,
          totalSteps,
          `epoch ${epoch}/${config.epochs}`,
          last,
        );
      }

      const trainScore = await scoreWith(
        trainer,
        classes,
        request.source,
        scoreRows,
        labels,
        targets,
      );
      const v = request.validation;
      const validation = v
        ? await scoreWith(trainer, classes, v.source, v.rows, v.labels, v.targets)
        : null;
      request.onEpoch?.({
        epoch,
        trainLoss: lossSum / request.fit.length,
        trainAccuracy: trainScore.accuracy,
        validationLoss: validation?.loss ?? null,
        validationAccuracy: validation?.accuracy ?? null,
      });

      // Keep the best validation epoch; stop after `earlyStoppingPatience` epochs without gain.
      // Multi-label: subset accuracy barely moves with many labels; the validation loss does.
      const scored = validation ?? trainScore;
      const accuracy = multiLabel ? -scored.loss : scored.accuracy;
      if (accuracy > best.accuracy || !validation) {
        best = { accuracy, params: trainer.parameters() };
        sinceBest = 0;
      } else if (config.earlyStoppingPatience && ++sinceBest >= config.earlyStoppingPatience) {
        break;
      }
    }
  } catch (error) {
    await trainer.release();
    throw error;
  }
  await trainer.release();

  const params = new Map([...best.params].map(([k, v]) => [k, Float32Array.from(v)]));
  trainer.restore({ ...trainer.snapshot(), params: best.params });
  return {
    params,
    score: (source, rows, y, t) => scoreWith(trainer, classes, source, rows, y, t),
    release: () => trainer.release(),
  };
}

/**
 * The rows early stopping (and a multi-label run's threshold tuning) scores: the seeded holdout
 * of train when the dataset has no validation split, else that split from its own source.
 */
export function heldOutRows(
  data: RunData,
  train: BatchSource,
  validation: BatchSource | null,
): ScoredRows | null {
  const targets = runTargets(data);
  if (data.holdout) {
    const labels = Int32Array.from(data.train.labels);
    return { source: train, rows: data.holdout, labels, targets: targets.train };
  }
  if (!validation || !data.validation) return null;
  return {
    source: validation,
    rows: data.validation.labels.map((_, i) => i),
    labels: Int32Array.from(data.validation.labels),
    targets: targets.validation,
  };
}

/**
 * A trained graph's last use: the test split's scores, and the held-out rows' scores where
 * a multi-label run tunes its thresholds on them; its sessions are freed either way.
 */
export async function finalScores(
  trained: TrainedGraph,
  test: ScoredRows,
  held: ScoredRows | null,
): Promise<{ test: Scores; held: Scores | null }> {
  try {
    const onTest = await trained.score(test.source, test.rows, test.labels, test.targets);
    const onHeld =
      test.targets && held
        ? await trained.score(held.source, held.rows, held.labels, held.targets)
        : null;
    return { test: onTest, held: onHeld };
  } finally {
    await trained.release();
  }
}

/** The head with its trained values in place of the initial ones (same names and shapes). */
export function trainedHead(head: HeadState, params: Map<string, Float32Array>): HeadState {
  for (const name of Object.keys(head.params)) {
    head.params[name] = { shape: head.params[name].shape, data: params.get(name)! };
  }
  return head;
}
