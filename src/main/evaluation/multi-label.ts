/**
 * Metrics for multi-label runs, where each text carries a set of labels and each label is an
 * independent sigmoid output. Per-label precision, recall and F1 count a label as predicted
 * when its probability reaches the decision threshold; macro-F1 is their plain mean over all
 * labels (sklearn's `average='macro'`, `zero_division=0`), micro-F1 pools every label's
 * counts, and accuracy is subset accuracy (the predicted set equals the true set).
 *
 * Decision thresholds are tuned on validation rows: one global threshold for every label, then
 * one per label where validation holds enough positives of it to choose on (rare labels keep
 * the global one, which rests on all labels' rows).
 */
import type { SplitMetrics } from '../../shared/contract';
import { GraftError } from '../../shared/errors';

/** The threshold grid searched on validation: 0.05, 0.10, ..., 0.95. */
export const THRESHOLD_GRID: readonly number[] = Array.from(
  { length: 19 },
  (_, i) => Math.round((i + 1) * 5) / 100,
);

/** Used when there is nothing to tune on. */
export const DEFAULT_THRESHOLD = 0.5;

/** A label gets its own threshold only with at least this many validation positives. */
export const MIN_LABEL_POSITIVES = 5;

/** One threshold for every label, or one per label (index = label). */
export type Thresholds = number | readonly number[];

const thresholdOf = (t: Thresholds, c: number): number => (typeof t === 'number' ? t : t[c]);

/** Label sets as a [rows, classes] row-major 0/1 matrix. */
export function multiHot(sets: readonly (readonly number[])[], classes: number): Float32Array {
  const out = new Float32Array(sets.length * classes);
  sets.forEach((set, r) => {
    for (const c of set) {
      if (c < 0 || c >= classes) {
        throw new GraftError('invalid-argument', `label ${c} out of range at row ${r}`);
      }
      out[r * classes + c] = 1;
    }
  });
  return out;
}

/** Labels at or above their threshold, per row. */
export function thresholdRows(
  probabilities: ArrayLike<number>,
  classes: number,
  threshold: Thresholds,
): number[][] {
  if (typeof threshold !== 'number' && threshold.length !== classes) {
    throw new GraftError(
      'invalid-argument',
      `threshold: give one number or one per label (${classes}), got ${threshold.length}`,
    );
  }
  const rows = probabilities.length / classes;
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const set: number[] = [];
    for (let c = 0; c < classes; c++) {
      if (probabilities[r * classes + c] >= thresholdOf(threshold, c)) set.push(c);
    }
    out.push(set);
  }
  return out;
}

const f1Of = (tp: number, fp: number, fn: number): number =>
  2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);

export function multiLabelMetrics(
  truth: readonly (readonly number[])[],
  predicted: readonly (readonly number[])[],
  labels: string[],
  loss: number,
  threshold: number,
  /** Per-label thresholds, when they were tuned (recorded with the metrics). */
  thresholds?: readonly number[],
): SplitMetrics {
  if (truth.length !== predicted.length) {
    throw new GraftError(
      'invalid-argument',
      `truth has ${truth.length} rows but predicted has ${predicted.length}`,
    );
  }
  const k = labels.length;
  const tp = new Array<number>(k).fill(0);
  const fp = new Array<number>(k).fill(0);
  const fn = new Array<number>(k).fill(0);
  let exact = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = new Set(truth[i]);
    const p = new Set(predicted[i]);
    for (const c of [...t, ...p]) {
      if (c < 0 || c >= k) {
        throw new GraftError('invalid-argument', `label index ${c} out of range at row ${i}`);
      }
    }
    for (const c of p)
      if (t.has(c)) tp[c]++;
      else fp[c]++;
    for (const c of t) if (!p.has(c)) fn[c]++;
    if (t.size === p.size && [...t].every((c) => p.has(c))) exact++;
  }

  const perClass = labels.map((label, c) => {
    const precision = tp[c] + fp[c] === 0 ? 0 : tp[c] / (tp[c] + fp[c]);
    const recall = tp[c] + fn[c] === 0 ? 0 : tp[c] / (tp[c] + fn[c]);
    return { label, precision, recall, f1: f1Of(tp[c], fp[c], fn[c]), support: tp[c] + fn[c] };
  });
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const subsetAccuracy = truth.length === 0 ? 0 : exact / truth.length;
  return {
    accuracy: subsetAccuracy,
    macroF1: k === 0 ? 0 : sum(perClass.map((c) => c.f1)) / k,
    loss,
    perClass,
    confusion: [],
    labels,
    multiLabel: true,
    threshold,
    ...(thresholds ? { thresholds: [...thresholds] } : {}),
    microF1: f1Of(sum(tp), sum(fp), sum(fn)),
    subsetAccuracy,
  };
}

