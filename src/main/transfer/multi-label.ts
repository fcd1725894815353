/**
 * What changes for a multi-label dataset, shared by every strategy: sigmoid outputs with
 * binary cross-entropy on multi-hot targets instead of softmax cross-entropy, decision
 * thresholds tuned on validation (one global, then one per label), and metrics over label sets.
 */
import type { Dataset, SplitMetrics } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { GraphBuilder } from '../engine/graph';
import { binaryCrossEntropyWithLogits, softmaxCrossEntropy } from '../engine/losses';
import type { TensorRef } from '../engine/types';
import {
  multiHot,
  DEFAULT_THRESHOLD,
  multiLabelMetrics,
  thresholdRows,
  tuneLabelThresholds,
  tuneThreshold,
} from '../evaluation/multi-label';
import { logger } from '../util/log';

const log = logger('transfer');

/** Probabilities from logits: independent sigmoids (multi-label) or a softmax. */
export function outputActivation(
  g: GraphBuilder,
  logits: TensorRef,
  multiLabel: boolean,
): TensorRef {
  return multiLabel ? g.sigmoid(logits) : g.softmax(logits, -1);
}

/** Mean loss: BCE-with-logits on float multi-hot targets, or softmax CE on int64 labels. */
export function classifierLoss(
  g: GraphBuilder,
  logits: TensorRef,
  y: TensorRef,
  multiLabel: boolean,
): TensorRef {
  return multiLabel
    ? binaryCrossEntropyWithLogits(g, logits, y)
    : softmaxCrossEntropy(g, logits, y);
}

/** A split's rows with their label sets, as the store returns them. */
export interface LabelSetRows {
  labels: number[];
  labelSets?: number[][];
}

/** The label sets of a multi-label split (single-label rows become one-label sets). */
export function labelSetsOf(rows: LabelSetRows): number[][] {
  return rows.labelSets ?? rows.labels.map((l) => [l]);
}

/** Multi-hot targets of the chosen rows (all rows when `pick` is absent), or undefined. */
export function targetsOf(
  dataset: Dataset,
  rows: LabelSetRows,
  pick?: readonly number[],
): Float32Array | undefined {
  if (!dataset.multiLabel) return undefined;
  const sets = labelSetsOf(rows);
  return multiHot(pick ? pick.map((i) => sets[i]) : sets, dataset.labels.length);
}

/**
 * Test metrics of a multi-label run: a global threshold is tuned on the validation
 * probabilities, then one per label (labels with few validation positives keep the global one);
 * without validation rows every label uses 0.5. The per-label thresholds are applied to the
 * test probabilities and recorded in the metrics (export bundles apply them too).
 */
export function multiLabelOutcome(options: {
  dataset: Pick<Dataset, 'labels'>;
  validation: { probabilities: Float32Array; sets: number[][] } | null;
  test: { probabilities: Float32Array; sets: number[][] };
  loss: number;
}): { metrics: SplitMetrics; predicted: number[][] } {
  const labels = options.dataset.labels;
  const classes = labels.length;
  if (options.test.probabilities.length !== options.test.sets.length * classes) {
    throw new GraftError('internal', 'test probabilities do not match the test rows');
  }
  const v = options.validation;
  const threshold = v ? tuneThreshold(v.probabilities, v.sets, classes) : DEFAULT_THRESHOLD;
  const thresholds = v
    ? tuneLabelThresholds(v.probabilities, v.sets, classes, threshold)
    : labels.map(() => threshold);
  const test = options.test;
  const predicted = thresholdRows(test.probabilities, classes, thresholds);
  const metrics = multiLabelMetrics(
    test.sets,
    predicted,
    labels,
    options.loss,
    threshold,
    thresholds,
  );
  const global = multiLabelMetrics(
    test.sets,
    thresholdRows(test.probabilities, classes, threshold),
    labels,
    options.loss,
    threshold,
  );
  const own = thresholds.filter((t) => t !== threshold).length;
  log.info(
    `multi-label: global threshold ${threshold}, ${own} of ${classes} labels with their own ` +
      `(tuned on validation); test subset accuracy ${(metrics.accuracy * 100).toFixed(2)}%, ` +
      `macro-F1 ${metrics.macroF1.toFixed(4)} (global threshold alone ` +
      `${global.macroF1.toFixed(4)}), micro-F1 ${(metrics.microF1 ?? 0).toFixed(4)}`,
  );
  return { metrics, predicted };
}

/** Weight of a label's positives never exceeds this (a label seen twice must not dominate). */
export const MAX_POSITIVE_WEIGHT = 10;

/**
 * Per-label BCE positive weights from multi-hot training targets [rows, classes]:
 * min(MAX_POSITIVE_WEIGHT, negatives / positives); 1 for a label with no positives or no
 * negatives (nothing to balance).
 */
export function positiveWeightsOf(targets: Float32Array, classes: number): number[] {
  const rows = targets.length / classes;
  const positives = new Array<number>(classes).fill(0);
  for (let i = 0; i < targets.length; i++) positives[i % classes] += targets[i];
  return positives.map((p) =>
    p === 0 || p === rows ? 1 : Math.min(MAX_POSITIVE_WEIGHT, (rows - p) / p),
  );
}

/**
 * The head bias that starts each sigmoid at its label's frequency in the training rows
 * (Lin et al. 2017's prior initialisation): log(w·p / (1 − p)), p smoothed to (n + 1)/(N + 2).
 * The positive weight w makes it the optimum of the weighted loss for a constant prediction.
 * Starting at 0 (σ = 0.5 for labels seen in a few percent of rows) spends the first epoch on
 * unlearning the bias, and a small learning rate may never finish.
 */
export function priorLogOdds(
  targets: Float32Array,
  classes: number,
  posWeight?: readonly number[],
): Float32Array {
  const rows = targets.length / classes;
  const positives = new Float64Array(classes);
  for (let i = 0; i < targets.length; i++) positives[i % classes] += targets[i];
  return Float32Array.from(positives, (n, c) => {
    const p = (n + 1) / (rows + 2);
    return Math.log(((posWeight?.[c] ?? 1) * p) / (1 - p));
  });
}

/** Mean binary cross-entropy of sigmoid probabilities against multi-hot targets. */
export function meanBinaryCrossEntropy(
  probabilities: ArrayLike<number>,
  targets: ArrayLike<number>,
): number {
  let loss = 0;
  for (let i = 0; i < targets.length; i++) {
    const p = Math.min(Math.max(probabilities[i], 1e-12), 1 - 1e-7);
    loss -= targets[i] * Math.log(p) + (1 - targets[i]) * Math.log(1 - p);
  }
  return loss / Math.max(1, targets.length);
}

/** Rows of a [rows, classes] matrix, in the given order. */
export function pickRows(
  values: Float32Array,
  rows: ArrayLike<number>,
  classes: number,
): Float32Array {
  const out = new Float32Array(rows.length * classes);
  for (let k = 0; k < rows.length; k++) {
    out.set(values.subarray(rows[k] * classes, (rows[k] + 1) * classes), k * classes);
  }
  return out;
}
