/**
 * The Datasets page's import flow as a user drives it, in real Chromium against `graft serve`:
 * a CSV with an exact duplicate, an empty text and a text shared with its test file is
 * previewed, mapped (its columns have names Graft cannot guess), its integer labels are named,
 * the check's report is read and its flagged rows dropped, and the stored dataset shows the
 * names and the dropped count, its report the dropped rows. A TREC-like "label text" file
 * gives 6 classes or 50 by the label transform. GoEmotions' integer labels take their names
 * from its labels.txt; an encoding chosen by hand shows beside what detection reads; formats
 * without delimiters offer none; a column named split is the split; a file with too many
 * malformed rows for a preview offers to drop them. Screenshots land in
 * test-results/screenshots/datasets-*.png, at 1280 and 800 pixels wide.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, launchBrowser, screenshot, SCREENSHOT_DIR, type Browser } from './browser';
import { ROOT, startServe, stopServe, type Server } from './serve';
import { expectFits } from './fits';
import { logger } from '../../src/main/util/log';

/** TREC's 50 fine classes under its 6 coarse ones. */
const TREC_CLASSES: Record<string, string[]> = {
  ABBR: ['abb', 'exp'],
  DESC: ['def', 'desc', 'manner', 'reason'],
  ENTY: [
    'animal',
    'body',
    'color',
    'cremat',
    'currency',
    'dismed',
    'event',
    'food',
    'instru',
    'lang',
    'letter',
    'other',
    'plant',
    'product',
    'religion',
    'sport',
    'substance',
    'symbol',
    'techmeth',
    'termeq',
    'veh',
    'word',
  ],
  HUM: ['desc', 'gr', 'ind', 'title'],
  LOC: ['city', 'country', 'mount', 'other', 'state'],
  NUM: [
    'code',
    'count',
    'date',
    'dist',
    'money',
    'ord',
    'other',
    'perc',
    'period',
    'speed',
    'temp',
    'volsize',
    'weight',
  ],
};

/**
 * id,body,sentiment: 36 reviews labelled 0 or 1, plus row 38 repeating row 3 exactly, row 39
 * with an empty body, and row 2's text also in the test file.
 */
function writeReviews(dir: string): { train: string; test: string } {
  const rows = ['id,body,sentiment'];
  for (let i = 0; i < 36; i++) {
    const good = i % 2 === 0;
    rows.push(
      `${i},"${good ? 'a lovely, warm film' : 'a dull, cold film'} number ${i}",${good ? 1 : 0}`,
    );
  }
  rows.push(`36,"a dull, cold film number 1",0`);
  rows.push(`37,,1`);
  const test = ['id,body,sentiment'];
  test.push(`100,"a lovely, warm film number 0",1`);
  for (let i = 0; i < 8; i++) test.push(`${101 + i},another test review ${i},${i % 2}`);
  const paths = { train: join(dir, 'reviews.csv'), test: join(dir, 'reviews-test.csv') };
  writeFileSync(paths.train, rows.join('\n') + '\n');
  writeFileSync(paths.test, test.join('\n') + '\n');
  return paths;
}

