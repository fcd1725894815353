/**
 * Multi-label as one 0/1 column per label (GoEmotions' raw CSV: text, ids, then admiration,
 * amusement, ... neutral): the column names become the labels.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraftError } from '../../shared/errors';
import { openStore, type Store } from '../store';
import { importDataset, previewDataset } from './import';
import { parseDatasetFile } from './parse';
import { testFiles, type TestFiles } from './test-files';

let files: TestFiles;
let store: Store;

beforeEach(() => {
  files = testFiles();
  store = openStore(join(files.dir, 'graft.db'));
});

afterEach(() => {
  store.close();
  files.remove();
});

const EMOTIONS = ['admiration', 'amusement', 'anger', 'neutral'];

/** The raw layout: text, bookkeeping columns, then one 0/1 column per emotion. */
function raw(rows: number, bad?: { row: number; column: string; value: string }): string {
  const lines = [['text', 'id', 'rater_id', 'example_very_unclear', ...EMOTIONS].join(',')];
  for (let i = 0; i < rows; i++) {
    const flags = EMOTIONS.map((e, k) =>
      bad?.row === i && bad.column === e ? bad.value : String(Number((i + k) % 3 === 0)),
    );
    lines.push([`"comment ${i}, really"`, `e${i}`, String(i % 7), 'FALSE', ...flags].join(','));
  }
  return lines.join('\n') + '\n';
}

describe('labelColumns', () => {
  it('takes a range of columns as the labels, the 1s of each row as its labels', async () => {
    const path = files.write('goemotions_1.csv', raw(60));
    const ds = await importDataset(store, { path, labelColumns: ['admiration..neutral'] });

    expect(ds).toMatchObject({
      multiLabel: true,
      textColumn: 'text',
      labelColumn: 'admiration,amusement,anger,neutral',
      labels: ['admiration', 'amusement', 'anger', 'neutral'],
    });
    const train = store.datasets.rows(ds.id, 'train');
    const test = store.datasets.rows(ds.id, 'test');
    expect(train.texts.length + test.texts.length).toBe(60);
    // comment i has emotion k where (i + k) % 3 === 0: comment 0 has admiration and neutral
    const at = train.texts.indexOf('comment 0, really');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(train.labelSets![at].map((l) => ds.labels[l])).toEqual(['admiration', 'neutral']);
  });

  it('takes a list of names, in any order, and leaves the other 0/1 columns out', () => {
    const path = files.write('two.csv', raw(9));
    const parsed = parseDatasetFile(path, { labelColumns: ['anger', 'admiration'], lenient: true });
    expect(parsed.rows.slice(0, 3).map((r) => r.labels)).toEqual([['admiration'], ['anger'], []]);
  });

  it('names the file, line and column of a value that is not 0 or 1', () => {
    const path = files.write('bad.csv', raw(20, { row: 6, column: 'anger', value: '2' }));
    expect(() => parseDatasetFile(path, { labelColumns: ['admiration..neutral'] })).toThrow(
      'bad.csv: line 8: label column "anger" holds "2"; accepted values: 0, 1',
    );
  });

  it('reports such a row as malformed and imports without it when dropped', async () => {
    const path = files.write('bad.csv', raw(30, { row: 6, column: 'anger', value: 'yes' }));
    const request = { path, labelColumns: ['admiration..neutral'] };
    const report = await previewDataset(request);
    const malformed = report.issues.find((i) => i.kind === 'malformed')!;
    expect(malformed.message).toContain('bad.csv line 8');
    expect(malformed.message).toContain('label column "anger" holds "yes"');

    const ds = await importDataset(store, { ...request, drop: ['malformed', 'empty-label'] });
    expect(ds.dropped).toBeGreaterThanOrEqual(1);
    expect(store.datasets.report(ds.id)!.dropped[0]).toMatchObject({
      reason: 'malformed',
      line: 8,
    });
  });

  it('flags rows without any label as empty-label', async () => {
    const path = files.write('zeros.csv', raw(30));
    const report = await previewDataset({ path, labelColumns: ['amusement', 'anger'] });
    // (i + 1) % 3 and (i + 2) % 3 are never both non-zero: every third comment has no label
    expect(report.issues.find((i) => i.kind === 'empty-label')?.count).toBe(10);
  });

  it('names a missing column and lists those there are', async () => {
    const path = files.write('raw.csv', raw(10));
    for (const labelColumns of [['admiration..joy'], ['joy']]) {
      await expect(importDataset(store, { path, labelColumns })).rejects.toThrow(
        /raw\.csv has no label column "joy"; available columns: "text", "id", .*"neutral"/,
      );
    }
    await expect(
      importDataset(store, { path, labelColumns: ['neutral..admiration'] }),
    ).rejects.toThrow('label column range "neutral..admiration" runs backwards');
  });

  it('refuses to be combined with a label column or a separator', async () => {
    const path = files.write('raw.csv', raw(10));
    const error = await importDataset(store, {
      path,
      labelColumns: ['anger'],
      labelColumn: 'id',
      multiLabel: ',',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraftError);
    expect((error as GraftError).message).toMatch(
      /labelColumns .* cannot be combined with labelColumn, multiLabel/,
    );
    expect(store.datasets.list()).toEqual([]);
  });
});
