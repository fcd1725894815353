import { describe, expect, it } from 'vitest';
import { Run, SplitMetrics, TrainRequest } from '../../shared/contract';
import { classThresholds, configRows, hasLearned, learnedOf, mixLabels } from './view';

function run(strategy: string, extra: Record<string, unknown> = {}): Run {
  return Run.parse({
    id: 'run_a',
    datasetId: 'ds_a',
    modelId: 'mdl_a',
    strategy,
    status: 'completed',
    config: TrainRequest.parse({ datasetId: 'ds_a', modelId: 'mdl_a', strategy, ...extra }),
    curves: [],
    error: null,
    createdAt: '2026-12-03T00:00:00.000Z',
    finishedAt: null,
  });
}

const names = { dataset: 'sst2', model: 'MiniLM' };
const keys = (r: Run): string[] => configRows(r, names).map(([k]) => k);

describe('run configuration rows', () => {
  it('shows the options a strategy reads and not the ones it ignores', () => {
    expect(keys(run('feature-extraction'))).toEqual(expect.arrayContaining(['Layer', 'Head']));
    expect(keys(run('fine-tune'))).not.toContain('Head');
    expect(keys(run('fine-tune'))).toContain('Unfrozen');
    expect(keys(run('layer-transfer'))).toContain('Student layers');
    expect(keys(run('feature-concat'))).toContain('TF-IDF');
  });

  it('spells values the way the wizard asked for them', () => {
    const rows = Object.fromEntries(configRows(run('fine-tune', { unfreezeTopK: 2 }), names));
    expect(rows.Unfrozen).toBe('top 2 layers');
    expect(rows['Early stopping']).toBe('off');

    const kd = run('layer-transfer', { distillTemperature: 2, studentLayers: [1, 3] });
    const kdRows = Object.fromEntries(configRows(kd, names));
    expect(kdRows.Distillation).toBe('temperature 2, weight 0.5');
    expect(kdRows['Student layers']).toBe('1, 3');
  });
});

describe('what a run learned', () => {
  it('reads scalar-mix weights and gated-fusion openings from the details', () => {
    const mix = learnedOf({ layerWeights: [0.1, 0.2, 0.7], gamma: 1.3, note: 'text' });
    expect(mix).toEqual({ layerWeights: [0.1, 0.2, 0.7], gamma: 1.3 });

    const gate = learnedOf({
      gateOpening: 0.62,
      wordVectors: { model: 'glove', dim: 25, tokenCoverage: 0.8 },
    });
    expect(gate).toEqual({ gateOpening: 0.62, wordVectors: { model: 'glove', coverage: 0.8 } });
  });

  it('ignores what is missing or malformed, so old runs still open', () => {
    expect(hasLearned(learnedOf(undefined))).toBe(false);
    expect(hasLearned(learnedOf({ layerWeights: ['a'], gateOpening: 'high' }))).toBe(false);
  });

  it('labels the embeddings output and then each layer', () => {
    expect(mixLabels(3)).toEqual(['emb', '1', '2']);
  });
});

describe('per-class decision thresholds', () => {
  const metrics = (extra: Record<string, unknown>): SplitMetrics =>
    SplitMetrics.parse({
      accuracy: 0.5,
      macroF1: 0.4,
      loss: 0.3,
      perClass: [],
      confusion: [],
      labels: ['joy', 'anger', 'fear'],
      ...extra,
    });

  it('lists each label at its own tuned threshold', () => {
    const m = metrics({ multiLabel: true, threshold: 0.35, thresholds: [0.2, 0.5, 0.35] });
    expect([...classThresholds(m)!.entries()]).toEqual([
      ['joy', 0.2],
      ['anger', 0.5],
      ['fear', 0.35],
    ]);
  });

  it('falls back to the global threshold when none were tuned per label', () => {
    const m = metrics({ multiLabel: true, threshold: 0.4 });
    expect(classThresholds(m)!.get('anger')).toBe(0.4);
  });

  it('shows no thresholds for single-label runs', () => {
    expect(classThresholds(metrics({}))).toBeNull();
  });
});
