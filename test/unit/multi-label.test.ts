/**
 * Multi-label datasets through the workbench on the tiny BERT: import with a label separator,
 * train with sigmoid outputs, tune the thresholds (global, then per label) on the validation
 * file, export, and predict the same label sets from the bundle alone.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictWithBundle } from '../../src/main/export/predict';
import { TINY_VOCAB, writeTinyBertFolder } from '../../src/main/models/__fixtures__/tiny-bert';
import { createWorkbench, type Workbench } from '../../src/main/workbench';
import type { Run, TrainRequest } from '../../src/shared/contract';

const TONE = [
  ['the movie was good', 'good'],
  ['the movie was bad', 'bad'],
];
const EXTRA = [
  ['', ''],
  [' and fun', 'fun'],
  [' and very boring', 'boring'],
  [' , fun and boring', 'fun,boring'],
];

/** Rows combine a tone with extras, so a row carries one to three labels. */
function rows(count: number, offset: number): { texts: string[]; csv: string } {
  const tails = ['', ' .', ' !', ' it was'];
  const texts: string[] = [];
  const out = ['text,labels'];
  for (let i = 0; i < count; i++) {
    const [tone, toneLabel] = TONE[i % 2];
    const [extra, extraLabels] = EXTRA[(i >> 1) % 4];
    const text = `${tone}${extra}${tails[(i + offset) % tails.length]}`;
    texts.push(text);
    out.push(`"${text}","${[toneLabel, extraLabels].filter(Boolean).join(',')}"`);
  }
  return { texts, csv: out.join('\n') + '\n' };
}

let dir: string;
let wb: Workbench;
let datasetId: string;
let modelId: string;
let vectorsId: string;
const testRows = rows(16, 1);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'graft-multi-label-'));
  writeFileSync(join(dir, 'train.csv'), rows(64, 0).csv);
  writeFileSync(join(dir, 'test.csv'), testRows.csv);
  // 32 rows: each label has 16 positives, enough for a threshold of its own.
  writeFileSync(join(dir, 'validation.csv'), rows(32, 2).csv);
  const modelDir = join(dir, 'tiny-bert');
  mkdirSync(modelDir);
  writeTinyBertFolder(modelDir, { seed: 7 });
  const words = TINY_VOCAB.filter((w) => /^[a-z]+$/.test(w));
  const vec = words.map((w, i) => `${w} ${(i % 5) / 5} 0.1 -0.2 ${i / 40} 0.3 ${w.length / 9}`);
  writeFileSync(join(dir, 'tiny.vec.txt'), vec.join('\n') + '\n');
  wb = await createWorkbench({ dataDir: join(dir, 'data') });
  const dataset = await wb.dispatcher.call('datasets.import', {
    path: join(dir, 'train.csv'),
    testPath: join(dir, 'test.csv'),
    validationPath: join(dir, 'validation.csv'),
    name: 'multi',
    multiLabel: ',',
  });
  datasetId = dataset.id;
  modelId = (await wb.dispatcher.call('models.import', { path: modelDir, name: 'tiny' })).id;
  vectorsId = (await wb.dispatcher.call('models.import', { path: join(dir, 'tiny.vec.txt') })).id;
});

