/**
 * Classification metrics for a run's evaluation. Macro-F1 averages per-class F1 with equal
 * weight, counting a class that is never predicted nor present as F1 = 0 only when it has
 * support (sklearn's `zero_division=0` convention for the classes that occur).
 */
import type { SplitMetrics } from '../../shared/contract';
import { GraftError } from '../../shared/errors';

export function confusionMatrix(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: number,
): number[][] {
  if (truth.length !== predicted.length) {
    throw new GraftError(
      'invalid-argument',
      `truth has ${truth.length} labels but predicted has ${predicted.length}`,
    );
  }
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = predicted[i];
    if (t < 0 || t >= classes || p < 0 || p >= classes) {
      throw new GraftError(
        'invalid-argument',
        `label index out of range at ${i}: truth ${t}, predicted ${p}, classes ${classes}`,
      );
    }
    matrix[t][p] += 1;
  }
  return matrix;
}

export function classificationMetrics(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  labels: string[],
  loss: number,
): SplitMetrics {
  const confusion = confusionMatrix(truth, predicted, labels.length);

  let correct = 0;
  for (let c = 0; c < labels.length; c++) correct += confusion[c][c];

  const perClass = labels.map((label, c) => {
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[c], 0);
    const tp = confusion[c][c];
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });

  // Classes that occur in the truth or the predictions count, as in sklearn's macro average.
  const present = perClass.filter((c, k) => c.support > 0 || confusion.some((row) => row[k] > 0));
  const macroF1 = present.length === 0 ? 0 : present.reduce((a, c) => a + c.f1, 0) / present.length;

  return {
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    macroF1,
    loss,
    perClass,
    confusion,
    labels,
  };
}

/** Row-wise argmax of a [rows, cols] row-major matrix. */
export function argmaxRows(values: Float32Array, cols: number): Int32Array {
  const rows = values.length / cols;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (values[r * cols + c] > values[r * cols + best]) best = c;
    out[r] = best;
  }
  return out;
}
