/**
 * Fine-tuning and layer transfer through the contract's direct binding on a tiny seeded BERT:
 * runs complete with falling loss, the exported bundle alone reproduces the run's test
 * predictions, frozen layers stay out of the checkpoint, layer-wise rates are what the recipe
 * says, and early stopping stops.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictWithBundle } from '../../src/main/export/predict';
import { writeTinyBertFolder, type TinyBert } from '../../src/main/models/__fixtures__/tiny-bert';
import { loadClassifier } from '../../src/main/transfer/encoder-classifier';
import { createWorkbench, type Workbench } from '../../src/main/workbench';
import type { Run, TrainRequest } from '../../src/shared/contract';

const POSITIVE = ['the movie was good', 'it is great fun', 'a very good film', 'great and fun !'];
const NEGATIVE = ['the movie was bad', 'it is boring', 'a very bad film', 'not fun and boring .'];

/** Tails cycle independently of the label, so only the phrase carries it. */
function rows(count: number, offset: number): string[] {
  const tails = ['', ' .', ' !', ' it was', ' the film', ' and it'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const positive = i % 2 === 0;
    const base = (positive ? POSITIVE : NEGATIVE)[(i >> 1) % 4];
    const tail = tails[((i >> 3) + offset) % tails.length];
    out.push(`"${base}${tail}",${positive ? 'pos' : 'neg'}`);
  }
  return out;
}

let dir: string;
let wb: Workbench;
let tiny: TinyBert;
let datasetId: string;
let modelId: string;
const testTexts = rows(24, 3).map((line) => line.split('",')[0].slice(1));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'graft-encoder-strategies-'));
  writeFileSync(join(dir, 'train.csv'), ['text,label', ...rows(96, 0)].join('\n') + '\n');
  writeFileSync(join(dir, 'test.csv'), ['text,label', ...rows(24, 3)].join('\n') + '\n');
  mkdirSync(join(dir, 'tiny-bert'));
  tiny = writeTinyBertFolder(join(dir, 'tiny-bert'), { seed: 7, layers: 4 });
  wb = await createWorkbench({ dataDir: join(dir, 'data') });
  const dataset = await wb.dispatcher.call('datasets.import', {
    path: join(dir, 'train.csv'),
    testPath: join(dir, 'test.csv'),
    name: 'toy',
  });
  datasetId = dataset.id;
  modelId = (await wb.dispatcher.call('models.import', { path: join(dir, 'tiny-bert') })).id;
});

