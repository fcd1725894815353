/**
 * The new-run wizard as a user drives it, in real Chromium against `graft serve`: a small CSV
 * and a tiny BERT are imported through the UI, then for each of three strategies the wizard is
 * walked step by step (dataset, model, strategy, hyperparameters, review with its estimate) and
 * the run is watched until its test metrics show. The first pass uses only the keyboard.
 * Screenshots land in test-results/screenshots/wizard-*.png.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrategyName } from '../../src/shared/contract';
import { availableStrategies } from '../../src/main/transfer';
import { writeTinyBertFolder } from '../../src/main/models/__fixtures__/tiny-bert';
import { CHROMIUM_PATH, launchBrowser, screenshot, type Browser } from './browser';
import { startServe, stopServe, type Server } from './serve';
import { expectFits } from './fits';

/**
 * The strategies walked, each with the few options a user would touch for a quick run: a value
 * to type or select, or `true` for a checkbox. All six: the issue asks for at least three.
 */
const RUNS: { strategy: StrategyName; options: Record<string, string | true> }[] = [
  { strategy: 'feature-extraction', options: { 'run-epochs': '5', 'run-pooling': 'cls' } },
  { strategy: 'scalar-mix', options: { 'run-epochs': '5' } },
  { strategy: 'feature-concat', options: { 'run-epochs': '5', 'run-tfidf': true } },
  { strategy: 'gated-fusion', options: { 'run-epochs': '3', 'run-word-vectors': 'tiny-glove' } },
  { strategy: 'layer-transfer', options: { 'run-epochs': '1', 'run-distill-temperature': '2' } },
  { strategy: 'fine-tune', options: { 'run-epochs': '1', 'run-unfreeze-top-k': '1' } },
];

