/**
 * The real datasets of ../shared, read in place. Counts come from each folder's SOURCE.txt;
 * where ../shared is absent (a fresh machine outside the workplace) the tests skip and say why.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store';
import { logger } from '../util/log';
import { importDataset } from './import';
import { parseDatasetFile } from './parse';
import { testFiles, type TestFiles } from './test-files';

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared');
const DATASETS = join(SHARED, 'datasets');
const present = existsSync(DATASETS);
if (!present) logger('datasets').warn(`skipping real-dataset tests: ${DATASETS} is absent`);

const sst = (f: string): string => join(DATASETS, 'sst2_glue_alps', f);
const trec = (f: string): string => join(DATASETS, 'trec', f);
const sms = join(DATASETS, 'sms_spam_collection', 'sms.tsv');

function countLabels(labels: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

describe.skipIf(!present)('real datasets in ../shared', () => {
  let files: TestFiles;
  let store: Store;

  beforeAll(() => {
    files = testFiles();
    store = openStore(join(files.dir, 'graft.db'));
  });

  afterAll(() => {
    store?.close();
    files?.remove();
  });

  it('parses SST-2 (GLUE TSV) to the exact row and class counts of SOURCE.txt', () => {
    const train = parseDatasetFile(sst('train.tsv'));
    const dev = parseDatasetFile(sst('dev.tsv'));
    const test = parseDatasetFile(sst('test.tsv'));

    expect([train.rows.length, dev.rows.length, test.rows.length]).toEqual([60_614, 6_735, 872]);
    expect(countLabels(train.rows.map((r) => r.label))).toEqual({ '0': 26_786, '1': 33_828 });
    expect(countLabels(test.rows.map((r) => r.label))).toEqual({ '0': 428, '1': 444 });
    expect(train.rows[1]).toEqual({ text: 'kids , spirit', label: '1', line: 3 });
  });

  it('imports SST-2 train with its official test file', async () => {
    const ds = await importDataset(store, {
      path: sst('train.tsv'),
      testPath: sst('test.tsv'),
      validationPath: sst('dev.tsv'),
    });

    expect(ds).toMatchObject({
      name: 'sst2_glue_alps',
      format: 'tsv',
      textColumn: 'sentence',
      labelColumn: 'label',
      labels: ['0', '1'],
      splits: { train: 60_614, validation: 6_735, test: 872 },
    });
    expect(store.datasets.rows(ds.id, 'test').texts.length).toBe(872);
  });

  it('imports TREC with coarse labels: 6 classes, 5,452 / 500', async () => {
    const ds = await importDataset(store, {
      path: trec('TREC.train'),
      testPath: trec('TREC.test'),
    });

    expect(ds.format).toBe('label-text');
    expect(ds.labels).toEqual(['ABBR', 'DESC', 'ENTY', 'HUM', 'LOC', 'NUM']);
    expect(ds.splits).toEqual({ train: 5_452, test: 500 });

    const train = store.datasets.rows(ds.id, 'train');
    expect(countLabels(train.labels.map((l) => ds.labels[l]))).toEqual({
      DESC: 1162,
      ENTY: 1250,
      ABBR: 86,
      HUM: 1223,
      LOC: 835,
      NUM: 896,
    });
    expect(train.texts[0]).toBe('How did serfdom develop in and then leave Russia ?');
    // Line 66 holds the one byte that is not UTF-8 (0xF0): read as Windows-1252, never U+FFFD
    expect(train.texts[65]).toBe(
      'Which city has the oldest relationship as a sister\u00f0city with Los Angeles ?',
    );
  });

  it('reads the SMS Spam Collection without quote handling: 5,574 rows', async () => {
    const parsed = parseDatasetFile(sms);
    expect(parsed.rows.length).toBe(5_574);
    expect(parsed.rows.filter((r) => r.text.startsWith('"')).length).toBeGreaterThan(0);

    const ds = await importDataset(store, { path: sms, seed: 13 });
    expect(ds.labelCounts).toEqual([
      { label: 'ham', count: 4_827 },
      { label: 'spam', count: 747 },
    ]);
    // round(5574 * 0.2) = 1115 to test: floors 965 ham + 149 spam, the one left goes to ham
    expect(ds.splits).toEqual({ train: 4_459, test: 1_115 });
    const testSpam = store.datasets.rows(ds.id, 'test').labels.filter((l) => l === 1).length;
    expect(testSpam).toBe(149);
  });
});
