import { describe, expect, it } from 'vitest';
import { multiHot } from '../evaluation/multi-label';
import {
  MAX_POSITIVE_WEIGHT,
  multiLabelOutcome,
  positiveWeightsOf,
  priorLogOdds,
} from './multi-label';

// 10 rows, 4 labels: label 0 in 5 rows, label 1 in 1, label 2 in none, label 3 in all.
const SETS = [[0, 1, 3], [0, 3], [0, 3], [0, 3], [0, 3], [3], [3], [3], [3], [3]];
const TARGETS = multiHot(SETS, 4);

describe('multi-label loss weights and head prior', () => {
  it('weights positives by negatives / positives, capped, and 1 where nothing balances', () => {
    // label 0: 5/5 -> 1; label 1: 9/1 -> 9; label 2: no positives; label 3: no negatives
    expect(positiveWeightsOf(TARGETS, 4)).toEqual([1, 9, 1, 1]);
    const rare = multiHot([[0], ...Array.from({ length: 49 }, () => [])], 1);
    expect(positiveWeightsOf(rare, 1)).toEqual([MAX_POSITIVE_WEIGHT]);
  });

  it('starts each sigmoid at its smoothed label frequency, shifted by the positive weight', () => {
    // p = (n + 1) / (N + 2): 6/12, 2/12, 1/12, 11/12
    const logit = (p: number): number => Math.log(p / (1 - p));
    const prior = priorLogOdds(TARGETS, 4);
    [6 / 12, 2 / 12, 1 / 12, 11 / 12].forEach((p, c) => expect(prior[c]).toBeCloseTo(logit(p), 6));
    // With weight w the weighted loss's best constant has odds w · p / (1 − p).
    const weighted = priorLogOdds(TARGETS, 4, [1, 9, 1, 1]);
    expect(weighted[1]).toBeCloseTo(Math.log(9) + logit(2 / 12), 6);
    expect(weighted[0]).toBeCloseTo(prior[0], 6);
  });
});

describe('multi-label outcome', () => {
  it('tunes per-label thresholds on validation and applies them to test', () => {
    // Label 0 scores 0.8 on positives and 0.6 on negatives, label 1 0.3 and 0.1: a global
    // threshold cannot separate both, per-label ones can.
    const rows = 10;
    const sets = Array.from({ length: rows }, (_, r) => (r % 2 === 0 ? [0, 1] : []));
    const probabilities = Float32Array.from(
      sets.flatMap((s) => (s.length ? [0.8, 0.3] : [0.6, 0.1])),
    );
    const { metrics, predicted } = multiLabelOutcome({
      dataset: { labels: ['a', 'b'] },
      validation: { probabilities, sets },
      test: { probabilities, sets },
      loss: 0.5,
    });
    expect(metrics.thresholds).toHaveLength(2);
    expect(metrics.thresholds![0]).toBeGreaterThan(0.6);
    expect(metrics.thresholds![1]).toBeLessThanOrEqual(0.3);
    expect(metrics.macroF1).toBe(1);
    expect(predicted).toEqual(sets);
    expect(metrics.threshold).toBeGreaterThanOrEqual(0.05);
  });

  it('uses 0.5 for every label without validation rows', () => {
    const probabilities = Float32Array.from([0.6, 0.4]);
    const { metrics, predicted } = multiLabelOutcome({
      dataset: { labels: ['a', 'b'] },
      validation: null,
      test: { probabilities, sets: [[0]] },
      loss: 0,
    });
    expect(metrics.threshold).toBe(0.5);
    expect(metrics.thresholds).toEqual([0.5, 0.5]);
    expect(predicted).toEqual([[0]]);
  });
});
