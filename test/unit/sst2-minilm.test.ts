/**
 * The first milestone's acceptance on real parts: SST-2 (the first 5,000 rows of train.tsv,
 * all 872 rows of test.tsv) with the real all-MiniLM-L6-v2, feature extraction and a
 * logistic-regression head, must reach at least 75% test accuracy.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFetchedMiniLM, MINILM_MISSING_REASON } from '../../src/main/models/paths';
import { createWorkbench } from '../../src/main/workbench';
import { logger } from '../../src/main/util/log';

const SST2 = resolve(__dirname, '../../../shared/datasets/sst2_glue_alps');
const minilm = findFetchedMiniLM();
const missing = !existsSync(SST2)
  ? `../shared is absent (${SST2})`
  : !minilm
    ? MINILM_MISSING_REASON
    : null;
if (missing) logger('test').warn(`skipping the SST-2 + MiniLM acceptance: ${missing}`);

describe.skipIf(missing !== null)('SST-2 with all-MiniLM-L6-v2', () => {
  it('feature extraction + logistic head reaches at least 75% test accuracy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-sst2-'));
    const wb = await createWorkbench({ dataDir: dir });
    try {
      const dataset = await wb.dispatcher.call('datasets.import', {
        path: join(SST2, 'train.tsv'),
        testPath: join(SST2, 'test.tsv'),
        limit: 5000,
      });
      expect(dataset.splits).toEqual({ train: 5000, test: 872 });
      const model = await wb.dispatcher.call('models.import', { path: minilm! });

      const run = await wb.dispatcher.call('runs.start', {
        datasetId: dataset.id,
        modelId: model.id,
        strategy: 'feature-extraction',
        head: 'logreg',
      });
      expect(await wb.runs.settled(run.id)).toBe('completed');

      const done = await wb.dispatcher.call('runs.get', { id: run.id });
      logger('test').info(
        `SST-2 test accuracy ${done.metrics.test!.accuracy}, timings ${JSON.stringify(done.timings)}`,
      );
      expect(done.metrics.test!.accuracy).toBeGreaterThanOrEqual(0.75);
      expect(done.metrics.test!.perClass.map((c) => c.support).reduce((a, b) => a + b)).toBe(872);
    } finally {
      await wb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
