/**
 * What changes for a multi-label dataset, shared by every strategy: sigmoid outputs with
 * binary cross-entropy on multi-hot targets instead of softmax cross-entropy, a decision
 * threshold tuned on validation, and metrics over label sets.
 */
import type { Dataset, SplitMetrics } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { GraphBuilder } from '../engine/graph';
import { binaryCrossEntropyWithLogits, softmaxCrossEntropy } from '../engine/losses';
import type { TensorRef } from '../engine/types';
import {
  multiHot,
  multiLabelMetrics,
  thresholdRows,
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
 * Test metrics of a multi-label run: the threshold is tuned on the validation probabilities
 * (or 0.5 without validation rows), then applied to the test probabilities.
 */
export function multiLabelOutcome(options: {
  dataset: Pick<Dataset, 'labels'>;
  validation: { probabilities: Float32Array; sets: number[][] } | null;
  test: { probabilities: Float32Array; sets: number[][] };
  loss: number;
}): { metrics: SplitMetrics; predicted: number[][] } {
  const classes = options.dataset.labels.length;
  if (options.test.probabilities.length !== options.test.sets.length * classes) {
    throw new GraftError('internal', 'test probabilities do not match the test rows');
  }
  const threshold = options.validation
    ? tuneThreshold(options.validation.probabilities, options.validation.sets, classes)
    : 0.5;
  const predicted = thresholdRows(options.test.probabilities, classes, threshold);
  const metrics = multiLabelMetrics(
    options.test.sets,
    predicted,
    options.dataset.labels,
    options.loss,
    threshold,
  );
  log.info(
    `multi-label: threshold ${threshold} (tuned on validation), subset accuracy ` +
      `${(metrics.accuracy * 100).toFixed(2)}%, macro-F1 ${metrics.macroF1.toFixed(4)}, ` +
      `micro-F1 ${(metrics.microF1 ?? 0).toFixed(4)}`,
  );
  return { metrics, predicted };
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
