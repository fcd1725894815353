/**
 * The whole main job as a user does it, in real Chromium against `graft serve`: import the
 * SST-2 subset, import all-MiniLM-L6-v2, start a run, watch it finish, open its result, export.
 * Screenshots land in test-results/screenshots/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFetchedMiniLM, MINILM_MISSING_REASON } from '../../src/main/models/paths';
import { writeTinyBertFolder } from '../../src/main/models/__fixtures__/tiny-bert';
import { logger } from '../../src/main/util/log';
import { CHROMIUM_PATH, launchBrowser, screenshot, type Browser } from './browser';
import { ROOT, startServe, stopServe, type Server } from './serve';

const SST2 = resolve(ROOT, '../shared/datasets/sst2_glue_alps');
const log = logger('e2e');

const noChromium = existsSync(CHROMIUM_PATH)
  ? null
  : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
const minilm = findFetchedMiniLM();
const noRealJob =
  noChromium ??
  (!existsSync(SST2) ? `../shared is absent (${SST2})` : !minilm ? MINILM_MISSING_REASON : null);
if (noRealJob) log.warn(`skipping the real end-to-end job: ${noRealJob}`);

let dir: string;
let server: Server | undefined;
let browser: Browser | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'graft-e2e-'));
});

afterAll(async () => {
  await browser?.close();
  await stopServe(server);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(noRealJob !== null)('the main job in the browser', () => {
  it('imports SST-2 and MiniLM, trains, shows the result and exports', async () => {
    server = await startServe(join(dir, 'data'));
    browser = await launchBrowser();
    const page = browser.page;
    await page.goto(server.url);

    // 1. The dataset: SST-2's first 1,000 training rows and its 872-row test file.
    await page.fill('[data-testid=dataset-path]', join(SST2, 'train.tsv'));
    await page.fill('[data-testid=dataset-test-path]', join(SST2, 'test.tsv'));
    await page.fill('[data-testid=dataset-limit]', '1000');
    await page.fill('[data-testid=dataset-name]', 'sst2-1k');
    await page.click('[data-testid=dataset-import-submit]');
    await page.waitForSelector('[data-testid=dataset-import-done]');
    await expect.poll(() => page.textContent('[data-testid=datasets-table]')).toContain('sst2-1k');
    await screenshot(page, 'e2e-1-dataset');

    // 2. The model folder.
    await page.click('[data-testid=nav-models]');
    await page.fill('[data-testid=model-path]', minilm!);
    await page.click('[data-testid=model-import-submit]');
    await page.waitForSelector('[data-testid=model-import-done]', { timeout: 120_000 });
    await expect
      .poll(() => page.textContent('[data-testid=models-table]'))
      .toContain('all-MiniLM-L6-v2');
    await screenshot(page, 'e2e-2-model');

    // 3. A run with the defaults, watched live.
    await page.click('[data-testid=nav-new-run]');
    await page.waitForSelector('[data-testid=run-form]');
    await screenshot(page, 'e2e-3-new-run');
    // The wizard's defaults: newest dataset and model, feature extraction; four steps to review.
    for (let step = 0; step < 4; step++) await page.click('[data-testid=wizard-next]');
    await page.click('[data-testid=run-start]');
    await page.waitForSelector('[data-testid=run-detail]');
    await page.waitForSelector('[data-testid=run-detail-progress]', { timeout: 60_000 });
    await screenshot(page, 'e2e-4-running');

    // 4. The result: metrics, curves and the confusion matrix.
    await page.waitForSelector('[data-testid=test-accuracy]', { timeout: 600_000 });
    const accuracy = parseFloat((await page.textContent('[data-testid=test-accuracy]')) ?? '');
    expect(accuracy).toBeGreaterThan(60);
    await page.waitForSelector('[data-testid=confusion-matrix]');
    expect(await page.textContent('[data-testid=per-class-table]')).toMatch(/0[\s\S]*1/);
    await screenshot(page, 'e2e-5-result');

    // 5. Export.
    await page.click('[data-testid=export-button]');
    await page.waitForSelector('[data-testid=export-result]', { timeout: 120_000 });
    const exported = (await page.textContent('[data-testid=export-result]')) ?? '';
    expect(exported).toContain('model.onnx');
    expect(exported).toContain('labels.json');
    const exportDir = (await page.textContent('[data-testid=export-dir]'))?.trim() ?? '';
    expect(existsSync(join(exportDir, 'model.onnx'))).toBe(true);
    await screenshot(page, 'e2e-6-exported');

    // 6. The run is in the history.
    await page.click('[data-testid=nav-runs]');
    await page.waitForSelector('[data-testid=runs-table]');
    expect(await page.textContent('[data-testid=runs-table]')).toContain('completed');
    expect(browser.consoleErrors).toEqual([]);
  }, 900_000);
});

describe.skipIf(noChromium !== null)('errors in the browser', () => {
  it('shows a clear message for a missing file and a non-model folder', async () => {
    const errorDir = join(dir, 'errors');
    mkdirSync(errorDir, { recursive: true });
    const errServer = await startServe(join(errorDir, 'data'));
    const errBrowser = await launchBrowser();
    try {
      const page = errBrowser.page;
      await page.goto(errServer.url);
      const missing = join(errorDir, 'missing.csv');
      await page.fill('[data-testid=dataset-path]', missing);
      await page.click('[data-testid=dataset-import-submit]');
      const error = page.locator('[role=alert]');
      await error.waitFor();
      expect(await error.textContent()).toContain(missing);

      const notModel = join(errorDir, 'folder');
      mkdirSync(notModel);
      writeFileSync(join(notModel, 'readme.txt'), 'not a model');
      await page.click('[data-testid=nav-models]');
      await page.fill('[data-testid=model-path]', notModel);
      await page.click('[data-testid=model-import-submit]');
      await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('config.json');
      await screenshot(page, 'e2e-errors');

      // A tiny model imports fine through the same form.
      const tiny = join(errorDir, 'tiny-bert');
      mkdirSync(tiny);
      writeTinyBertFolder(tiny, { seed: 2 });
      await page.fill('[data-testid=model-path]', tiny);
      await page.click('[data-testid=model-import-submit]');
      await page.waitForSelector('[data-testid=model-import-done]');
    } finally {
      await errBrowser.close();
      await stopServe(errServer);
    }
  }, 120_000);
});
