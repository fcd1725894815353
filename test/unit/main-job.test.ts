/**
 * The main job through the contract's direct binding, on real parts: a SQLite file in a temp
 * data directory, a tiny seeded BERT folder in Hugging Face layout, the engine and
 * onnxruntime. Import, train, evaluate, export, and predict from the bundle alone.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOnnxOnlyFolder } from '../../src/main/models/__fixtures__/onnx-only';
import { writeTinyBertFolder } from '../../src/main/models/__fixtures__/tiny-bert';
import { predictWithBundle } from '../../src/main/export/predict';
import { createWorkbench, type Workbench } from '../../src/main/workbench';
import type { EventName } from '../../src/shared/contract';

const POSITIVE = ['the movie was good', 'it is great fun', 'a very good film', 'great and fun !'];
const NEGATIVE = ['the movie was bad', 'it is boring', 'a very bad film', 'not fun and boring .'];

/** Rows cycle through the phrases with a varying tail so texts differ. */
function rows(count: number, offset: number): string[] {
  const tails = ['', ' .', ' !', ' it was', ' the film', ' and it'];
  const out = ['text,label'];
  for (let i = 0; i < count; i++) {
    const positive = i % 2 === 0;
    const base = (positive ? POSITIVE : NEGATIVE)[(i >> 1) % 4];
    out.push(`"${base}${tails[(i + offset) % tails.length]}",${positive ? 'pos' : 'neg'}`);
  }
  return out;
}

let dir: string;
let wb: Workbench;
let trainFile: string;
let testFile: string;
let modelDir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'graft-main-job-'));
  trainFile = join(dir, 'train.csv');
  testFile = join(dir, 'test.csv');
  writeFileSync(trainFile, rows(96, 0).join('\n') + '\n');
  writeFileSync(testFile, rows(24, 3).join('\n') + '\n');
  modelDir = join(dir, 'tiny-bert');
  mkdirSync(modelDir);
  writeTinyBertFolder(modelDir, { seed: 7 });
  wb = await createWorkbench({ dataDir: join(dir, 'data') });
});

