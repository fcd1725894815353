/**
 * scalar-mix, feature-concat (with word vectors and TF-IDF) and gated-fusion end to end on a
 * tiny seeded BERT through the contract: train, details stored, export, and the bundle alone
 * reproduces the run's own test predictions.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainRequest } from '../../shared/contract';
import { predictWithBundle } from '../export/predict';
import { TINY_VOCAB, writeTinyBertFolder } from '../models/__fixtures__/tiny-bert';
import { createWorkbench, type Workbench } from '../workbench';

const POSITIVE = ['the movie was good', 'it is great fun', 'a very good film', 'great and fun !'];
const NEGATIVE = ['the movie was bad', 'it is boring', 'a very bad film', 'not fun and boring .'];

function rows(count: number, offset: number): string[] {
  const tails = ['', ' .', ' !', ' it was', ' the film', ' and it'];
  return Array.from({ length: count }, (_, i) => {
    const positive = i % 2 === 0;
    const base = (positive ? POSITIVE : NEGATIVE)[(i >> 1) % 4];
    return `"${base}${tails[(i + offset) % tails.length]}",${positive ? 'pos' : 'neg'}`;
  });
}

let dir: string;
let wb: Workbench;
let ids: { dataset: string; model: string; vectors: string };
const testTexts = rows(24, 3).map((line) => line.split('",')[0].slice(1));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'graft-frozen-'));
  writeFileSync(join(dir, 'train.csv'), ['text,label', ...rows(96, 0)].join('\n') + '\n');
  writeFileSync(join(dir, 'test.csv'), ['text,label', ...rows(24, 3)].join('\n') + '\n');
  mkdirSync(join(dir, 'tiny'));
  writeTinyBertFolder(join(dir, 'tiny'), { seed: 7 });
  // 6-d vectors (hidden size is 8, so gated fusion trains a projection); "good" and "bad"
  // carry the sentiment on the first axis, "film" is deliberately missing.
  const words = TINY_VOCAB.filter((w) => /^[a-z]+$/.test(w) && w !== 'film');
  const lines = words.map((w, i) => {
    const sign = ['good', 'great', 'fun'].includes(w)
      ? 1
      : ['bad', 'boring', 'not'].includes(w)
        ? -1
        : 0;
    return `${w} ${sign} ${(i % 5) / 5} 0.1 -0.2 ${i / 40} 0.3`;
  });
  writeFileSync(join(dir, 'tiny.vec.txt'), lines.join('\n') + '\n');

  wb = await createWorkbench({ dataDir: join(dir, 'data') });
  const dataset = await wb.dispatcher.call('datasets.import', {
    path: join(dir, 'train.csv'),
    testPath: join(dir, 'test.csv'),
  });
  const model = await wb.dispatcher.call('models.import', { path: join(dir, 'tiny') });
  const vectors = await wb.dispatcher.call('models.import', { path: join(dir, 'tiny.vec.txt') });
  ids = { dataset: dataset.id, model: model.id, vectors: vectors.id };
});

afterAll(async () => {
  await wb?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function trainExportPredict(
  request: Partial<TrainRequest>,
): Promise<Record<string, unknown>> {
  const started = await wb.dispatcher.call('runs.start', {
    datasetId: ids.dataset,
    modelId: ids.model,
    epochs: 6,
    learningRate: 0.01,
    ...request,
  });
  expect(await wb.runs.settled(started.id)).toBe('completed');
  const run = await wb.dispatcher.call('runs.get', { id: started.id });
  expect(run.curves.length).toBeGreaterThan(0);
  expect(run.metrics.test!.accuracy).toBeGreaterThan(0.6);

  const bundle = await wb.dispatcher.call('runs.export', {
    runId: run.id,
    outDir: join(dir, `b-${run.id}`),
  });
  const predictions = await predictWithBundle(bundle.dir, testTexts);
  const evaluated = JSON.parse(
    readFileSync(join(wb.layout.runs, run.id, 'test-predictions.json'), 'utf8'),
  ) as {
    predicted: number[];
  };
  expect(predictions.map((p) => p.label)).toEqual(
    evaluated.predicted.map((i) => run.metrics.test!.labels[i]),
  );
  return run.details;
}

describe('frozen strategies on a tiny BERT', () => {
  it('imports a word-vectors file as its own model kind', async () => {
    const model = await wb.dispatcher.call('models.get', { id: ids.vectors });
    expect(model).toMatchObject({
      kind: 'word-vectors',
      architecture: 'glove',
      hiddenSize: 6,
      layers: 0,
      heads: 0,
    });
    expect(model.vocabSize).toBe(TINY_VOCAB.filter((w) => /^[a-z]+$/.test(w)).length - 1);
  });

  it('scalar-mix learns softmax layer weights over every hidden state', async () => {
    const details = await trainExportPredict({
      strategy: 'scalar-mix',
      head: 'mlp',
      hiddenUnits: 16,
      epochs: 8,
    });
    const weights = details.layerWeights as number[];
    expect(weights).toHaveLength(3); // embeddings + 2 layers
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(typeof details.gamma).toBe('number');
  });

  it('feature-concat joins chosen layers, averaged word vectors and TF-IDF', async () => {
    const details = await trainExportPredict({
      strategy: 'feature-concat',
      layers: [0, -1],
      wordVectorsId: ids.vectors,
      tfidf: true,
      tfidfFeatures: 12,
      head: 'mlp',
      hiddenUnits: 8,
    });
    expect(details.layers).toEqual([0, 2]);
    expect(details.tfidfFeatures).toBe(12);
    expect(details.wordVectors).toMatchObject({ dim: 6, lowercase: true });
  });

  it('gated-fusion trains the gate and reports its average opening', async () => {
    const details = await trainExportPredict({
      strategy: 'gated-fusion',
      wordVectorsId: ids.vectors,
    });
    expect(details.gateOpening).toBeGreaterThan(0);
    expect(details.gateOpening).toBeLessThan(1);
  });

  it('gated-fusion without word vectors names the argument', async () => {
    const started = await wb.dispatcher.call('runs.start', {
      datasetId: ids.dataset,
      modelId: ids.model,
      strategy: 'gated-fusion',
    });
    expect(await wb.runs.settled(started.id)).toBe('failed');
    expect((await wb.dispatcher.call('runs.get', { id: started.id })).error).toMatch(
      /wordVectorsId/,
    );
  });
});
