/** The renderer's pure helpers: routes, live curve merging, and how run timings read. */
import { describe, expect, it } from 'vitest';
import type { CurvePoint } from '../shared/contract';
import { count, timing } from './format';
import { mergePoints } from './live';
import { href, parseRoute, type Route } from './router';

function point(epoch: number, trainLoss: number): CurvePoint {
  return {
    epoch,
    trainLoss,
    trainAccuracy: 0.5,
    validationLoss: null,
    validationAccuracy: null,
  };
}

describe('routes', () => {
  it('round-trips every page through the hash', () => {
    const routes: Route[] = [
      { page: 'datasets' },
      { page: 'models' },
      { page: 'new-run' },
      { page: 'runs' },
      { page: 'run', id: 'run_a/b c' },
    ];
    for (const route of routes) expect(parseRoute(href(route))).toEqual(route);
  });

  it('falls back to datasets for an empty or unknown hash', () => {
    expect(parseRoute('')).toEqual({ page: 'datasets' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'datasets' });
  });
});

describe('mergePoints', () => {
  it('keeps one point per epoch, in order, with live points winning', () => {
    const merged = mergePoints([point(1, 0.9), point(2, 0.8)], [point(3, 0.5), point(2, 0.7)]);
    expect(merged.map((p) => [p.epoch, p.trainLoss])).toEqual([
      [1, 0.9],
      [2, 0.7],
      [3, 0.5],
    ]);
  });
});

describe('formatting', () => {
  it('reads timings as seconds, rates and flags by their key', () => {
    expect(timing('features', 18.25)).toEqual(['features time', '18.3 s']);
    expect(timing('training', 0.0125)).toEqual(['training time', '13 ms']);
    expect(timing('featureSentencesPerSecond', 63.21)).toEqual(['feature sentences', '63.2/s']);
    expect(timing('featureCacheHit', 0)).toEqual(['feature cache hit', 'no']);
    expect(timing('trainableParameters', 1234567)).toEqual(['trainable parameters', '1,234,567']);
  });

  it('writes parameter counts in k, M and B', () => {
    expect([count(950), count(298_125), count(22_713_216), count(1.2e9)]).toEqual([
      '950',
      '298.1k',
      '22.7M',
      '1.20B',
    ]);
  });
});
