import { describe, expect, it } from 'vitest';
import { argmaxRows, classificationMetrics, confusionMatrix } from './metrics';

describe('classification metrics', () => {
  it('counts the confusion matrix with rows as truth', () => {
    const m = confusionMatrix([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 3);
    expect(m).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ]);
  });

  it('computes accuracy, per-class and macro F1', () => {
    const r = classificationMetrics([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], ['a', 'b', 'c'], 0.5);
    expect(r.accuracy).toBeCloseTo(3 / 5, 12);
    // a: p = 1/2, r = 1/2, f1 = 1/2; b: p = 2/3, r = 1, f1 = 0.8; c: f1 = 0
    expect(r.perClass.map((c) => c.f1)).toEqual([0.5, expect.closeTo(0.8, 12), 0]);
    expect(r.macroF1).toBeCloseTo((0.5 + 0.8 + 0) / 3, 12);
    expect(r.perClass[1].support).toBe(2);
  });

  it('rejects mismatched lengths and out-of-range labels', () => {
    expect(() => confusionMatrix([0], [0, 1], 2)).toThrow(/truth has 1 labels but predicted has 2/);
    expect(() => confusionMatrix([3], [0], 2)).toThrow(/out of range at 0/);
  });

  it('takes the row-wise argmax', () => {
    expect(Array.from(argmaxRows(new Float32Array([0.1, 0.9, 0.8, 0.2]), 2))).toEqual([1, 0]);
  });
});

describe('macro-F1 over the classes that occur', () => {
  it('counts a class that is only predicted, as sklearn does', () => {
    // truth has no positives; one false positive: class 1 F1 = 0, class 0 F1 = 2/3 · ... = 0.8
    const r = classificationMetrics([0, 0, 0], [0, 0, 1], ['neg', 'pos'], 0);
    expect(r.perClass[1].f1).toBe(0);
    expect(r.macroF1).toBeCloseTo((0.8 + 0) / 2, 12);
  });
});