afterAll(async () => {
  await wb?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the main job on a tiny model', () => {
  it('imports, trains with live events, evaluates, exports and predicts the same', async () => {
    const dataset = await wb.dispatcher.call('datasets.import', {
      path: trainFile,
      testPath: testFile,
      name: 'toy',
    });
    expect(dataset.splits).toEqual({ train: 96, test: 24 });
    expect(dataset.labels).toEqual(['neg', 'pos']);

    const model = await wb.dispatcher.call('models.import', { path: modelDir, name: 'tiny' });
    expect(model.architecture).toBe('bert');
    expect(model.layers).toBe(2);

    const seen = new Set<EventName>();
    const unsubscribe = wb.dispatcher.bus.subscribe((name) => seen.add(name));
    const started = await wb.dispatcher.call('runs.start', {
      datasetId: dataset.id,
      modelId: model.id,
      head: 'mlp',
      epochs: 8,
      learningRate: 0.01,
      hiddenUnits: 16,
    });
    expect(await wb.runs.settled(started.id)).toBe('completed');
    unsubscribe();
    expect([...seen].sort()).toEqual(['run.epoch', 'run.progress', 'run.status']);

    const run = await wb.dispatcher.call('runs.get', { id: started.id });
    expect(run.curves.map((p) => p.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(run.curves[7].trainLoss).toBeLessThan(run.curves[0].trainLoss);
    const test = run.metrics.test!;
    expect(test.labels).toEqual(['neg', 'pos']);
    expect(test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(24);
    expect(test.perClass.map((c) => c.support)).toEqual([12, 12]);
    expect(test.accuracy).toBeGreaterThan(0.7);

    const listed = await wb.dispatcher.call('runs.list', {});
    expect(listed.map((r) => r.id)).toContain(run.id);

    const exported = await wb.dispatcher.call('runs.export', {
      runId: run.id,
      outDir: join(dir, 'bundle'),
    });
    expect(exported.files).toEqual(
      expect.arrayContaining(['model.onnx', 'labels.json', 'README.md', 'graft-bundle.json']),
    );
    expect(readFileSync(join(exported.dir, 'README.md'), 'utf8')).toContain('Accuracy');

    // The bundle alone must reproduce the run's own test predictions.
    const testTexts = rows(24, 3)
      .slice(1)
      .map((line) => line.split('",')[0].slice(1));
    const predictions = await predictWithBundle(exported.dir, testTexts);
    const evaluated = JSON.parse(
      readFileSync(join(wb.layout.runs, run.id, 'test-predictions.json'), 'utf8'),
    ) as {
      predicted: number[];
    };
    expect(predictions.map((p) => p.label)).toEqual(evaluated.predicted.map((i) => test.labels[i]));
    for (const p of predictions) {
      expect(p.probabilities.neg + p.probabilities.pos).toBeCloseTo(1, 5);
    }
  });

  it('reuses cached features for a second run on the same data', async () => {
    const [dataset] = await wb.dispatcher.call('datasets.list', {});
    const [model] = await wb.dispatcher.call('models.list', {});
    const started = await wb.dispatcher.call('runs.start', {
      datasetId: dataset.id,
      modelId: model.id,
      epochs: 2,
    });
    expect(await wb.runs.settled(started.id)).toBe('completed');
    const run = await wb.dispatcher.call('runs.get', { id: started.id });
    expect(run.timings.featureCacheHit).toBe(1);
  });
});

describe('bad input on the main path', () => {
  it('names a missing dataset file and stores nothing', async () => {
    const before = (await wb.dispatcher.call('datasets.list', {})).length;
    const missing = join(dir, 'nope.csv');
    const result = await wb.dispatcher.dispatch('datasets.import', { path: missing });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toContain(missing);
    expect((await wb.dispatcher.call('datasets.list', {})).length).toBe(before);
  });

  it('refuses a label column with a single class, naming it', async () => {
    const file = join(dir, 'one-class.csv');
    writeFileSync(file, 'text,label\nthe movie,pos\na film,pos\nit is,pos\n');
    await expect(wb.dispatcher.call('datasets.import', { path: file })).rejects.toThrow(/pos/);
  });

  it('names a missing column and lists the available ones', async () => {
    await expect(
      wb.dispatcher.call('datasets.import', { path: trainFile, labelColumn: 'sentiment' }),
    ).rejects.toThrow(/sentiment[\s\S]*text[\s\S]*label|available/);
  });

  it('refuses a folder that is not a model and leaves the library as it was', async () => {
    const before = (await wb.dispatcher.call('models.list', {})).length;
    const notModel = join(dir, 'not-a-model');
    mkdirSync(notModel, { recursive: true });
    writeFileSync(join(notModel, 'notes.txt'), 'hello');
    await expect(wb.dispatcher.call('models.import', { path: notModel })).rejects.toThrow(
      /config\.json/,
    );
    expect((await wb.dispatcher.call('models.list', {})).length).toBe(before);
  });

  it('rejects a request that breaks the contract, naming the field', async () => {
    const result = await wb.dispatcher.dispatch('runs.start', {
      datasetId: 'ds_x',
      modelId: 'md_y',
      epochs: -3,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(!result.ok && result.error.message).toMatch(/epochs/);
  });

  it('names an unknown dataset id', async () => {
    const [model] = await wb.dispatcher.call('models.list', {});
    await expect(
      wb.dispatcher.call('runs.start', { datasetId: 'ds_missing', modelId: model.id }),
    ).rejects.toThrow(/ds_missing/);
  });
});

describe('an ONNX-only encoder (model.onnx + tokenizer)', () => {
  it('imports, trains and exports frozen strategies, refusing the others by name', async () => {
    const onnxDir = join(dir, 'tiny-onnx');
    await writeOnnxOnlyFolder(modelDir, onnxDir);
    const model = await wb.dispatcher.call('models.import', { path: onnxDir, name: 'onnx' });
    expect(model).toMatchObject({ kind: 'transformer', architecture: 'onnx', layers: 2 });
    expect(model.hiddenSize).toBe(8);
    expect(model.parameters).toBeGreaterThan(0);

    const [dataset] = await wb.dispatcher.call('datasets.list', {});
    const base = { datasetId: dataset.id, modelId: model.id, epochs: 4, learningRate: 0.05 };
    const runs: string[] = [];
    for (const extra of [
      { strategy: 'feature-extraction' as const, layer: 1 },
      { strategy: 'scalar-mix' as const },
    ]) {
      const started = await wb.dispatcher.call('runs.start', { ...base, ...extra });
      expect(await wb.runs.settled(started.id)).toBe('completed');
      const run = await wb.dispatcher.call('runs.get', { id: started.id });
      expect(run.metrics.test!.accuracy).toBeGreaterThan(0);
      runs.push(run.id);
    }

    // Export of the feature-extraction run: the imported graph with the head merged in.
    const exported = await wb.dispatcher.call('runs.export', {
      runId: runs[0],
      outDir: join(dir, 'onnx-bundle'),
    });
    const texts = rows(24, 3)
      .slice(1)
      .map((line) => line.split('",')[0].slice(1));
    const predictions = await predictWithBundle(exported.dir, texts);
    const evaluated = JSON.parse(
      readFileSync(join(wb.layout.runs, runs[0], 'test-predictions.json'), 'utf8'),
    ) as { predicted: number[] };
    expect(predictions.map((p) => p.label)).toEqual(
      evaluated.predicted.map((i) => ['neg', 'pos'][i]),
    );
    await expect(
      wb.dispatcher.call('runs.export', { runId: runs[1], outDir: join(dir, 'mix-bundle') }),
    ).rejects.toThrow(/scalar-mix.*ONNX-only encoders support frozen strategies only/);

    const refused = await wb.dispatcher.call('runs.start', { ...base, strategy: 'fine-tune' });
    expect(await wb.runs.settled(refused.id)).toBe('failed');
    const failed = await wb.dispatcher.call('runs.get', { id: refused.id });
    expect(JSON.stringify(failed)).toMatch(/fine-tune.*ONNX-only encoders support frozen/);
  });
});