/** 48 short reviews in the tiny model's vocabulary, balanced, as text,label CSV. */
function writeReviews(path: string): void {
  const good = ['the movie was good', 'a great film', 'it was very fun', 'the film is great !'];
  const bad = ['the movie was bad', 'a boring film', 'it was not good', 'the film is very bad .'];
  const rows = ['text,label'];
  for (let i = 0; i < 6; i++) {
    for (const text of good) rows.push(`${text}${i % 2 ? ' .' : ''},positive`);
    for (const text of bad) rows.push(`${text}${i % 3 ? ' !' : ''},negative`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

/** 4-dimensional GloVe-format vectors for the tiny vocabulary. */
function writeWordVectors(path: string): void {
  const words = ['the', 'a', 'movie', 'film', 'was', 'is', 'good', 'bad', 'great', 'not', 'fun'];
  const vector = (i: number): number[] => [1, 2, 3, 4].map((d) => ((i * d) % 7) / 7 - 0.4);
  const lines = words.map((w, i) => [w, ...vector(i)].join(' '));
  writeFileSync(path, lines.join('\n') + '\n');
}

async function setOption(page: Page, testId: string, value: string | true): Promise<void> {
  const selector = `[data-testid=${testId}]`;
  if (value === true) return page.check(selector);
  const tag = await page.locator(selector).evaluate((el) => el.tagName);
  if (tag !== 'SELECT') return page.fill(selector, value);
  // Options read "name (details)": pick the one whose label starts with the value.
  const label = await page.locator(`${selector} option`, { hasText: value }).first().textContent();
  await page.selectOption(selector, { label: label ?? value });
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The run page shows what the strategy learned: mix weights as bars, the gate's opening. */
async function expectLearned(page: Page, strategy: StrategyName): Promise<void> {
  if (strategy === 'scalar-mix') {
    // The tiny BERT has 2 layers: the embeddings output and 2 layer outputs are mixed.
    expect(await page.locator('[data-testid=layer-weight]').count()).toBe(3);
    const values = await page.locator('[data-testid=layer-weight] .bar-value').allTextContents();
    const sum = values.reduce((a, v) => a + parseFloat(v), 0);
    expect(sum).toBeCloseTo(1, 1);
  } else if (strategy === 'gated-fusion') {
    const text = (await page.textContent('[data-testid=gate-opening]')) ?? '';
    expect(text).toMatch(/\d+\.\d% contextual, \d+\.\d% word vectors \(tiny-glove/);
  } else if (strategy === 'feature-concat') {
    expect(await page.textContent('[data-testid=concat-parts]')).toContain('TF-IDF');
  } else {
    expect(await page.locator('[data-testid=run-learned]').count()).toBe(0);
  }
}

/** Clicks Next and checks the wizard moved to the step with this title. */
async function next(page: Page, title: string): Promise<void> {
  await page.click('[data-testid=wizard-next]');
  await expect.poll(() => page.textContent('[data-testid=wizard-title]')).toContain(title);
}

const noChromium = existsSync(CHROMIUM_PATH) ? null : `no Chromium at ${CHROMIUM_PATH}`;

let dir: string;
let server: Server | undefined;
let browser: Browser | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'graft-wizard-'));
});

afterAll(async () => {
  await browser?.close();
  await stopServe(server);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(noChromium !== null)('the new-run wizard', () => {
  it('offers every strategy the main process trains', () => {
    const available = availableStrategies();
    expect(available).toEqual(expect.arrayContaining(RUNS.map((r) => r.strategy)));
  });

  it('imports a CSV and a tiny BERT through the UI', async () => {
    const csv = join(dir, 'reviews.csv');
    writeReviews(csv);
    const modelDir = join(dir, 'tiny-bert');
    mkdirSync(modelDir);
    writeTinyBertFolder(modelDir, { seed: 3 });

    server = await startServe(join(dir, 'data'));
    browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
    const page = browser.page;
    await page.goto(server.url);

    await page.fill('[data-testid=dataset-path]', csv);
    await page.fill('[data-testid=dataset-name]', 'tiny-reviews');
    await page.click('[data-testid=dataset-import-submit]');
    await page.waitForSelector('[data-testid=dataset-import-done]');

    await page.click('[data-testid=nav-models]');
    await page.fill('[data-testid=model-path]', modelDir);
    await page.click('[data-testid=model-import-submit]');
    await page.waitForSelector('[data-testid=model-import-done]');

    const vectors = join(dir, 'tiny-glove.txt');
    writeWordVectors(vectors);
    await page.fill('[data-testid=model-path]', vectors);
    await page.click('[data-testid=model-import-submit]');
    await expect.poll(() => page.textContent('[data-testid=models-table]')).toContain('tiny-glove');
  });

  it('walks the steps with the keyboard alone and refuses a bad value', async () => {
    const page = browser!.page;
    await page.click('[data-testid=nav-new-run]');
    await page.waitForSelector('[data-testid=run-form]');
    await screenshot(page, 'wizard-01-dataset');

    // Enter on the preselected radio card submits the step; focus lands on the next title.
    await page.focus('[data-testid=run-dataset] input:checked');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('[data-testid=wizard-title]')).toContain('Model');
    expect(await page.locator(':focus').getAttribute('data-testid')).toBe('wizard-title');
    await screenshot(page, 'wizard-02-model');
    await page.focus('[data-testid=run-model] input:checked');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('[data-testid=wizard-title]')).toContain('Strategy');
    // Every strategy is explained and drawn; those this build cannot train are marked.
    for (const name of ['feature-extraction', 'scalar-mix', 'fine-tune', 'layer-transfer']) {
      await page.waitForSelector(`[data-testid=diagram-${name}]`);
    }
    await screenshot(page, 'wizard-03-strategy');

    // Arrow keys move between strategy cards like any radio group.
    await page.focus('[data-testid=run-strategy] input:checked');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('[data-testid=wizard-title]')).toContain('Hyper');
    await page.fill('[data-testid=run-epochs]', '');
    await page.fill('[data-testid=run-learning-rate]', '-1');
    await page.keyboard.press('Enter');
    // Inline messages name the fields, and the wizard stays on this step.
    await page.waitForSelector('#run-epochs-error');
    expect(await page.textContent('#run-epochs-error')).toContain('Epochs');
    expect(await page.getAttribute('[data-testid=run-learning-rate]', 'aria-invalid')).toBe('true');
    expect(await page.textContent('[data-testid=wizard-title]')).toContain('Hyper');
    await screenshot(page, 'wizard-04-invalid');
    await page.click('[data-testid=run-reset]');
    expect(await page.inputValue('[data-testid=run-learning-rate]')).toBe('0.001');
  });

  for (const [index, run] of RUNS.entries()) {
    it(`trains with ${run.strategy} from the wizard`, async () => {
      const page = browser!.page;
      await page.click('[data-testid=nav-runs]');
      await page.click('[data-testid=nav-new-run]');
      await page.waitForSelector('[data-testid=run-form]');
      await page.check('[data-testid=run-dataset] input >> nth=0');
      await next(page, 'Model');
      await next(page, 'Strategy');
      await page.click(`[data-testid=run-strategy-${run.strategy}]`);
      await next(page, 'Hyperparameters');
      for (const [testId, value] of Object.entries(run.options)) {
        await setOption(page, testId, value);
      }
      await page.click('[data-testid=run-advanced] summary');
      await page.fill('[data-testid=run-max-length]', '16');
      await screenshot(page, `wizard-${pad(5 + index * 3)}-${run.strategy}-params`);
      await next(page, 'Review');

      // The review: the choices, the picture and the estimate with its assumptions.
      expect(await page.textContent('[data-testid=review-dataset]')).toBe('tiny-reviews');
      await page.waitForSelector('[data-testid=review-diagram]');
      expect(await page.textContent('[data-testid=estimate-time]')).toMatch(/\d/);
      expect(await page.textContent('[data-testid=estimate-memory]')).toMatch(/MB|GB/);
      await screenshot(page, `wizard-${pad(6 + index * 3)}-${run.strategy}-review`);

      await page.click('[data-testid=run-start]');
      await page.waitForSelector('[data-testid=run-detail]');
      expect(await page.textContent('[data-testid=run-config]')).toContain(run.strategy);
      await page.waitForSelector('[data-testid=test-accuracy], [data-testid=run-failure]', {
        timeout: 300_000,
      });
      const failure = await page.locator('[data-testid=run-failure]').count();
      expect(failure ? await page.textContent('[data-testid=run-failure]') : null).toBeNull();
      const accuracy = parseFloat((await page.textContent('[data-testid=test-accuracy]')) ?? '');
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(accuracy).toBeLessThanOrEqual(100);
      await page.waitForSelector('[data-testid=per-class-table]');
      await expectLearned(page, run.strategy);
      await screenshot(page, `wizard-${pad(7 + index * 3)}-${run.strategy}-result`);
    }, 400_000);
  }

  it('lists every run as completed with no console errors', async () => {
    const page = browser!.page;
    await page.click('[data-testid=nav-runs]');
    await page.waitForSelector('[data-testid=runs-table]');
    const table = (await page.textContent('[data-testid=runs-table]')) ?? '';
    expect(table.match(/completed/g)?.length).toBe(RUNS.length);
    expect(browser!.consoleErrors).toEqual([]);
  });

  it('fits every page into an 800-pixel window; wide tables scroll inside their card', async () => {
    const page = browser!.page;
    await page.setViewportSize({ width: 800, height: 900 });
    const pages = [
      ['nav-datasets', 'datasets-table'],
      ['nav-models', 'models-table'],
      ['nav-runs', 'runs-table'],
      ['nav-new-run', 'run-form'],
    ];
    try {
      for (const [nav, content] of pages) {
        await page.click(`[data-testid=${nav}]`);
        await page.waitForSelector(`[data-testid=${content}]`);
        await expectFits(page, 800);
      }
      await screenshot(page, 'narrow-window-new-run');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});
