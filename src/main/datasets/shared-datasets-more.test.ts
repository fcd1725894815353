/**
 * The rest of ../shared's datasets, as shipped: ChnSentiCorp (its empty review dropped by
 * decision, and a GBK copy), SUBJ (Windows-1252, sorted by label), GoEmotions (multi-label TSV
 * with labels.txt), TREC fine labels and the CRLF SMS variant. Counts come from SOURCE.txt.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetSampleRequest } from '../../shared/contract';
import { openStore, type Store } from '../store';
import { logger } from '../util/log';
import { importDataset, previewDataset } from './import';
import { peekDataset } from './peek';
import { gbkEncode } from './test-encodings';
import { testFiles, type TestFiles } from './test-files';

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared');
const DATASETS = join(SHARED, 'datasets');
const present = existsSync(DATASETS);
if (!present) logger('datasets').warn(`skipping real-dataset tests: ${DATASETS} is absent`);

const at = (...p: string[]): string => join(DATASETS, ...p);
const chn = at('ChnSentiCorp_htl_all', 'ChnSentiCorp_htl_all.csv');
const emo = (f: string): string => at('goemotions', f);

describe.skipIf(!present)('more real datasets in ../shared', () => {
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

  it('refuses ChnSentiCorp until the empty review is dropped, naming line 6376', async () => {
    await expect(importDataset(store, { path: chn })).rejects.toThrow(
      /1 row with empty text: .*ChnSentiCorp_htl_all\.csv line 6376.*--drop empty-text/,
    );
    expect(store.datasets.list()).toEqual([]);

    const report = await previewDataset({ path: chn });
    expect(report.rowsRead).toBe(7_766);
    expect(report.issues.find((i) => i.kind === 'empty-text')?.severity).toBe('error');
  });

  it('imports ChnSentiCorp (UTF-8) with the drop decision: 7,765 kept + 1 dropped', async () => {
    const ds = await importDataset(store, { path: chn, drop: ['empty-text'], seed: 1 });
    expect(ds).toMatchObject({ encoding: 'utf-8', labels: ['0', '1'], dropped: 1 });
    expect(ds.labelCounts).toEqual([
      { label: '0', count: 2_443 },
      { label: '1', count: 5_322 },
    ]);
    expect((ds.splits.train ?? 0) + (ds.splits.test ?? 0)).toBe(7_765);

    const report = store.datasets.report(ds.id);
    expect(report?.droppedByReason).toEqual({ 'empty-text': 1 });
    expect(report?.dropped).toEqual([
      { reason: 'empty-text', file: chn, line: 6376, text: '', label: '0' },
    ]);
  });

  it('imports a GBK copy of ChnSentiCorp to the same rows', async () => {
    const gbk = files.write('chn-gbk.csv', gbkEncode(readFileSync(chn, 'utf8')));
    const a = await importDataset(store, { path: chn, drop: ['empty-text'], seed: 3 });
    const b = await importDataset(store, { path: gbk, drop: ['empty-text'], seed: 3 });
    expect(b.encoding).toBe('gbk');
    expect(b.contentHash).toBe(a.contentHash);
  });

  it('imports SUBJ: Windows-1252, 10,000 rows, 5,000 per class, shuffled into splits', async () => {
    const ds = await importDataset(store, { path: at('subj', 'subj.all'), seed: 2 });
    expect(ds).toMatchObject({ format: 'label-text', encoding: 'windows-1252' });
    expect(ds.labelCounts).toEqual([
      { label: '0', count: 5_000 },
      { label: '1', count: 5_000 },
    ]);
    expect(ds.splits).toEqual({ train: 8_000, test: 2_000 });
    const test = store.datasets.rows(ds.id, 'test');
    expect(test.labels.filter((l) => l === 0).length).toBe(1_000); // sorted file, stratified split
    // cp1252's 0x85 is an ellipsis, never a line break (latin-1 + splitlines gives 10,021)
    const texts = [...store.datasets.rows(ds.id, 'train').texts, ...test.texts];
    expect(texts.some((t) => t.includes('\u2026'))).toBe(true);
  });

  it('imports GoEmotions as multi-label with its 28 names: 43,410 / 5,426 / 5,427', async () => {
    const ds = await importDataset(store, {
      path: emo('train.tsv'),
      testPath: emo('test.tsv'),
      validationPath: emo('dev.tsv'),
      multiLabel: ',',
      labelNamesPath: emo('labels.txt'),
      textColumn: 'column1',
      labelColumn: 'column2',
    });
    expect(ds.multiLabel).toBe(true);
    expect(ds.splits).toEqual({ train: 43_410, validation: 5_426, test: 5_427 });
    expect(ds.labels).toHaveLength(28);

    const train = store.datasets.rows(ds.id, 'train');
    const sets = train.labelSets ?? [];
    const perRow: Record<number, number> = {};
    for (const s of sets) perRow[s.length] = (perRow[s.length] ?? 0) + 1;
    expect(perRow).toEqual({ 1: 36_308, 2: 6_541, 3: 532, 4: 28, 5: 1 });
    const count = (name: string): number =>
      sets.filter((s) => s.includes(ds.labels.indexOf(name))).length;
    expect([count('neutral'), count('grief')]).toEqual([14_219, 77]);
    expect(train.labels.every((l, i) => l === sets[i][0])).toBe(true);
    // RFC quoting: the outer quotes and doubled quotes are gone
    expect(train.texts[123]).toBe('Three words, no subtlety. "Dude. Stop. Seriously."');
  });

  it("previews GoEmotions' labels under their names, as the import names them", async () => {
    const request = { path: emo('train.tsv'), labelNamesPath: emo('labels.txt') };
    const peek = await peekDataset(DatasetSampleRequest.parse({ ...request, multiLabel: ',' }));
    expect(peek.labelNamesProblem).toBeNull();
    expect(peek.labels).toHaveLength(28);
    expect(peek.labels.find((l) => l.label === 'neutral')?.ids).toEqual(['27']);
    expect(peek.labels.find((l) => l.label === 'grief')?.ids).toEqual(['16']);
  });

  it('guesses GoEmotions columns without being told', async () => {
    const report = await previewDataset({
      path: emo('dev.tsv'),
      multiLabel: ',',
      labelNamesPath: emo('labels.txt'),
    });
    expect([report.textColumn, report.labelColumn]).toEqual(['column1', 'column2']);
  });

  it('imports TREC with fine labels: 50 classes', async () => {
    const ds = await importDataset(store, {
      path: at('trec', 'TREC.train'),
      testPath: at('trec', 'TREC.test'),
      labelTransform: 'fine',
    });
    expect(ds.labels).toHaveLength(50);
    expect(ds.splits).toEqual({ train: 5_452, test: 500 });
  });

  it('imports TREC.train.all (integer coarse ids) with its test file', async () => {
    const ds = await importDataset(store, {
      path: at('trec', 'TREC.train.all'),
      testPath: at('trec', 'TREC.test.all'),
    });
    expect(ds.labels).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(ds.splits).toEqual({ train: 5_452, test: 500 });
    const train = store.datasets.rows(ds.id, 'train').labels;
    expect([0, 1, 2, 3, 4, 5].map((c) => train.filter((l) => l === c).length)).toEqual([
      1162, 1250, 86, 1223, 835, 896,
    ]);
  });

  it('reads the CRLF SMS variant to the same rows as sms.tsv', async () => {
    const sms = at('sms_spam_collection', 'sms.tsv');
    const crlf = at('sms_spam_collection', 'SMSSpamCollection.crlf_variant');
    const a = await importDataset(store, { path: sms });
    const b = await importDataset(store, { path: crlf });
    expect(b.contentHash).toBe(a.contentHash);
    expect(b.labelCounts).toEqual([
      { label: 'ham', count: 4_827 },
      { label: 'spam', count: 747 },
    ]);
  });
});
