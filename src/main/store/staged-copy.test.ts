/** insertStaged: rows copied from a scratch file on a worker thread, all or nothing. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraftError } from '../../shared/errors';
import { openStore, type NewDataset, type Store } from './index';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'graft-staged-'));
  store = openStore(join(dir, 'graft.db'));
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A scratch file with a view of (split, idx, text, label, label_set) rows. */
function scratch(rows: [string, number, string, number, string | null][]): string {
  const file = join(dir, `scratch-${Math.random().toString(36).slice(2)}.db`);
  const db = new Database(file);
  db.exec(`CREATE TABLE t (split TEXT, idx INTEGER, text TEXT, label INTEGER, label_set TEXT);
    CREATE VIEW v AS SELECT split, idx, text, label, label_set FROM t ORDER BY rowid`);
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?)');
  for (const row of rows) insert.run(...row);
  db.close();
  return file;
}

const record = (over: Partial<NewDataset> = {}): NewDataset => ({
  name: 'staged',
  sourcePath: '/data/staged.csv',
  format: 'csv',
  textColumn: 'text',
  labelColumn: 'label',
  labels: ['neg', 'pos'],
  labelCounts: [
    { label: 'neg', count: 1 },
    { label: 'pos', count: 2 },
  ],
  contentHash: 'f'.repeat(64),
  ...over,
});

describe('insertStaged', () => {
  it('copies the rows and the record in one go', async () => {
    const file = scratch([
      ['train', 0, 'good', 1, null],
      ['train', 1, 'bad', 0, null],
      ['test', 0, 'fine', 1, null],
    ]);
    const ds = await store.datasets.insertStaged(record(), {
      file,
      view: 'v',
      splits: { train: 2, test: 1 },
    });
    expect(ds.splits).toEqual({ train: 2, test: 1 });
    expect(store.datasets.rows(ds.id, 'train')).toEqual({ texts: ['good', 'bad'], labels: [1, 0] });
    expect(store.datasets.rows(ds.id, 'test')).toEqual({ texts: ['fine'], labels: [1] });
  });

  it('keeps multi-label sets', async () => {
    const file = scratch([
      ['train', 0, 'both', 0, '[0,1]'],
      ['test', 0, 'one', 1, '[1]'],
    ]);
    const ds = await store.datasets.insertStaged(record({ multiLabel: true }), {
      file,
      view: 'v',
      splits: { train: 1, test: 1 },
    });
    expect(store.datasets.rows(ds.id, 'train').labelSets).toEqual([[0, 1]]);
  });

  it('stores nothing when a label index is out of range or a count is off', async () => {
    const bad = scratch([['train', 0, 'x', 2, null]]);
    await expect(
      store.datasets.insertStaged(record(), { file: bad, view: 'v', splits: { train: 1 } }),
    ).rejects.toThrow(/1 staged rows have a label index out of range/);

    const short = scratch([['train', 0, 'x', 1, null]]);
    await expect(
      store.datasets.insertStaged(record(), { file: short, view: 'v', splits: { train: 2 } }),
    ).rejects.toThrow(/copied 1 staged rows, expected 2/);
    expect(store.datasets.list()).toEqual([]);
  });

  it('refuses an id that exists as a conflict', async () => {
    const file = scratch([['train', 0, 'x', 1, null]]);
    const staged = { file, view: 'v', splits: { train: 1 } };
    await store.datasets.insertStaged(record({ id: 'ds_same' }), staged);
    const error = await store.datasets
      .insertStaged(record({ id: 'ds_same' }), staged)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraftError);
    expect(error).toMatchObject({ code: 'conflict', message: 'dataset "ds_same" already exists' });
  });
});