/**
 * The one global threshold from the grid that maximises macro-F1 on the given rows (ties go to
 * the threshold nearest 0.5); DEFAULT_THRESHOLD when there are no rows.
 */
export function tuneThreshold(
  probabilities: ArrayLike<number>,
  truth: readonly (readonly number[])[],
  classes: number,
): number {
  if (truth.length === 0) return DEFAULT_THRESHOLD;
  let best = DEFAULT_THRESHOLD;
  let bestF1 = -1;
  const labels = Array.from({ length: classes }, (_, c) => String(c));
  for (const t of THRESHOLD_GRID) {
    const f1 = multiLabelMetrics(
      truth,
      thresholdRows(probabilities, classes, t),
      labels,
      0,
      t,
    ).macroF1;
    const closer = Math.abs(t - DEFAULT_THRESHOLD) < Math.abs(best - DEFAULT_THRESHOLD);
    if (f1 > bestF1 + 1e-12 || (Math.abs(f1 - bestF1) <= 1e-12 && closer)) {
      best = t;
      bestF1 = f1;
    }
  }
  return best;
}

/**
 * One threshold per label from the grid, each maximising that label's F1 on the given rows
 * (ties go to the threshold nearest `fallback`). A label with fewer than `minPositives`
 * positives among the rows, or whose best F1 is 0, keeps `fallback`: a handful of rows would
 * pick a threshold by chance.
 */
export function tuneLabelThresholds(
  probabilities: ArrayLike<number>,
  truth: readonly (readonly number[])[],
  classes: number,
  fallback: number,
  minPositives = MIN_LABEL_POSITIVES,
): number[] {
  if (probabilities.length !== truth.length * classes) {
    throw new GraftError(
      'invalid-argument',
      `probabilities has ${probabilities.length} values for ${truth.length} rows of ${classes}`,
    );
  }
  const positive = multiHot(truth, classes);
  const out: number[] = [];
  for (let c = 0; c < classes; c++) {
    let positives = 0;
    for (let r = 0; r < truth.length; r++) positives += positive[r * classes + c];
    if (positives < minPositives) {
      out.push(fallback);
      continue;
    }
    let best = fallback;
    let bestF1 = 0;
    for (const t of THRESHOLD_GRID) {
      let tp = 0;
      let fp = 0;
      for (let r = 0; r < truth.length; r++) {
        if (probabilities[r * classes + c] < t) continue;
        if (positive[r * classes + c] === 1) tp++;
        else fp++;
      }
      const f1 = f1Of(tp, fp, positives - tp);
      const closer = Math.abs(t - fallback) < Math.abs(best - fallback);
      if (f1 > bestF1 + 1e-12 || (f1 > 0 && Math.abs(f1 - bestF1) <= 1e-12 && closer)) {
        best = t;
        bestF1 = f1;
      }
    }
    out.push(best);
  }
  return out;
}

/** Subset accuracy of probabilities at a threshold, for training curves. */
export function subsetAccuracyOf(
  probabilities: ArrayLike<number>,
  targets: ArrayLike<number>,
  classes: number,
  threshold = DEFAULT_THRESHOLD,
): number {
  const rows = targets.length / classes;
  let exact = 0;
  for (let r = 0; r < rows; r++) {
    let same = true;
    for (let c = 0; c < classes && same; c++) {
      const i = r * classes + c;
      same = probabilities[i] >= threshold === targets[i] >= 0.5;
    }
    if (same) exact++;
  }
  return rows === 0 ? 0 : exact / rows;
}