/** Three questions per fine class, as "COARSE:fine question" lines. */
function writeTrec(dir: string): string {
  const lines: string[] = [];
  for (const [coarse, fines] of Object.entries(TREC_CLASSES)) {
    for (const fine of fines) {
      for (let i = 0; i < 3; i++)
        lines.push(`${coarse}:${fine} What is question ${i} about ${fine} ?`);
    }
  }
  const path = join(dir, 'trec.label');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function text(page: Page, testId: string): Promise<string> {
  return (await page.textContent(`[data-testid=${testId}]`)) ?? '';
}

async function issueKinds(page: Page): Promise<string[]> {
  const issues = page.locator('[data-testid=dataset-report] [data-testid=report-issue]');
  return issues.evaluateAll((els) => els.map((e) => `${e.dataset.kind}:${e.dataset.severity}`));
}

/** A tall page as slices of the full page, each readable at full size. */
async function screenshotSlices(page: Page, name: string, height = 1100): Promise<void> {
  const total = await page.evaluate<number>('document.documentElement.scrollHeight');
  const width = page.viewportSize()?.width ?? 800;
  for (let top = 0, i = 1; top < total; top += height, i++) {
    const clip = { x: 0, y: top, width, height: Math.min(height, total - top) };
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${i}.png`), fullPage: true, clip });
  }
}

/** The real datasets beside the repository (see shared/datasets/goemotions/SOURCE.txt). */
const GOEMOTIONS_DIR = join(ROOT, '..', 'shared', 'datasets', 'goemotions');
const GOEMOTIONS = {
  train: join(GOEMOTIONS_DIR, 'train.tsv'),
  labels: join(GOEMOTIONS_DIR, 'labels.txt'),
};
const goEmotionsPresent = existsSync(GOEMOTIONS.labels);
if (!goEmotionsPresent) {
  logger('e2e').warn(`skipping the GoEmotions label-names test: ${GOEMOTIONS_DIR} is absent`);
}

const noChromium = existsSync(CHROMIUM_PATH) ? null : `no Chromium at ${CHROMIUM_PATH}`;

let dir: string;
let server: Server | undefined;
let browser: Browser | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'graft-datasets-e2e-'));
});

afterAll(async () => {
  await browser?.close();
  await stopServe(server);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(noChromium !== null)('the Datasets page import flow', () => {
  it('previews a CSV, maps its columns and names its labels', async () => {
    const { train, test } = writeReviews(dir);
    server = await startServe(join(dir, 'data'));
    browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
    const page = browser.page;
    await page.goto(server.url);

    await page.fill('[data-testid=dataset-path]', train);
    await page.waitForSelector('[data-testid=dataset-preview-table]');
    // The first 20 rows as read, and how they were read
    expect(await page.locator('[data-testid=dataset-preview-row]').count()).toBe(20);
    const status = await text(page, 'dataset-preview-status');
    expect(status).toContain('CSV · UTF-8 · comma-separated · header row');
    expect(status).toContain('of 38 rows');
    expect(await text(page, 'dataset-preview-table')).toContain('a lovely, warm film number 0');
    // "body" and "sentiment" are no names Graft knows: it says so, naming the columns
    await page.waitForSelector('[data-testid=dataset-columns-problem]');
    expect(await text(page, 'dataset-columns-problem')).toMatch(/"id", "body", "sentiment"/);
    await screenshot(page, 'datasets-01-preview');

    await page.selectOption('[data-testid=dataset-text-column]', 'body');
    await page.selectOption('[data-testid=dataset-label-column]', 'sentiment');
    await page.waitForSelector('[data-testid=dataset-columns-problem]', { state: 'detached' });
    await page.waitForSelector('[data-testid=dataset-label-row][data-label="1"]');
    expect(await text(page, 'dataset-label-summary')).toMatch(/^2 classes in the first 38 rows/);
    // The header marks each column's role
    expect(await text(page, 'dataset-preview-table')).toMatch(/body\s*text/);

    // A name onto the other label is refused beside the field; then each label gets a name
    await page.fill('[data-testid=dataset-rename][data-label="1"]', '0');
    await page.waitForSelector('#ds-rename-1-note');
    expect(await page.textContent('#ds-rename-1-note')).toContain('"0" is another label');
    await page.fill('[data-testid=dataset-rename][data-label="1"]', 'positive');
    await page.fill('[data-testid=dataset-rename][data-label="0"]', 'negative');
    expect(await page.locator('#ds-rename-1-note').count()).toBe(0);

    await page.fill('[data-testid=dataset-test-path]', test);
    await page.fill('[data-testid=dataset-name]', 'reviews');
    expect(await text(page, 'dataset-split-files')).toContain('the test file the test split');
    await screenshot(page, 'datasets-02-mapped');
  });

  it('checks, shows the issues with their rows, and drops what the user ticks', async () => {
    const page = browser!.page;
    await page.click('[data-testid=dataset-check]');
    await page.waitForSelector('[data-testid=dataset-report]');
    expect(await issueKinds(page)).toEqual(
      expect.arrayContaining(['empty-text:error', 'duplicate:warning', 'test-overlap:warning']),
    );
    const empty = page.locator('[data-testid=report-issue][data-kind=empty-text]');
    expect(await empty.textContent()).toContain('reviews.csv:39');
    const overlap = page.locator('[data-testid=report-issue][data-kind=test-overlap]');
    expect(await overlap.textContent()).toContain('reviews.csv:2');
    // The report counts the named classes
    const labels = await page.locator('[data-testid=report-label]').allTextContents();
    expect(labels.map((l) => l.split(' ')[0])).toEqual(['negative', 'positive']);
    await screenshot(page, 'datasets-03-report');

    // Ticking with the keyboard, as a keyboard user would
    for (const kind of ['empty-text', 'duplicate', 'test-overlap']) {
      await page.focus(`[data-testid=dataset-drop-${kind}]`);
      await page.keyboard.press('Space');
      expect(await page.isChecked(`[data-testid=dataset-drop-${kind}]`)).toBe(true);
    }
    await page.waitForSelector('[data-testid=dataset-report-stale]');
    await page.click('[data-testid=dataset-check]');
    await page.waitForSelector('[data-testid=dataset-report-stale]', { state: 'detached' });
    expect(await issueKinds(page)).toEqual(
      expect.arrayContaining(['empty-text:info', 'duplicate:info', 'test-overlap:info']),
    );
    expect(await page.locator('[data-testid=report-dropped-row]').count()).toBe(3);

    // A name changed after the check is the same label, not one more the check found
    await page.fill('[data-testid=dataset-rename][data-label="0"]', 'bad');
    await page.waitForSelector('[data-testid=dataset-report-stale]');
    expect(await page.locator('[data-testid=dataset-label-row]').count()).toBe(2);
    await page.fill('[data-testid=dataset-rename][data-label="0"]', 'negative');
    await page.waitForSelector('[data-testid=dataset-report-stale]', { state: 'detached' });

    await page.click('[data-testid=report-dropped] summary');
    await screenshot(page, 'datasets-04-dropped');
  });

  it('imports, and lists the stored dataset with its names, dropped rows and report', async () => {
    const page = browser!.page;
    await page.click('[data-testid=dataset-import-submit]');
    await page.waitForSelector('[data-testid=dataset-import-done]');
    expect(await text(page, 'dataset-import-done')).toMatch(
      /Imported reviews: train 35, test 9; 2 classes; 3 rows dropped/,
    );
    const row = page.locator('[data-testid=dataset-row]', { hasText: 'reviews' });
    await expect
      .poll(() => row.locator('.label-name').allTextContents())
      .toEqual(['negative', 'positive']);
    expect(await row.locator('[data-testid=dataset-dropped]').textContent()).toBe('dropped 3');

    await row.locator('[data-testid=dataset-report-toggle]').click();
    const card = page.locator('[data-testid=dataset-report-card]');
    await card.locator('[data-testid=dataset-stored-report]').waitFor();
    expect(await card.locator('[data-testid=report-dropped-row]').count()).toBe(3);
    // Each label's rows per split, which add up to the split's rows
    const labelRows = card.locator('[data-testid=split-label-row]');
    await expect
      .poll(() => labelRows.locator('th').allTextContents())
      .toEqual(['negative', 'positive']);
    for (const [split, rows] of [
      ['train', 35],
      ['test', 9],
    ] as const) {
      const counts = await labelRows
        .locator(`td[data-split=${split}] .split-label-count`)
        .allTextContents();
      expect(counts.reduce((sum, c) => sum + Number(c), 0)).toBe(rows);
    }
    await card.locator('[data-testid=report-dropped] summary').click();
    expect(await card.textContent()).toContain('reviews.csv:39');
    await screenshot(page, 'datasets-05-stored');
  });

  it('gives a TREC-like file 6 classes or 50 by its label transform', async () => {
    const page = browser!.page;
    const trec = writeTrec(dir);
    await page.fill('[data-testid=dataset-path]', trec);
    await page.waitForSelector('[data-testid=dataset-preview-table]');
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('label text · UTF-8');
    await expect
      .poll(() => text(page, 'dataset-label-summary'))
      .toMatch(/^6 classes in the first 150/);
    expect(await page.inputValue('[data-testid=dataset-label-transform]')).toBe('auto');

    await page.selectOption('[data-testid=dataset-label-transform]', 'fine');
    await expect.poll(() => text(page, 'dataset-label-summary')).toMatch(/^50 classes/);
    await page.fill('[data-testid=dataset-name]', 'trec-fine');
    await screenshot(page, 'datasets-06-trec-fine');
    await page.click('[data-testid=dataset-import-submit]');
    await page.waitForSelector('[data-testid=dataset-import-done]');
    expect(await text(page, 'dataset-import-done')).toContain('50 classes');

    await page.fill('[data-testid=dataset-path]', trec);
    await page.selectOption('[data-testid=dataset-label-transform]', 'coarse');
    await expect.poll(() => text(page, 'dataset-label-summary')).toMatch(/^6 classes/);
    await page.fill('[data-testid=dataset-name]', 'trec-coarse');
    await page.click('[data-testid=dataset-import-submit]');
    await page.waitForSelector('[data-testid=dataset-import-done]');
    expect(await text(page, 'dataset-import-done')).toContain('6 classes');
    const coarse = page.locator('[data-testid=dataset-row]', { hasText: 'trec-coarse' });
    await expect
      .poll(() => coarse.locator('.label-name').allTextContents())
      .toEqual(Object.keys(TREC_CLASSES));

    // The same file under the same name again is its version 2, with the same content hash
    await page.fill('[data-testid=dataset-path]', trec);
    await page.selectOption('[data-testid=dataset-label-transform]', 'coarse');
    await page.fill('[data-testid=dataset-name]', 'trec-coarse');
    await page.click('[data-testid=dataset-import-submit]');
    await expect
      .poll(() => text(page, 'dataset-import-done'))
      .toContain('Imported trec-coarse v2:');
    const versions = coarse.locator('[data-testid=dataset-version]');
    await expect.poll(() => versions.count()).toBe(2);
    const [newer, older] = await versions.allTextContents();
    expect(newer).toMatch(/^v2 · [0-9a-f]{8}$/);
    expect(older).toBe(newer.replace('v2', 'v1'));
  });

  it('refuses an empty path beside the field, and reads well in an 800-pixel window', async () => {
    const page = browser!.page;
    await page.click('[data-testid=dataset-import-submit]');
    await page.waitForSelector('[data-testid=ds-path-error]');
    expect(await page.getAttribute('[data-testid=dataset-path]', 'aria-invalid')).toBe('true');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('ds-path');

    const { train } = writeReviews(dir);
    await page.fill('[data-testid=dataset-path]', train);
    await page.waitForSelector('select[data-testid=dataset-text-column] option[value=body]', {
      state: 'attached',
    });
    await page.selectOption('[data-testid=dataset-text-column]', 'body');
    await page.selectOption('[data-testid=dataset-label-column]', 'sentiment');
    await page.click('[data-testid=dataset-check]');
    await page.waitForSelector('[data-testid=dataset-report]');
    await expectFits(page, 1280);
    await screenshot(page, 'datasets-07-wide');
    await page.setViewportSize({ width: 800, height: 900 });
    try {
      await expectFits(page, 800);
      await screenshot(page, 'datasets-08-narrow');
      await screenshotSlices(page, 'datasets-08-narrow');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    expect(browser!.consoleErrors).toEqual([]);
  });

  it('shows the progress of a check on a larger file', async () => {
    const page = browser!.page;
    const rows = ['text,label'];
    for (let i = 0; i < 200_000; i++) rows.push(`review number ${i} of a long list,${i % 4}`);
    const big = join(dir, 'big.csv');
    writeFileSync(big, rows.join('\n') + '\n');
    await page.fill('[data-testid=dataset-path]', big);
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('read from the first');
    await page.click('[data-testid=dataset-check]');
    await page.waitForSelector('[data-testid=dataset-progress]');
    expect(await text(page, 'dataset-progress')).toMatch(/^(Reading|Validating|Splitting)/);
    await screenshot(page, 'datasets-09-progress');
    const totals = page.locator('[data-testid=dataset-report] [data-testid=report-totals]');
    await totals.waitFor({ timeout: 120_000 });
    expect(await totals.textContent()).toContain('200,000 rows read');
  });

  it('shows the report and its drop choices when an unchecked import is refused', async () => {
    const page = browser!.page;
    const rows = ['text,label', ...Array.from({ length: 30 }, (_, i) => `text ${i},${i % 2}`)];
    rows.splice(7, 0, '   ,1');
    const withEmpty = join(dir, 'with-an-empty-text.csv');
    writeFileSync(withEmpty, rows.join('\n') + '\n');
    await page.fill('[data-testid=dataset-path]', withEmpty);
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('of 31 rows');
    await page.click('[data-testid=dataset-import-submit]');

    await page.waitForSelector('[data-testid=dataset-drop-empty-text]');
    expect(await text(page, 'dataset-import-error')).toContain('need a decision');
    await page.check('[data-testid=dataset-drop-empty-text]');
    await page.click('[data-testid=dataset-import-submit]');
    await page.waitForSelector('[data-testid=dataset-import-done]');
    expect(await text(page, 'dataset-import-done')).toContain('with-an-empty-text');
  });

  it('imports multi-label data given as one 0/1 column per label', async () => {
    const page = browser!.page;
    const rows = ['text,joy,anger,fear'];
    for (let i = 0; i < 60; i++) {
      // every row has joy or anger; some have fear too
      rows.push(`wide row ${i},${i % 2},${1 - (i % 2)},${i % 5 === 0 ? 1 : 0}`);
    }
    const wide = join(dir, 'wide-labels.csv');
    writeFileSync(wide, rows.join('\n') + '\n');
    await page.fill('[data-testid=dataset-path]', wide);
    await page.fill('[data-testid=dataset-label-columns]', 'joy..fear');
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('of 60 rows');
    await page.click('[data-testid=dataset-check]');
    await page.locator('[data-testid=dataset-report] [data-testid=report-totals]').waitFor();
    await page.click('[data-testid=dataset-import-submit]');
    await page.waitForSelector('[data-testid=dataset-import-done]');

    const row = page.locator('[data-testid=datasets-table] tr', { hasText: 'wide-labels' });
    const listed = (await row.textContent()) ?? '';
    for (const label of ['joy', 'anger', 'fear']) expect(listed).toContain(label);
  });

  it('wraps a report that lists many rows, at 1280 and 800 pixels wide', async () => {
    const page = browser!.page;
    const rows = ['text,label'];
    for (let i = 0; i < 400; i++)
      rows.push(`a text said again and again number ${i % 40},${i % 2}`);
    const repeated = join(dir, 'repeated-texts-with-a-rather-long-file-name.csv');
    writeFileSync(repeated, rows.join('\n') + '\n');
    await page.fill('[data-testid=dataset-path]', repeated);
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('of 400 rows');
    await page.click('[data-testid=dataset-check]');
    const issues = page.locator('[data-testid=dataset-report] [data-testid=report-issue]');
    await issues.first().waitFor();
    expect(await text(page, 'dataset-report')).toContain('First 20');

    for (const width of [1280, 800]) {
      await page.setViewportSize({ width, height: 900 });
      await expectFits(page, width);
      const drop = page.locator('[data-testid=dataset-drop-duplicate]');
      const box = await drop.boundingBox();
      expect(box && box.x + box.width, 'the drop checkbox is in the window').toBeLessThan(width);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it.skipIf(!goEmotionsPresent)(
    "names GoEmotions' integer labels from its labels file, refusing a bad one beside it",
    async () => {
      const page = browser!.page;
      await page.fill('[data-testid=dataset-path]', GOEMOTIONS.train);
      await expect.poll(() => text(page, 'dataset-preview-status')).toContain('TSV · UTF-8');
      // Its labels are integer ids ("27", or "14,3" for two): a names file is offered
      const field = page.locator('[data-testid=dataset-label-names-path]');
      await field.waitFor();
      await page.check('[data-testid=dataset-multi-label]');
      await page.waitForSelector('[data-testid=dataset-label-row][data-label="27"]');

      const error = page.locator('[data-testid=ds-label-names-path-error]');
      const missing = join(dir, 'no-such-labels.txt');
      await field.fill(missing);
      await expect.poll(() => error.textContent()).toBe(`no label names file at ${missing}`);
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      const few = join(dir, 'three-labels.txt');
      writeFileSync(few, 'admiration\namusement\nanger\n');
      await field.fill(few);
      await expect
        .poll(() => error.textContent())
        .toBe(
          `${few} has 3 names, too few: label 27 needs line 28 (label i is named on line i + 1)`,
        );
      // The preview stays, its labels as read
      expect(await page.locator('[data-testid=dataset-label-row][data-label="27"]').count()).toBe(
        1,
      );
      await page.click('[data-testid=dataset-import-submit]');
      expect(await page.evaluate<string>('document.activeElement.id')).toBe('ds-label-names-path');

      await field.fill(GOEMOTIONS.labels);
      await page.waitForSelector('[data-testid=dataset-label-row][data-label=neutral]');
      expect(await error.count()).toBe(0);
      const neutral = page.locator('[data-testid=dataset-label-row][data-label=neutral]');
      expect(await neutral.locator('code').textContent()).toBe('27');
      const admiration = page.locator('[data-testid=dataset-label-row][data-label=admiration]');
      expect(await admiration.locator('code').textContent()).toBe('0');
      expect(await page.locator('[data-testid=dataset-label-row][data-label="27"]').count()).toBe(
        0,
      );
      // A typed name applies to the file's name, as the importer renames after naming
      await page.fill('[data-testid=dataset-rename][data-label=neutral]', 'no emotion');
      await page.fill('[data-testid=dataset-name]', 'goemotions-named');
      await page.fill('[data-testid=dataset-limit]', '3000');
      await screenshot(page, 'datasets-10-label-names');

      await page.click('[data-testid=dataset-import-submit]');
      await page.waitForSelector('[data-testid=dataset-import-done]', { timeout: 120_000 });
      expect(await text(page, 'dataset-import-done')).toContain('Imported goemotions-named');
      const row = page.locator('[data-testid=dataset-row]', { hasText: 'goemotions-named' });
      const stored = await row.locator('.label-name').allTextContents();
      expect(stored).toEqual(expect.arrayContaining(['admiration', 'grief', 'no emotion']));
      expect(stored).not.toContain('neutral');
      expect(stored).not.toContain('27');
    },
  );

  it('shows an encoding chosen by hand, and what detection would read beside it', async () => {
    const page = browser!.page;
    const { train } = writeReviews(dir);
    await page.fill('[data-testid=dataset-path]', train);
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('CSV · UTF-8');
    await page.selectOption('[data-testid=dataset-encoding]', 'gbk');
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('CSV · GBK');
    const encoding = page.locator('[data-testid=dataset-encoding]');
    expect(await encoding.evaluate((s: HTMLSelectElement) => s.selectedOptions[0].text)).toBe(
      'GBK',
    );
    expect(await encoding.locator('option[value=auto]').textContent()).toBe('Auto: UTF-8');
    expect(await page.textContent('#ds-encoding-note')).toBe('Detected: UTF-8');
    await page.locator('[data-testid=dataset-reading]').scrollIntoViewIfNeeded();
    await screenshot(page, 'datasets-11-encoding-chosen');

    await page.selectOption('[data-testid=dataset-encoding]', 'auto');
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('CSV · UTF-8');
    expect(await page.locator('#ds-encoding-note').count()).toBe(0);
  });

  it('offers no delimiter, quotes or header row for formats that have none', async () => {
    const page = browser!.page;
    const rows = Array.from({ length: 12 }, (_, i) => ({ text: `text ${i}`, label: `${i % 2}` }));
    const jsonl = join(dir, 'rows.jsonl');
    writeFileSync(jsonl, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const json = join(dir, 'rows.json');
    writeFileSync(json, JSON.stringify(rows));
    const parquet = join(dir, 'rows.parquet');
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'text', data: rows.map((r) => r.text), type: 'STRING' },
        { name: 'label', data: rows.map((r) => r.label), type: 'STRING' },
      ],
    });
    writeFileSync(parquet, new Uint8Array(buffer));
    const folder = join(dir, 'classes');
    for (const c of ['pos', 'neg']) {
      mkdirSync(join(folder, c), { recursive: true });
      for (let i = 0; i < 3; i++) writeFileSync(join(folder, c, `${i}.txt`), `${c} text ${i}`);
    }
    const labelText = writeTrec(dir);
    const delimitedOnly = ['dataset-delimiter', 'dataset-quoting', 'dataset-header'];
    const cases = [
      [jsonl, 'JSON Lines'],
      [json, 'JSON'],
      [parquet, 'Parquet'],
      [folder, 'class folders'],
      [labelText, 'label text'],
    ];
    for (const [path, format] of cases) {
      await page.fill('[data-testid=dataset-path]', path);
      await expect.poll(() => text(page, 'dataset-preview-status')).toMatch(`${format} ·`);
      for (const id of delimitedOnly) {
        expect(await page.locator(`[data-testid=${id}]`).count(), `${format}: ${id}`).toBe(0);
      }
      expect(await text(page, 'dataset-reading-undelimited')).toContain(`${format}: no delimiter`);
    }
    await page.locator('[data-testid=dataset-reading]').scrollIntoViewIfNeeded();
    await screenshot(page, 'datasets-12-undelimited');

    // A delimiter chosen for a CSV goes with it when the user says the file is JSON Lines
    const csv = join(dir, 'rows-jsonl-named.csv');
    writeFileSync(csv, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await page.fill('[data-testid=dataset-path]', csv);
    await page.waitForSelector('[data-testid=dataset-delimiter]');
    await page.selectOption('[data-testid=dataset-delimiter]', ';');
    await page.selectOption('[data-testid=dataset-format]', 'jsonl');
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('JSON Lines · UTF-8');
    expect(await page.locator('[data-testid=dataset-delimiter]').count()).toBe(0);
    expect(await page.locator('[data-testid=dataset-preview-row]').count()).toBe(12);
    // Back to detection, which the later tests rely on; the chosen delimiter is still there
    await page.selectOption('[data-testid=dataset-format]', 'auto');
    await page.selectOption('[data-testid=dataset-delimiter]', 'auto');
  });

  it('takes a column named split as the split column, and lets the user decline it', async () => {
    const page = browser!.page;
    const splits = ['train', 'train', 'train', 'dev', 'test'];
    const rows = ['text,label,Split'];
    for (let i = 0; i < 50; i++) rows.push(`split row ${i},${i % 2},${splits[i % 5]}`);
    const withSplit = join(dir, 'with-a-split-column.csv');
    writeFileSync(withSplit, rows.join('\n') + '\n');
    await page.fill('[data-testid=dataset-path]', withSplit);
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('of 50 rows');
    await expect.poll(() => page.isChecked('input[data-testid=dataset-split-column]')).toBe(true);
    expect(await page.inputValue('select[data-testid=dataset-split-column]')).toBe('Split');
    expect(await page.textContent('#ds-split-column-note')).toContain('Suggested');
    expect(await text(page, 'dataset-preview-table')).toMatch(/Split\s*split/);
    await page.locator('[data-testid=dataset-split-mode]').scrollIntoViewIfNeeded();
    await screenshot(page, 'datasets-13-split-column');

    await page.click('[data-testid=dataset-import-submit]');
    await page.waitForSelector('[data-testid=dataset-import-done]');
    expect(await text(page, 'dataset-import-done')).toContain('train 30, validation 10, test 10');

    // A fold column of numbers is for cross-validation, not a split: nothing is suggested
    const folds = [
      'text,label,fold',
      ...Array.from({ length: 20 }, (_, i) => `f ${i},${i % 2},${i % 5}`),
    ];
    const withFolds = join(dir, 'with-folds.csv');
    writeFileSync(withFolds, folds.join('\n') + '\n');
    await page.fill('[data-testid=dataset-path]', withFolds);
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('of 20 rows');
    expect(await page.isChecked('[data-testid=dataset-split-random]')).toBe(true);

    // Once the user picks the random split over a suggested column, it stays picked
    await page.fill('[data-testid=dataset-path]', withSplit);
    await expect.poll(() => page.isChecked('input[data-testid=dataset-split-column]')).toBe(true);
    await page.click('[data-testid=dataset-split-random]');
    await page.fill('[data-testid=dataset-path]', withFolds);
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('of 20 rows');
    await page.fill('[data-testid=dataset-path]', withSplit);
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('of 50 rows');
    expect(await page.isChecked('[data-testid=dataset-split-random]')).toBe(true);
    expect(await page.locator('[data-testid=dataset-train-share]').count()).toBe(1);
  });

  it('offers to drop malformed rows when there are too many for a preview', async () => {
    const page = browser!.page;
    // 40 good rows and 8 with a third field: 17% malformed, over the 10% a file may have
    const rows = ['text,label'];
    for (let i = 0; i < 40; i++) {
      rows.push(`a review of film ${i},${i % 2 ? 'pos' : 'neg'}`);
      if (i % 5 === 4)
        rows.push(`a broken review ${i},with a stray field,${i % 2 ? 'pos' : 'neg'}`);
    }
    const path = join(dir, 'too-many-malformed.csv');
    writeFileSync(path, rows.join('\n') + '\n');
    await page.fill('[data-testid=dataset-path]', path);

    // No preview, and the refusal says what to do in the page's terms, with the button to do it
    const refusal = page.locator('[data-testid=dataset-preview-error]');
    await refusal.waitFor();
    const refused = (await refusal.textContent()) ?? '';
    expect(refused).toContain('8 of 48 records do not fit');
    expect(refused).toContain('or drop the malformed rows to import the rest');
    expect(refused).not.toMatch(/CLI|--drop|drop: \[/);
    expect(await page.locator('[data-testid=dataset-preview-table]').count()).toBe(0);
    const dropButton = page.locator('[data-testid=dataset-drop-malformed-anyway]');
    expect(await dropButton.evaluate((b: HTMLButtonElement) => b.type)).toBe('button');
    await refusal.scrollIntoViewIfNeeded();
    await screenshot(page, 'datasets-14-too-many-malformed');

    await dropButton.click();
    await page.waitForSelector('[data-testid=dataset-preview-table]');
    expect(await refusal.count()).toBe(0);
    expect(await page.locator('[data-testid=dataset-preview-row]').count()).toBe(20);
    await expect.poll(() => text(page, 'dataset-preview-status')).toContain('of 40 rows');
    expect(await text(page, 'dataset-preview-malformed')).toContain('which you chose to drop');

    // The check's drop choice is the same choice: unticking it brings the refusal back
    await page.click('[data-testid=dataset-check]');
    const drop = page.locator('[data-testid=dataset-drop-malformed]');
    await drop.waitFor();
    expect(await drop.isChecked()).toBe(true);
    const report = await text(page, 'dataset-report');
    expect(report).toContain('48 rows read');
    expect(report).toContain('8 rows dropped (malformed 8)');
    await drop.uncheck();
    await refusal.waitFor();
    expect(await page.locator('[data-testid=dataset-preview-table]').count()).toBe(0);

    // The import is refused alike, and offers the drop beside its refusal too
    await page.click('[data-testid=dataset-import-submit]');
    await page.waitForSelector('[data-testid=dataset-import-error]');
    const importRefused = await text(page, 'dataset-import-error');
    expect(importRefused).toContain('or drop the malformed rows to import the rest');
    expect(importRefused).not.toMatch(/CLI|--drop/);
    await page.click('[data-testid=dataset-import-drop-malformed]');
    await page.waitForSelector('[data-testid=dataset-import-error]', { state: 'detached' });
    expect(await drop.isChecked()).toBe(true);
    await page.waitForSelector('[data-testid=dataset-preview-table]');

    await page.click('[data-testid=dataset-import-submit]');
    await page.waitForSelector('[data-testid=dataset-import-done]');
    const done = await text(page, 'dataset-import-done');
    expect(done).toMatch(/^Imported too-many-malformed: .*; 2 classes; 8 rows dropped\./);
    // The splits the done message names, not those of the report folded under it
    const named = done.slice(0, done.indexOf('; 2 classes'));
    const splits = [...named.matchAll(/(train|validation|test) (\d+)/g)].map((m) => Number(m[2]));
    expect(splits.reduce((sum, n) => sum + n, 0)).toBe(40);
    const row = page.locator('[data-testid=dataset-row]', { hasText: 'too-many-malformed' });
    expect(await row.locator('[data-testid=dataset-dropped]').textContent()).toBe('dropped 8');
    expect(browser!.consoleErrors).toEqual([]);
  });
});
