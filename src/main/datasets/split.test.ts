import { describe, expect, it } from 'vitest';
import { sortLabels } from './labels';
import { mulberry32, stratifiedSplit, testQuota } from './split';

describe('stratifiedSplit', () => {
  // 80 of class 0, 20 of class 1, interleaved so file order and class order differ
  const labels = Array.from({ length: 100 }, (_, i) => (i % 5 === 0 ? 1 : 0));

  it('sends each class to test in proportion, keeping file order', () => {
    const { train, test } = stratifiedSplit(labels, 2, 0.25, 7);

    expect(test.length).toBe(25);
    expect(test.filter((i) => labels[i] === 1).length).toBe(5); // 20 * 0.25
    expect(train.length + test.length).toBe(100);
    expect(new Set([...train, ...test]).size).toBe(100);
    expect(test).toEqual([...test].sort((a, b) => a - b));
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = stratifiedSplit(labels, 2, 0.2, 13);
    expect(stratifiedSplit(labels, 2, 0.2, 13)).toEqual(a);
    expect(stratifiedSplit(labels, 2, 0.2, 14).test).not.toEqual(a.test);
  });

  it('pins the generator and a split, so stored splits stay reproducible across versions', () => {
    // mulberry32(1) starts with this value in every published implementation
    expect(mulberry32(1)()).toBe(0.6270739405881613);
    expect(stratifiedSplit([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], 2, 0.4, 13).test).toEqual([0, 2, 5, 6]);
  });
});

describe('testQuota', () => {
  it('rounds the total and shares the remainder by largest fraction', () => {
    // 0.3 * [7, 5, 3] = [2.1, 1.5, 0.9]: floors [2, 1, 0], total round(4.5) = 5 -> +1, +1
    expect(testQuota([7, 5, 3], 0.3)).toEqual([2, 2, 1]);
  });

  it('never takes the last row of a class', () => {
    // round(12 * 0.5) = 6 in all; the single-row classes keep theirs, so the third gives 6
    expect(testQuota([1, 1, 10], 0.5)).toEqual([0, 0, 6]);
    expect(testQuota([2, 2], 0.9)).toEqual([1, 1]);
  });
});

describe('sortLabels', () => {
  it('sorts integers as numbers and keeps their string form', () => {
    expect(sortLabels(['10', '2', '-1', '02'])).toEqual(['-1', '02', '2', '10']);
  });

  it('sorts names by code unit, independent of locale', () => {
    expect(sortLabels(['spam', 'ham', 'Ham', 'ham'])).toEqual(['Ham', 'ham', 'spam']);
  });
});
