import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TrainRequest } from '../../shared/contract';
import type { ParamGroup } from '../engine/optimizers';
import { writeTinyBertFolder } from '../models/__fixtures__/tiny-bert';
import {
  checkSourceLayers,
  classifierOptimizer,
  decayLevel,
  defaultStudentLayers,
  layerOf,
  loadClassifierModel,
  noWeightDecay,
  parameterLr,
} from './encoder-classifier';
import { classWeightsFor } from './encoder-data';
import { fineTuneTrainable } from './fine-tune';

const dir = mkdtempSync(join(tmpdir(), 'graft-encoder-classifier-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (o: Partial<TrainRequest> = {}): ReturnType<typeof TrainRequest.parse> =>
  TrainRequest.parse({ datasetId: 'ds', modelId: 'md', ...o });

describe('student layers', () => {
  it('defaults to every other layer ending at the top', () => {
    expect(defaultStudentLayers(6)).toEqual([1, 3, 5]);
    expect(defaultStudentLayers(12)).toEqual([1, 3, 5, 7, 9, 11]);
    expect(defaultStudentLayers(3)).toEqual([0, 2]);
    expect(defaultStudentLayers(1)).toEqual([0]);
  });

  it('refuses out-of-range or unordered layers, naming the accepted range', () => {
    expect(() => checkSourceLayers([0, 6], 6)).toThrow(/studentLayers.*0\.\.5/);
    expect(() => checkSourceLayers([3, 1], 6)).toThrow(/increasing/);
    expect(() => checkSourceLayers([], 6)).toThrow(/studentLayers/);
    expect(() => checkSourceLayers([0, 5], 6)).not.toThrow();
  });

  it('renames teacher layer sourceLayers[i] to student layer i, sharing the tensors', async () => {
    const tiny = writeTinyBertFolder(join(dir, 'bert4'), { layers: 4, seed: 3, prefix: 'bert.' });
    const student = await loadClassifierModel(join(dir, 'bert4'), [1, 3]);
    expect(student.config.layers).toBe(2);
    const q = (l: number): string => `bert.encoder.layer.${l}.attention.self.query.weight`;
    expect(student.weights.get(q(0))!.data).toEqual(tiny.tensors[q(1)].data);
    expect(student.weights.get(q(1))!.data).toEqual(tiny.tensors[q(3)].data);
    expect(student.weights.has(q(2))).toBe(false);
    expect(student.weights.has('bert.embeddings.word_embeddings.weight')).toBe(true);
    expect([...student.weights.keys()].some((n) => n.includes('pooler'))).toBe(false);
  });
});

describe('fine-tune trainable set', () => {
  it('unfreezes the head and the top k layers, or everything when k is absent', () => {
    const top2 = fineTuneTrainable(6, 2);
    expect(top2('head.w')).toBe(true);
    expect(top2('encoder.layer.5.output.dense.weight')).toBe(true);
    expect(top2('encoder.layer.4.attention.self.key.bias')).toBe(true);
    expect(top2('encoder.layer.3.output.dense.weight')).toBe(false);
    expect(top2('embeddings.word_embeddings.weight')).toBe(false);
    expect(fineTuneTrainable(6, 0)('encoder.layer.5.output.dense.weight')).toBe(false);
    expect(fineTuneTrainable(6, undefined)('embeddings.LayerNorm.weight')).toBe(true);
    expect(() => fineTuneTrainable(6, 7)).toThrow(/unfreezeTopK.*0\.\.6/);
  });
});

describe('optimizer recipe', () => {
  it('decays the rate by depth below the top: head and top layer lr, embeddings lr·d^L', () => {
    expect(decayLevel('head.w', 6)).toBe(0);
    expect(decayLevel('encoder.layer.5.output.dense.weight', 6)).toBe(0);
    expect(decayLevel('encoder.layer.0.output.dense.weight', 6)).toBe(5);
    expect(decayLevel('embeddings.word_embeddings.weight', 6)).toBe(6);
    expect(decayLevel('transformer.layer.4.ffn.lin1.weight', 6)).toBe(1); // DistilBERT
    expect(layerOf('transformer.layer.4.ffn.lin1.weight')).toBe(4);
    expect(layerOf('encoder.albert_layer_groups.0.albert_layers.0.ffn.weight')).toBeNull();
    const c = config({ learningRate: 1e-3, layerwiseLrDecay: 0.5 });
    expect(parameterLr(c, 'encoder.layer.3.output.dense.weight', 6)).toBeCloseTo(1e-3 * 0.25, 12);
    expect(parameterLr(c, 'encoder.layer.5.output.dense.weight', 6)).toBeCloseTo(1e-3, 12);
  });

  it('gives the new head learningRate · headLrMultiplier, the encoder is unaffected', () => {
    const c = config({ learningRate: 5e-5, headLrMultiplier: 20, layerwiseLrDecay: 0.5 });
    expect(parameterLr(c, 'head.w', 6)).toBeCloseTo(1e-3, 12);
    expect(parameterLr(c, 'head.b', 6)).toBeCloseTo(1e-3, 12);
    expect(parameterLr(c, 'encoder.layer.5.output.dense.weight', 6)).toBeCloseTo(5e-5, 12);
    const spec = classifierOptimizer(c, 6, 100);
    const groupOf = (name: string): ParamGroup | undefined =>
      spec.groups!.find((g) => (typeof g.match === 'function' ? g.match(name) : false));
    expect(groupOf('head.w')).toMatchObject({ lr: 1e-3, weightDecay: c.weightDecay });
    expect(groupOf('head.b')).toMatchObject({ lr: 1e-3, weightDecay: 0 });
    expect(groupOf('encoder.layer.5.output.dense.weight')!.lr).toBeCloseTo(5e-5, 12);
  });

  it('exempts biases and LayerNorm from weight decay', () => {
    expect(noWeightDecay('encoder.layer.0.output.dense.bias')).toBe(true);
    expect(noWeightDecay('encoder.layer.0.output.LayerNorm.weight')).toBe(true);
    expect(noWeightDecay('head.b')).toBe(true);
    expect(noWeightDecay('head.w')).toBe(false);
  });

  it('builds AdamW with warmup steps from the ratio, clipping and groups per level', () => {
    const spec = classifierOptimizer(
      config({ warmupRatio: 0.1, schedule: 'cosine', clipNorm: 1, layerwiseLrDecay: 0.8 }),
      6,
      200,
    );
    expect(spec).toMatchObject({
      kind: 'adamw',
      clipNorm: 1,
      schedule: { kind: 'cosine', warmupSteps: 20, totalSteps: 200 },
    });
    // head (decayed, not) + levels 0..6 (decayed, not)
    expect(spec.groups).toHaveLength(16);
    // A one-step run has no room for warmup.
    expect(classifierOptimizer(config(), 6, 1).schedule).toMatchObject({ warmupSteps: 0 });
  });
});

describe('class weights', () => {
  it("'balanced' gives N / (C · n_c), 'none' nothing", () => {
    const y = Int32Array.from([0, 0, 0, 1]);
    expect(classWeightsFor('balanced', y, 2)).toEqual([4 / 6, 2]);
    expect(classWeightsFor('balanced', y, 3)).toEqual([4 / 9, 4 / 3, 0]);
    expect(classWeightsFor('none', y, 2)).toBeUndefined();
  });
});