afterAll(async () => {
  await wb?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Trains, checks the multi-label metrics, exports and checks bundle parity. */
async function trainExportPredict(
  request: Partial<TrainRequest>,
  name: string,
): Promise<{ dir: string; run: Run }> {
  const started = await wb.dispatcher.call('runs.start', {
    datasetId,
    modelId,
    epochs: 4,
    learningRate: 0.01,
    ...request,
  });
  const status = await wb.runs.settled(started.id);
  const run = await wb.dispatcher.call('runs.get', { id: started.id });
  expect(run.error).toBeNull();
  expect(status).toBe('completed');
  const test = run.metrics.test!;
  expect(test.multiLabel).toBe(true);
  expect(test.labels).toEqual(['bad', 'boring', 'fun', 'good']);
  expect(test.threshold).toBeGreaterThanOrEqual(0.05);
  expect(test.threshold).toBeLessThanOrEqual(0.95);
  expect(test.thresholds).toHaveLength(4);
  for (const t of test.thresholds!) {
    expect(t).toBeGreaterThanOrEqual(0.05);
    expect(t).toBeLessThanOrEqual(0.95);
  }
  expect(test.microF1).toBeGreaterThanOrEqual(0);
  expect(run.curves.at(-1)!.trainLoss).toBeLessThan(run.curves[0].trainLoss);
  expect(test.accuracy).toBe(test.subsetAccuracy);
  expect(test.confusion).toEqual([]);
  expect(test.perClass.map((c) => c.support)).toEqual([8, 8, 8, 8]);

  const exported = await wb.dispatcher.call('runs.export', {
    runId: run.id,
    outDir: join(dir, `bundle-${name}`),
  });
  const manifest = JSON.parse(readFileSync(join(exported.dir, 'graft-bundle.json'), 'utf8'));
  expect(manifest.multiLabel).toBe(true);
  expect(manifest.threshold).toBe(test.threshold);
  expect(manifest.thresholds).toEqual(test.thresholds);

  const predictions = await predictWithBundle(exported.dir, testRows.texts);
  const evaluated = JSON.parse(
    readFileSync(join(wb.layout.runs, run.id, 'test-predictions.json'), 'utf8'),
  ) as { predicted: number[][] };
  expect(predictions.map((p) => p.labels)).toEqual(
    evaluated.predicted.map((set) => set.map((i) => test.labels[i])),
  );
  // Independent sigmoids: the probabilities need not sum to one, but each is in [0, 1].
  for (const p of predictions) {
    for (const v of Object.values(p.probabilities)) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  }
  return { dir: exported.dir, run };
}

describe('multi-label datasets on a tiny model', () => {
  it('imports label sets', async () => {
    const dataset = await wb.dispatcher.call('datasets.get', { id: datasetId });
    expect(dataset.multiLabel).toBe(true);
    expect(dataset.labels).toEqual(['bad', 'boring', 'fun', 'good']);
  });

  it('feature extraction: sigmoid head, tuned threshold, bundle parity', async () => {
    await trainExportPredict({ head: 'mlp', hiddenUnits: 16, epochs: 8 }, 'fe');
  });

  it('scalar-mix', async () => {
    await trainExportPredict({ strategy: 'scalar-mix', head: 'mlp', hiddenUnits: 16 }, 'mix');
  });

  it('feature-concat with word vectors and TF-IDF', async () => {
    await trainExportPredict(
      {
        strategy: 'feature-concat',
        layers: [0, -1],
        wordVectorsId: vectorsId,
        tfidf: true,
        tfidfFeatures: 12,
      },
      'concat',
    );
  });

  it('gated-fusion', async () => {
    await trainExportPredict({ strategy: 'gated-fusion', wordVectorsId: vectorsId }, 'gated');
  });

  it('fine-tune', async () => {
    await trainExportPredict({ strategy: 'fine-tune', batchSize: 16 }, 'ft');
  });

  it('fine-tune with balanced positive weights', async () => {
    await trainExportPredict(
      { strategy: 'fine-tune', batchSize: 16, positiveWeights: 'balanced' },
      'ft-pw',
    );
  });

  it('layer-transfer', async () => {
    await trainExportPredict({ strategy: 'layer-transfer', batchSize: 16 }, 'lt');
  });

  it('layer-transfer distils from the multi-label frozen teacher', async () => {
    const { run } = await trainExportPredict(
      { strategy: 'layer-transfer', batchSize: 16, distillTemperature: 2, distillAlpha: 0.5 },
      'lt-kd',
    );
    expect(run.timings.teacherTestMacroF1).toBeGreaterThan(0);
    expect(run.timings.teacher).toBeGreaterThan(0);
  });

  it('predict applies each label its own threshold from the manifest', async () => {
    const bundle = (await trainExportPredict({ head: 'mlp', hiddenUnits: 16, epochs: 8 }, 'thr'))
      .dir;
    const path = join(bundle, 'graft-bundle.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    // Every probability is in [0, 1]: 0 takes a label always, 1.01 never, whatever `threshold`.
    manifest.thresholds = [0, 1.01, 0, 1.01];
    manifest.threshold = 1.01;
    writeFileSync(path, JSON.stringify(manifest));
    const predictions = await predictWithBundle(bundle, testRows.texts.slice(0, 4));
    expect(predictions.map((p) => p.labels)).toEqual(Array(4).fill(['bad', 'fun']));
  });
});
