import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations, openStore, type NewDataset, type Store } from './index';
import { sampleModel, tempDir, type TempDir } from './test-helpers';

let tmp: TempDir;
let store: Store;

beforeEach(() => {
  tmp = tempDir();
  store = openStore(tmp.file('graft.db'));
});

afterEach(() => {
  store.close();
  tmp.remove();
});

function sampleDataset(overrides: Partial<NewDataset> = {}): NewDataset {
  return {
    name: 'toy',
    sourcePath: '/data/toy.csv',
    format: 'csv',
    textColumn: 'text',
    labelColumn: 'label',
    labels: ['neg', 'pos'],
    labelCounts: [
      { label: 'neg', count: 2 },
      { label: 'pos', count: 2 },
    ],
    contentHash: 'abc123',
    ...overrides,
  };
}

const toyRows = {
  train: { texts: ['good', 'bad', 'great'], labels: [1, 0, 1] },
  test: { texts: ['awful'], labels: [0] },
};

describe('openStore', () => {
  it('turns on WAL and foreign keys', () => {
    const db = new Database(tmp.file('graft.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    // foreign_keys is per connection, so it is proved by the cascade test below
  });

  it('migrates once: reopening applies nothing and keeps the data', () => {
    const ds = store.datasets.insert(sampleDataset(), toyRows);
    store.close();

    store = openStore(tmp.file('graft.db'));
    store.close();
    store = openStore(tmp.file('graft.db'));

    expect(store.datasets.get(ds.id)).toEqual(ds);
    const db = new Database(tmp.file('graft.db'), { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    db.close();
    expect(versions).toEqual(migrations.map((m) => ({ version: m.version })));
  });

  it('refuses a database from a newer Graft', () => {
    store.close();
    const db = new Database(tmp.file('graft.db'));
    db.prepare('INSERT INTO schema_migrations VALUES (999, ?, ?)').run('future', 'now');
    db.close();

    expect(() => openStore(tmp.file('graft.db'))).toThrow(/schema version 999, newer than/);
    store = openStore(tmp.file('other.db'));
  });

  it('names the file when it is not a database', () => {
    writeFileSync(tmp.file('junk.db'), 'x'.repeat(4096));
    expect(() => openStore(tmp.file('junk.db'))).toThrow(/cannot open database .*junk\.db/);
  });
});

describe('datasets', () => {
  it('round-trips a record and its rows per split', () => {
    const ds = store.datasets.insert(sampleDataset(), toyRows);

    expect(ds.id).toMatch(/^ds_[0-9a-z]{12}$/);
    expect(ds.splits).toEqual({ train: 3, test: 1 });
    expect(store.datasets.get(ds.id)).toEqual(ds);
    expect(store.datasets.list()).toEqual([ds]);
    expect(store.datasets.rows(ds.id, 'train')).toEqual(toyRows.train);
    expect(store.datasets.rows(ds.id, 'test')).toEqual(toyRows.test);
    expect(store.datasets.rows(ds.id, 'validation')).toEqual({ texts: [], labels: [] });
  });

  it('lists newest first', () => {
    const a = store.datasets.insert(sampleDataset({ createdAt: '2026-01-01T00:00:00.000Z' }), {});
    const b = store.datasets.insert(sampleDataset({ createdAt: '2026-02-01T00:00:00.000Z' }), {});
    expect(store.datasets.list().map((d) => d.id)).toEqual([b.id, a.id]);
  });

  it('numbers the imports under one name as its versions', () => {
    const versions = ['toy', 'toy', 'other', 'toy'].map(
      (name) => store.datasets.insert(sampleDataset({ name }), {}).version,
    );
    expect(versions).toEqual([1, 2, 1, 3]);
  });

  it("gives a deleted version's number to no later import", () => {
    const first = store.datasets.insert(sampleDataset(), {});
    const second = store.datasets.insert(sampleDataset(), {});
    store.datasets.delete(second.id);
    expect(store.datasets.insert(sampleDataset(), {}).version).toBe(3);
    store.datasets.delete(first.id);
    expect(store.datasets.insert(sampleDataset(), {}).version).toBe(4);
  });

  it('numbers the datasets of an older store by age when it migrates', () => {
    const at = (month: number): string => `2026-0${month}-01T00:00:00.000Z`;
    const ids = [3, 1, 2].map(
      (month) => store.datasets.insert(sampleDataset({ createdAt: at(month) }), {}).id,
    );
    store.close();
    const db = new Database(tmp.file('graft.db'));
    db.exec('ALTER TABLE datasets DROP COLUMN version');
    db.exec('ALTER TABLE dataset_dropped DROP COLUMN detail');
    db.exec('DROP TABLE dataset_names');
    db.exec('ALTER TABLE runs DROP COLUMN dataset');
    db.exec('DELETE FROM schema_migrations WHERE version >= 6');
    db.close();

    store = openStore(tmp.file('graft.db'));
    expect(ids.map((id) => store.datasets.get(id).version)).toEqual([3, 1, 2]);
  });

  it('throws not-found naming the id', () => {
    expect(() => store.datasets.get('ds_nope')).toThrow(/dataset "ds_nope" does not exist/);
    expect(() => store.datasets.delete('ds_nope')).toThrow(/"ds_nope"/);
    expect(() => store.datasets.rows('ds_nope', 'train')).toThrow(/"ds_nope"/);
  });

  it('deletes the rows with the dataset', () => {
    const ds = store.datasets.insert(sampleDataset(), toyRows);
    store.datasets.delete(ds.id);

    expect(store.datasets.list()).toEqual([]);
    const db = new Database(tmp.file('graft.db'), { readonly: true });
    const count = db.prepare('SELECT COUNT(*) AS n FROM dataset_rows').get() as { n: number };
    db.close();
    expect(count.n).toBe(0);
  });

  it('rolls back the record and earlier rows when a row fails mid-insert', () => {
    const rows = {
      train: { texts: ['a', 'b', 'c'], labels: [0, 1, 0] },
      test: { texts: ['d', 'e'], labels: [1, 7] }, // 7 is not an index into two labels
    };
    expect(() => store.datasets.insert(sampleDataset({ id: 'ds_broken' }), rows)).toThrow(
      /test row 1: label index 7 is out of range/,
    );

    expect(store.datasets.list()).toEqual([]);
    const db = new Database(tmp.file('graft.db'), { readonly: true });
    const count = db.prepare('SELECT COUNT(*) AS n FROM dataset_rows').get() as { n: number };
    db.close();
    expect(count.n).toBe(0);
  });

  it('refuses a record that breaks the contract before writing anything', () => {
    const bad = sampleDataset({ labelCounts: [{ label: 'neg', count: 1.5 }] });
    expect(() => store.datasets.insert(bad, toyRows)).toThrow(/dataset record is invalid/);
    expect(() =>
      store.datasets.insert(sampleDataset(), { train: { texts: ['a'], labels: [] } }),
    ).toThrow(/1 texts but 0 labels/);
    expect(store.datasets.list()).toEqual([]);
  });
});

describe('models', () => {
  it('round-trips, lists and deletes', () => {
    const m = store.models.insert(sampleModel());

    expect(m.id).toMatch(/^md_[0-9a-z]{12}$/);
    expect(store.models.get(m.id)).toEqual(m);
    expect(store.models.list()).toEqual([m]);

    store.models.delete(m.id);
    expect(store.models.list()).toEqual([]);
    expect(() => store.models.get(m.id)).toThrow(/model ".*" does not exist/);
  });

  it('refuses a kind outside the contract', () => {
    const bad = { ...sampleModel(), kind: 'gguf' } as never;
    expect(() => store.models.insert(bad)).toThrow(/model record is invalid: kind/);
  });
});

describe('ids', () => {
  it('reports a duplicate id as a conflict naming it', () => {
    store.datasets.insert(sampleDataset({ id: 'ds_same' }), {});
    store.models.insert({ ...sampleModel(), id: 'md_same' });
    store.runs.create({ id: 'run_same', datasetId: 'a', modelId: 'b', config: cfg });

    expect(() => store.datasets.insert(sampleDataset({ id: 'ds_same' }), {})).toThrow(
      /dataset "ds_same" already exists/,
    );
    expect(() => store.models.insert({ ...sampleModel(), id: 'md_same' })).toThrow(
      /model "md_same" already exists/,
    );
    expect(() =>
      store.runs.create({ id: 'run_same', datasetId: 'a', modelId: 'b', config: cfg }),
    ).toThrow(/run "run_same" already exists/);
  });
});

const cfg = { datasetId: 'a', modelId: 'b' };
