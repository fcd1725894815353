/**
 * Label renames in an import (`labelRename`): the stored labels, counts and report carry the
 * new names, labels renamed to one name are one class, and a refused rename stores nothing.
 */
import { describe, expect, it } from 'vitest';
import { importDataset, previewDataset } from './import';
import { lines, storeForEachTest } from './test-files';

const { files, store } = storeForEachTest();

/** 30 rows, labels 0, 1, 2 in turn, texts unique. */
function csv(): string {
  return lines('text,label', ...Array.from({ length: 30 }, (_, i) => `row ${i},${i % 3}`));
}

describe('labelRename', () => {
  it('stores integer labels under the names given, and keeps the rest', async () => {
    const path = files.write('d.csv', csv());
    const ds = await importDataset(store, { path, labelRename: { '0': 'neg', '2': ' pos ' } });
    expect(ds.labels).toEqual(['1', 'neg', 'pos']);
    expect(ds.labelCounts).toEqual([
      { label: '1', count: 10 },
      { label: 'neg', count: 10 },
      { label: 'pos', count: 10 },
    ]);
    expect(store.datasets.report(ds.id)?.labelCounts.map((c) => c.label)).toEqual(ds.labels);
  });

  it('merges labels renamed to one name into one class', async () => {
    const path = files.write('d.csv', csv());
    const report = await previewDataset({ path, labelRename: { '1': 'other', '2': 'other' } });
    expect(report.labelCounts).toEqual([
      { label: '0', count: 10 },
      { label: 'other', count: 20 },
    ]);
  });

  it('finds conflicting labels only among names that differ after the rename', async () => {
    const path = files.write('d.csv', lines(csv(), 'row 0,1'));
    const before = await previewDataset({ path });
    expect(before.issues.map((i) => i.kind)).toContain('conflicting-duplicate');
    const merged = await previewDataset({ path, labelRename: { '0': 'x', '1': 'x' } });
    expect(merged.issues.map((i) => i.kind)).not.toContain('conflicting-duplicate');
    expect(merged.issues.map((i) => i.kind)).toContain('duplicate');
  });

  it('renames the labels of the test file too', async () => {
    const path = files.write('train.csv', csv());
    const testPath = files.write('test.csv', lines('text,label', 'a,0', 'b,1', 'c,2'));
    const ds = await importDataset(store, { path, testPath, labelRename: { '1': 'one' } });
    expect(ds.labels).toEqual(['0', '2', 'one']);
    expect(store.datasets.rows(ds.id, 'test').labels.map((l) => ds.labels[l])).toEqual([
      '0',
      'one',
      '2',
    ]);
  });

  it('renames every label of a multi-label row, once per name', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `text ${i},"${i % 2 ? 'a,b' : 'c'}"`);
    const path = files.write('m.csv', lines('text,tags', ...rows));
    const ds = await importDataset(store, {
      path,
      labelColumn: 'tags',
      multiLabel: ',',
      labelRename: { a: 'x', b: 'x' },
    });
    expect(ds.labels).toEqual(['c', 'x']);
    const train = store.datasets.rows(ds.id, 'train');
    expect(train.labelSets?.every((set) => set.length === 1)).toBe(true);
  });

  it('refuses a rename onto a label kept as it is, an empty name or an unknown label', async () => {
    const path = files.write('d.csv', csv());
    await expect(importDataset(store, { path, labelRename: { '0': '1' } })).rejects.toThrow(
      /d\.csv: labelRename "0" -> "1": "1" is another label of the data; to merge the two/,
    );
    await expect(importDataset(store, { path, labelRename: { '0': '' } })).rejects.toThrow(
      /labelRename "0": the new name is empty/,
    );
    await expect(previewDataset({ path, labelRename: { '7': 'x' } })).rejects.toThrow(
      /labelRename "7" -> "x": the data has no such label; its labels: "0", "1", "2"/,
    );
    expect(store.datasets.list()).toEqual([]);
  });
});
