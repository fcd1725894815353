/**
 * Multi-label quality on real parts: fine-tuning the top 2 layers of all-MiniLM-L6-v2 on a
 * GoEmotions subset (28 labels; the first TRAIN_ROWS rows of train.tsv, the first EVAL_ROWS of
 * dev.tsv and of test.tsv, written to a temporary folder) must clear, by a wide margin, the
 * macro-F1 of every predictor that ignores the text. Such a predictor gives each label a
 * constant score, so per-label thresholds can only switch a label on for every row or for none:
 * its best macro-F1 is the all-positive one, mean over labels of 2n / (n + N) (a label that is
 * never predicted scores 0). Before the head got its own learning rate, positive weights and a
 * prior bias, fine-tuning scored exactly that floor.
 *
 * The exported bundle must then predict the run's own label sets, per-label thresholds included.
 * Sized for two shared cores (about 2 minutes; wall time logged).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictWithBundle } from '../../src/main/export/predict';
import { findFetchedMiniLM, MINILM_MISSING_REASON } from '../../src/main/models/paths';
import { logger } from '../../src/main/util/log';
import { createWorkbench, type Workbench } from '../../src/main/workbench';

const TRAIN_ROWS = 2000;
const EVAL_ROWS = 1000;
const PARITY_ROWS = 48;

const log = logger('test');
const GOEMOTIONS = resolve(__dirname, '../../../shared/datasets/goemotions');
const minilm = findFetchedMiniLM();
const missing = !existsSync(GOEMOTIONS)
  ? `../shared is absent (${GOEMOTIONS})`
  : !minilm
    ? MINILM_MISSING_REASON
    : null;
if (missing) log.warn(`skipping the GoEmotions multi-label quality test: ${missing}`);

let dir: string;
let wb: Workbench;
let datasetId: string;
let modelId: string;
let testTexts: string[];

/** The first `rows` lines of a GoEmotions TSV (one row per line; the files hold no newlines). */
function head(file: string, rows: number): string[] {
  return readFileSync(join(GOEMOTIONS, file), 'utf8').split('\n').filter(Boolean).slice(0, rows);
}

/** Best macro-F1 of a text-blind predictor: every label on for every row (see the header). */
function allPositiveMacroF1(support: readonly number[], rows: number): number {
  return support.reduce((s, n) => s + (n === 0 ? 0 : (2 * n) / (n + rows)), 0) / support.length;
}

describe.skipIf(missing !== null)('GoEmotions + all-MiniLM-L6-v2: multi-label fine-tune', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'graft-goemotions-'));
    const files = { train: TRAIN_ROWS, dev: EVAL_ROWS, test: EVAL_ROWS };
    for (const [name, rows] of Object.entries(files)) {
      writeFileSync(join(dir, `${name}.tsv`), head(`${name}.tsv`, rows).join('\n') + '\n');
    }
    // Column 0 is the text; a doubled quote inside a CSV-quoted text stands for one quote.
    testTexts = head('test.tsv', PARITY_ROWS).map((line) => {
      const text = line.split('\t')[0];
      return /^".*"$/.test(text) ? text.slice(1, -1).replace(/""/g, '"') : text;
    });
    wb = await createWorkbench({ dataDir: join(dir, 'data') });
    const dataset = await wb.dispatcher.call('datasets.import', {
      path: join(dir, 'train.tsv'),
      validationPath: join(dir, 'dev.tsv'),
      testPath: join(dir, 'test.tsv'),
      multiLabel: ',',
      labelNamesPath: join(GOEMOTIONS, 'labels.txt'),
      textColumn: 'column1',
      labelColumn: 'column2',
      name: 'goemotions-subset',
    });
    expect(dataset.splits).toEqual({ train: TRAIN_ROWS, validation: EVAL_ROWS, test: EVAL_ROWS });
    expect(dataset.labels).toHaveLength(28);
    datasetId = dataset.id;
    modelId = (await wb.dispatcher.call('models.import', { path: minilm! })).id;
  }, 120_000);

  afterAll(async () => {
    await wb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fine-tuning the top 2 layers clears the text-blind floor; the bundle agrees', async () => {
    const started = performance.now();
    const s = await wb.dispatcher.call('runs.start', {
      datasetId,
      modelId,
      strategy: 'fine-tune',
      unfreezeTopK: 2,
      learningRate: 5e-5,
      epochs: 3,
      batchSize: 32,
      maxLength: 64,
    });
    const status = await wb.runs.settled(s.id);
    const run = await wb.dispatcher.call('runs.get', { id: s.id });
    expect(status, run.error ?? '').toBe('completed');
    const test = run.metrics.test!;
    const floor = allPositiveMacroF1(
      test.perClass.map((c) => c.support),
      EVAL_ROWS,
    );
    log.info(
      `GoEmotions fine-tune: macro-F1 ${test.macroF1.toFixed(4)} (text-blind floor ` +
        `${floor.toFixed(4)}), micro-F1 ${test.microF1!.toFixed(4)}, subset accuracy ` +
        `${test.accuracy.toFixed(4)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(floor).toBeGreaterThan(0.05);
    expect(test.macroF1).toBeGreaterThan(3 * floor);
    expect(test.thresholds).toHaveLength(28);

    const exported = await wb.dispatcher.call('runs.export', {
      runId: run.id,
      outDir: join(dir, 'bundle'),
    });
    const predictions = await predictWithBundle(exported.dir, testTexts);
    const evaluated = JSON.parse(
      readFileSync(join(wb.layout.runs, run.id, 'test-predictions.json'), 'utf8'),
    ) as { predicted: number[][] };
    expect(predictions.map((p) => p.labels)).toEqual(
      evaluated.predicted.slice(0, PARITY_ROWS).map((set) => set.map((i) => test.labels[i])),
    );
  }, 600_000);
});
