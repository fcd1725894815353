/**
 * Dropped rows: the report lists the first few as examples and counts them all; the store
 * keeps every one, with its text, in its own table (`datasets.dropped`).
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { importDataset, previewDataset } from './import';
import { lines, storeForEachTest, streamed } from './test-files';
import { MAX_DROPPED_EXAMPLES, MAX_EXAMPLE_CHARS } from './validate';

const { files, store } = storeForEachTest();

/** 60 distinct texts, each written `copies` times, and one broken quote on line 2. */
function duplicates(copies: number): string {
  const rows = ['"broken quote,1'];
  for (let c = 0; c < copies; c++) {
    for (let i = 0; i < 60; i++) rows.push(`text ${i},${i % 2}`);
  }
  return lines('text,label', ...rows);
}

describe('dropped rows', () => {
  it('lists every dropped row in a preview asked for allDropped, no text after 100', async () => {
    const path = files.write('dups.csv', duplicates(5));
    const request = { path, drop: ['duplicate' as const, 'malformed' as const] };
    const capped = await previewDataset(request, { tempDir: files.dir });
    expect(capped.dropped).toHaveLength(MAX_DROPPED_EXAMPLES);

    const all = await previewDataset({ ...request, allDropped: true }, { tempDir: files.dir });
    expect(all.droppedTotal).toBe(241);
    expect(all.dropped).toHaveLength(241);
    expect(all.dropped.slice(0, MAX_DROPPED_EXAMPLES)).toEqual(capped.dropped);
    expect(all.dropped[MAX_DROPPED_EXAMPLES]).toEqual({
      reason: 'duplicate',
      file: path,
      line: expect.any(Number),
      label: expect.any(String),
    });
    expect(all.dropped.slice(MAX_DROPPED_EXAMPLES).every((d) => d.text === undefined)).toBe(true);
  });

  it('keeps every dropped row in the store and the first in the report', async () => {
    const path = files.write('dups.csv', duplicates(5));
    const ds = await importDataset(
      store,
      { path, drop: ['duplicate', 'malformed'] },
      { tempDir: files.dir },
    );
    const total = 4 * 60 + 1;
    expect(ds.dropped).toBe(total);
    expect(Object.values(ds.splits).reduce((a, b) => a + b, 0)).toBe(60);

    const report = store.datasets.report(ds.id)!;
    expect(report.droppedTotal).toBe(total);
    expect(report.droppedByReason).toEqual({ malformed: 1, duplicate: 240 });
    expect(report.dropped).toHaveLength(MAX_DROPPED_EXAMPLES);

    const all = store.datasets.dropped(ds.id, { offset: 0, limit: 1000 });
    expect(all.total).toBe(total);
    expect(all.rows).toHaveLength(total);
    // The same order as the report's examples, texts and all
    expect(all.rows.slice(0, MAX_DROPPED_EXAMPLES)).toEqual(report.dropped);
    expect(
      all.rows.filter((d) => d.reason === 'duplicate').every((d) => /^text \d+$/.test(d.text)),
    ).toBe(true);

    const malformed = store.datasets.dropped(ds.id, { offset: 0, limit: 10, reason: 'malformed' });
    expect(malformed.total).toBe(1);
    expect(malformed.rows[0]).toMatchObject({ line: 2, text: expect.stringContaining('broken') });

    const page = store.datasets.dropped(ds.id, { offset: 200, limit: 30, reason: 'duplicate' });
    expect(page.total).toBe(240);
    expect(page.rows).toHaveLength(30);

    store.datasets.delete(ds.id);
    const db = new Database(store.file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM dataset_dropped').pluck().get()).toBe(0);
    db.close();
  });

  it('keeps malformed rows once, in line order, through an encoding restart', async () => {
    // A field too many on lines 3 and 40; a Windows-1252 byte on line 41 makes the reader start
    // the file again once it has staged the first malformed row
    const rows = Array.from({ length: 40 }, (_, i) => `text ${i},${i % 2}`);
    rows[1] = 'one,1,extra';
    rows[38] = 'two,0,extra';
    const train = files.write(
      'train.csv',
      Buffer.concat([
        Buffer.from(lines('text,label', ...rows)),
        Buffer.from('caf\xe9,1\n', 'latin1'),
      ]),
    );
    const broken = '"bad, ""quoted""",1,x';
    const test = files.write('test.csv', lines('text,label', 'fine,1', broken, 'ok,0'));
    const request = { path: train, testPath: test, drop: ['malformed' as const] };

    const ds = await importDataset(store, request, { tempDir: files.dir, ...streamed(16, 60) });
    const dropped = store.datasets.dropped(ds.id, { offset: 0, limit: 10 }).rows;
    // A malformed record's text is its line as the file has it, quotes and all
    expect(dropped.map((d) => [d.file, d.line, d.text])).toEqual([
      [train, 3, 'one,1,extra'],
      [train, 40, 'two,0,extra'],
      [test, 3, broken],
    ]);
    // No label could be read; what is wrong stands apart from it
    expect(dropped[0]).toMatchObject({
      reason: 'malformed',
      label: '',
      detail: '3 fields, but line 1 has 2 (comma-separated)',
    });
    expect(dropped.every((d) => d.reason === 'malformed' && d.detail)).toBe(true);
    expect(ds.splits.test).toBe(2);
    expect(store.datasets.report(ds.id)!.files[0].encoding).toBe('windows-1252');
  });

  it('cuts a long text in the report, keeping it whole in the store', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `text ${i},${i % 2}`);
    const long = `${'x'.repeat(5000)},1,extra`;
    const path = files.write('long.csv', lines('text,label', long, ...rows));
    const ds = await importDataset(store, { path, drop: ['malformed'] }, { tempDir: files.dir });
    const example = store.datasets.report(ds.id)!.dropped[0].text!;
    expect(example).toHaveLength(MAX_EXAMPLE_CHARS + 1);
    expect(example.endsWith('x\u2026')).toBe(true);
    expect(store.datasets.dropped(ds.id, { offset: 0, limit: 1 }).rows[0].text).toBe(long);
  });

  it('reads the dropped rows of an older dataset from its report', () => {
    const row = { reason: 'duplicate' as const, file: 'a.csv', line: 3, text: 'x', label: '1' };
    // Reports kept a malformed row's problem as its label, in brackets
    const broken = { reason: 'malformed' as const, file: 'a.csv', line: 4, text: 'y,1,z' };
    const bracketed = { ...broken, label: '(3 fields, but line 1 has 2)' };
    const ds = store.datasets.insert(
      {
        name: 'old',
        sourcePath: '/a.csv',
        format: 'csv',
        textColumn: 'text',
        labelColumn: 'label',
        labels: ['0', '1'],
        labelCounts: [],
        contentHash: 'h',
      },
      { train: { texts: ['a', 'b'], labels: [0, 1] } },
      {
        files: [],
        textColumn: 'text',
        labelColumn: 'label',
        multiLabel: false,
        rowsRead: 3,
        splits: { train: 2 },
        labelCounts: [],
        issues: [],
        droppedByReason: { duplicate: 1, malformed: 1 },
        dropped: [row, bracketed],
        stored: true,
      },
    );
    const read = { ...broken, label: '', detail: '3 fields, but line 1 has 2' };
    expect(store.datasets.dropped(ds.id, { offset: 0, limit: 10 })).toEqual({
      total: 2,
      offset: 0,
      rows: [row, read],
    });
    expect(store.datasets.report(ds.id)!.dropped).toEqual([row, read]);
    expect(store.datasets.dropped(ds.id, { offset: 0, limit: 10, reason: 'duplicate' }).total).toBe(
      1,
    );
  });
});
