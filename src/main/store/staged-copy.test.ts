/**
 * insertStaged: rows copied from a scratch file on a worker thread, a batch per transaction,
 * and still all or nothing to every reader.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraftError } from '../../shared/errors';
import { openStore, type NewDataset, type Store } from './index';
import { sampleModel } from './test-helpers';

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

type StagedRow = [string, number, string, number, string | null];

/** A scratch file with a view of (ord, split, idx, text, label, label_set) rows. */
function scratch(rows: StagedRow[]): string {
  const file = join(dir, `scratch-${Math.random().toString(36).slice(2)}.db`);
  const db = new Database(file);
  db.exec(`CREATE TABLE t (split TEXT, idx INTEGER, text TEXT, label INTEGER, label_set TEXT);
    CREATE VIEW v AS SELECT rowid AS ord, split, idx, text, label, label_set FROM t`);
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => rows.forEach((row) => insert.run(...row)))();
  db.close();
  return file;
}

/** n training rows, label 0 or 1, except `bad` rows with label 2 (out of range). */
function many(n: number, bad: number[] = []): StagedRow[] {
  return Array.from({ length: n }, (_, i) => [
    'train',
    i,
    `text ${i}`,
    bad.includes(i) ? 2 : i % 2,
    null,
  ]);
}

/** Rows of any dataset, hidden or not, straight from the file. */
function storedRows(): number {
  const db = new Database(join(dir, 'graft.db'), { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM dataset_rows').pluck().get() as number;
  } finally {
    db.close();
  }
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
    ).rejects.toThrow(/copied 1 staged rows of staged\."v" 1\.\.2, expected 2/);
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

  it('copies in batches, hiding the dataset till the last, main writes going between', async () => {
    const file = scratch(many(50_000));
    const copied: number[] = [];
    let mid: { marked: unknown; rows: number; listed: number; model: string } | undefined;
    const ds = await store.datasets.insertStaged(
      record(),
      { file, view: 'v', splits: { train: 50_000 }, maxBatchRows: 1000 },
      undefined,
      (n) => {
        copied.push(n);
        if (mid) return;
        // The main connection writes between two batches, without waiting out the copy
        const model = store.models.insert(sampleModel()).id;
        // Holding the write lock freezes the worker between batches while we look
        const raw = new Database(join(dir, 'graft.db'));
        raw.exec('BEGIN IMMEDIATE');
        const marked = raw.prepare('SELECT COUNT(*) FROM dataset_imports').pluck().get();
        const rows = raw.prepare('SELECT COUNT(*) FROM dataset_rows').pluck().get() as number;
        mid = { marked, rows, listed: store.datasets.list().length, model };
        raw.exec('ROLLBACK');
        raw.close();
      },
    );

    expect(copied.slice(0, 3)).toEqual([1000, 2000, 3000]);
    expect(copied[copied.length - 1]).toBe(50_000);
    expect(mid).toMatchObject({ marked: 1, listed: 0, model: expect.stringMatching(/^md_/) });
    expect(mid!.rows).toBeGreaterThan(0);
    expect(mid!.rows).toBeLessThan(50_000);
    expect(store.datasets.list().map((d) => d.id)).toEqual([ds.id]);
    expect(store.datasets.rows(ds.id, 'train').texts[49_999]).toBe('text 49999');
  });

  it('removes the batches already copied when a later one fails', async () => {
    const file = scratch(many(4000, [3500]));
    const staged = { file, view: 'v', splits: { train: 4000 }, maxBatchRows: 1000 };
    const copied: number[] = [];
    await expect(
      store.datasets.insertStaged(record(), staged, undefined, (n) => copied.push(n)),
    ).rejects.toThrow(/1 staged rows have a label index out of range/);
    expect(copied).toEqual([1000, 2000, 3000]);
    expect(store.datasets.list()).toEqual([]);
    expect(storedRows()).toBe(0);
  });

  it('sweeps the datasets of imports whose process died, at the next start', async () => {
    const file = scratch(many(10));
    const ds = await store.datasets.insertStaged(record(), {
      file,
      view: 'v',
      splits: { train: 10 },
    });
    const mark = (id: string, pid: number): void => {
      const db = new Database(join(dir, 'graft.db'));
      db.prepare('INSERT INTO dataset_imports VALUES (?, ?, ?)').run(id, pid, '2026-01-01T00:00Z');
      db.close();
    };
    const exited = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    mark(ds.id, exited);
    expect(store.datasets.list()).toEqual([]);
    expect(() => store.datasets.get(ds.id)).toThrow(/does not exist/);

    store.close();
    store = openStore(join(dir, 'graft.db'));
    expect(storedRows()).toBe(0);
  });
});
