import { describe, expect, it } from 'vitest';
import {
  multiHot,
  multiLabelMetrics,
  subsetAccuracyOf,
  THRESHOLD_GRID,
  thresholdRows,
  tuneLabelThresholds,
  tuneThreshold,
} from './multi-label';

describe('multi-label metrics', () => {
  it('computes per-label, macro and micro F1 and subset accuracy', () => {
    const truth = [[0, 1], [1], [2], []];
    const predicted = [[0], [1], [1, 2], []];
    const m = multiLabelMetrics(truth, predicted, ['a', 'b', 'c'], 0.3, 0.4);
    // a: tp 1 -> f1 1; b: tp 1, fp 1, fn 1 -> 0.5; c: tp 1 -> 1
    expect(m.perClass.map((c) => c.f1)).toEqual([1, 0.5, 1]);
    expect(m.perClass.map((c) => c.support)).toEqual([1, 2, 1]);
    expect(m.macroF1).toBeCloseTo(2.5 / 3, 12);
    // micro: tp 3, fp 1, fn 1 -> 6 / 8
    expect(m.microF1).toBeCloseTo(0.75, 12);
    expect(m.accuracy).toBeCloseTo(2 / 4, 12);
    expect(m.subsetAccuracy).toBe(m.accuracy);
    expect(m.threshold).toBe(0.4);
    expect(m.multiLabel).toBe(true);
    expect(m.confusion).toEqual([]);
  });

  it('counts a label with no support and no predictions as F1 = 0 in the macro mean', () => {
    const m = multiLabelMetrics([[0]], [[0]], ['a', 'b'], 0, 0.5);
    expect(m.macroF1).toBeCloseTo(0.5, 12);
    expect(m.microF1).toBe(1);
  });

  it('thresholds probabilities and builds multi-hot targets', () => {
    expect(thresholdRows([0.2, 0.6, 0.5, 0.1], 2, 0.5)).toEqual([[1], [0]]);
    expect(Array.from(multiHot([[1], [0, 1]], 2))).toEqual([0, 1, 1, 1]);
    expect(() => multiHot([[2]], 2)).toThrow(/out of range/);
    expect(subsetAccuracyOf([0.2, 0.6, 0.7, 0.1], [0, 1, 1, 1], 2)).toBe(0.5);
  });

  it('tunes one global threshold on the grid to maximise macro-F1', () => {
    expect(THRESHOLD_GRID[0]).toBe(0.05);
    expect(THRESHOLD_GRID[THRESHOLD_GRID.length - 1]).toBe(0.95);
    expect(THRESHOLD_GRID).toHaveLength(19);
    // Positives score 0.3, negatives 0.1: any threshold in (0.1, 0.3] is perfect; 0.3 is the
    // one nearest 0.5.
    const probs = [0.3, 0.1, 0.1, 0.3, 0.3, 0.3];
    const truth = [[0], [1], [0, 1]];
    expect(tuneThreshold(probs, truth, 2)).toBe(0.3);
    expect(tuneThreshold([], [], 2)).toBe(0.5);
  });

  it('thresholds each label at its own threshold when given one per label', () => {
    const probs = [0.2, 0.6, 0.5, 0.1];
    expect(thresholdRows(probs, 2, [0.15, 0.7])).toEqual([[0], [0]]);
    expect(() => thresholdRows(probs, 2, [0.5])).toThrow(/one per label \(2\), got 1/);
    const m = multiLabelMetrics([[0]], [[0]], ['a', 'b'], 0, 0.4, [0.3, 0.4]);
    expect(m.thresholds).toEqual([0.3, 0.4]);
    expect(multiLabelMetrics([[0]], [[0]], ['a', 'b'], 0, 0.4).thresholds).toBeUndefined();
  });

  it('tunes one threshold per label; labels with too few positives keep the fallback', () => {
    // Label 0: positives score 0.8, negatives 0.6 -> any t in (0.6, 0.8] is perfect; 0.65 is
    // the one nearest the fallback 0.3.
    // Label 1: positives 0.15, negatives 0.05 -> (0.05, 0.15]: 0.15 is nearest 0.3.
    // Label 2: 2 positives of 8 rows, under the minimum of 3 -> the fallback.
    const rows = [
      [0.8, 0.15, 0.9],
      [0.8, 0.05, 0.9],
      [0.6, 0.15, 0.1],
      [0.6, 0.05, 0.1],
      [0.8, 0.15, 0.1],
      [0.6, 0.05, 0.1],
      [0.8, 0.15, 0.1],
      [0.6, 0.05, 0.1],
    ];
    const truth = [[0, 1, 2], [0, 2], [1], [], [0, 1], [], [0, 1], []];
    const t = tuneLabelThresholds(rows.flat(), truth, 3, 0.3, 3);
    expect(t).toEqual([0.65, 0.15, 0.3]);
    // With the minimum at 2, label 2 gets its own: positives 0.9, negatives 0.1 -> 0.3 is
    // already perfect and is the fallback itself.
    expect(tuneLabelThresholds(rows.flat(), truth, 3, 0.3, 2)[2]).toBe(0.3);
    expect(tuneLabelThresholds(rows.flat(), truth, 3, 0.5, 2)[2]).toBe(0.5);
    // Per-label thresholds separate what no single threshold can.
    const perLabel = multiLabelMetrics(
      truth,
      thresholdRows(rows.flat(), 3, t),
      ['a', 'b', 'c'],
      0,
      0.3,
    );
    const global = tuneThreshold(rows.flat(), truth, 3);
    const one = multiLabelMetrics(
      truth,
      thresholdRows(rows.flat(), 3, global),
      ['a', 'b', 'c'],
      0,
      global,
    );
    expect(perLabel.perClass.slice(0, 2).map((c) => c.f1)).toEqual([1, 1]);
    expect(perLabel.macroF1).toBeGreaterThan(one.macroF1);
    expect(() => tuneLabelThresholds([0.5], truth, 3, 0.5)).toThrow(/probabilities has 1 values/);
  });

  it('keeps the fallback for a label no grid threshold catches', () => {
    // The only positive scores 0.01, under the lowest grid point: best F1 is 0.
    const probs = [0.01, 0.02, 0.02, 0.02, 0.02, 0.02];
    const truth = [[0], [], [], [], [], []];
    expect(tuneLabelThresholds(probs, truth, 1, 0.4, 1)).toEqual([0.4]);
  });
});