afterAll(async () => {
  await wb?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function train(request: Partial<TrainRequest>): Promise<Run> {
  const started = await wb.dispatcher.call('runs.start', {
    datasetId,
    modelId,
    epochs: 6,
    learningRate: 0.01,
    batchSize: 16,
    ...request,
  });
  const status = await wb.runs.settled(started.id);
  const run = await wb.dispatcher.call('runs.get', { id: started.id });
  expect(status, run.error ?? '').toBe('completed');
  return run;
}

/** The bundle alone must give the labels the run's own evaluation gave. */
async function expectExportParity(run: Run): Promise<void> {
  const out = join(dir, `bundle-${run.id}`);
  const exported = await wb.dispatcher.call('runs.export', { runId: run.id, outDir: out });
  expect(exported.files).toEqual(expect.arrayContaining(['model.onnx', 'graft-bundle.json']));
  const predictions = await predictWithBundle(exported.dir, testTexts);
  const evaluated = JSON.parse(
    readFileSync(join(wb.layout.runs, run.id, 'test-predictions.json'), 'utf8'),
  ) as { predicted: number[]; labels: string[] };
  expect(predictions.map((p) => p.label)).toEqual(
    evaluated.predicted.map((i) => evaluated.labels[i]),
  );
}

const original = (name: string): Float32Array => tiny.tensors[name].data;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('fine-tune on a tiny BERT', () => {
  it('trains the whole encoder, loss falls, and the bundle predicts the same', async () => {
    const run = await train({ strategy: 'fine-tune', epochs: 8, clipNorm: 1, schedule: 'cosine' });
    expect(run.curves.map((p) => p.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(run.curves[7].trainLoss).toBeLessThan(run.curves[0].trainLoss);
    expect(run.curves[0].validationAccuracy).not.toBeNull();
    expect(run.metrics.test!.accuracy).toBeGreaterThan(0.7);
    await expectExportParity(run);
  });

  it('top-k: frozen layers stay out of the checkpoint, unfrozen ones move', async () => {
    const run = await train({ strategy: 'fine-tune', unfreezeTopK: 1, classWeights: 'balanced' });
    const { params, layout } = loadClassifier(join(wb.layout.runs, run.id));
    expect(layout.sourceLayers).toEqual([0, 1, 2, 3]);
    const names = [...params.keys()];
    expect(names).toContain('head.w');
    const encoderNames = names.filter((n) => !n.startsWith('head.'));
    expect(encoderNames.every((n) => n.startsWith('encoder.layer.3.'))).toBe(true);
    const q = 'encoder.layer.3.attention.self.query.weight';
    expect(maxAbsDiff(params.get(q)!, original(q))).toBeGreaterThan(1e-4);
    const count = names.reduce((s, n) => s + params.get(n)!.length, 0);
    expect(run.timings.trainableParameters).toBe(count);
    await expectExportParity(run);
  });

  it('applies layer-wise LR decay (one AdamW step moves each weight by its rate)', async () => {
    // One step (batch larger than the fit rows), constant schedule, no decay, no dropout:
    // AdamW's first update is lr_group · g/(|g| + ε), so max |Δθ| is the group's rate.
    const lr = 0.01;
    const d = 0.5;
    const run = await train({
      strategy: 'fine-tune',
      epochs: 1,
      batchSize: 128,
      learningRate: lr,
      layerwiseLrDecay: d,
      schedule: 'constant',
      weightDecay: 0,
      dropout: 0,
    });
    const { params } = loadClassifier(join(wb.layout.runs, run.id));
    const step = (name: string): number => maxAbsDiff(params.get(name)!, original(name));
    const near = (got: number, want: number): void =>
      expect(Math.abs(got / want - 1)).toBeLessThan(1e-3);
    near(step('encoder.layer.3.output.dense.weight'), lr);
    near(step('encoder.layer.2.output.dense.weight'), lr * d);
    near(step('encoder.layer.0.attention.self.value.weight'), lr * d ** 3);
    near(step('embeddings.word_embeddings.weight'), lr * d ** 4);
    // The head has its own rate; its bias starts at 0 (single-label: no prior).
    const headBias = params.get('head.b')!;
    near(
      maxAbsDiff(headBias, new Float32Array(headBias.length)),
      lr * run.config.headLrMultiplier!,
    );
  });

  it('stops early once validation accuracy stalls and keeps the best epoch', async () => {
    const run = await train({ strategy: 'fine-tune', epochs: 30, earlyStoppingPatience: 2 });
    expect(run.timings.epochsRun).toBeLessThan(30);
    expect(run.curves).toHaveLength(run.timings.epochsRun);
    expect(run.timings.bestEpoch).toBe(run.timings.epochsRun - 2);
    const best = run.curves[run.timings.bestEpoch - 1].validationAccuracy!;
    expect(Math.max(...run.curves.map((p) => p.validationAccuracy!))).toBe(best);
  });

  it('names the accepted range of unfreezeTopK', async () => {
    const started = await wb.dispatcher.call('runs.start', {
      datasetId,
      modelId,
      strategy: 'fine-tune',
      unfreezeTopK: 9,
    });
    expect(await wb.runs.settled(started.id)).toBe('failed');
    const run = await wb.dispatcher.call('runs.get', { id: started.id });
    expect(run.error).toMatch(/unfreezeTopK.*0\.\.4/);
  });
});

describe('layer-transfer on a tiny BERT', () => {
  it('trains a student of every other layer; loss falls; the bundle agrees', async () => {
    const run = await train({ strategy: 'layer-transfer', epochs: 8 });
    const { params, layout } = loadClassifier(join(wb.layout.runs, run.id));
    expect(layout.sourceLayers).toEqual([1, 3]);
    expect([...params.keys()].some((n) => n.startsWith('encoder.layer.2.'))).toBe(false);
    expect(run.curves[7].trainLoss).toBeLessThan(run.curves[0].trainLoss);
    expect(run.metrics.test!.accuracy).toBeGreaterThan(0.7);
    await expectExportParity(run);
  });

  it('distils from the frozen teacher with a temperature', async () => {
    const run = await train({
      strategy: 'layer-transfer',
      studentLayers: [0, 2],
      distillTemperature: 2,
      distillAlpha: 0.5,
    });
    expect(loadClassifier(join(wb.layout.runs, run.id)).layout.sourceLayers).toEqual([0, 2]);
    expect(run.timings.teacherTestAccuracy).toBeGreaterThan(0);
    expect(run.curves.at(-1)!.trainLoss).toBeLessThan(run.curves[0].trainLoss);
    await expectExportParity(run);
  });

  it('names the accepted studentLayers', async () => {
    const started = await wb.dispatcher.call('runs.start', {
      datasetId,
      modelId,
      strategy: 'layer-transfer',
      studentLayers: [2, 7],
    });
    expect(await wb.runs.settled(started.id)).toBe('failed');
    const run = await wb.dispatcher.call('runs.get', { id: started.id });
    expect(run.error).toMatch(/studentLayers.*0\.\.3/);
  });
});
