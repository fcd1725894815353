import { describe, expect, it } from 'vitest';
import type { DatasetImportProgress, DatasetImportRequest } from '../../shared/contract';
import { contentHash, defaultDatasetName, importDataset, previewDataset } from './import';
import { lines, storeForEachTest } from './test-files';

const { files, store } = storeForEachTest();

/** n rows alternating labels 1, 0, 10 (to check numeric label order), texts unique. */
function csv(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => `row ${i},${['1', '0', '10'][i % 3]}`);
  return lines('text,label', ...rows);
}

/** Nothing of a refused import may remain: no dataset, and so (by cascade) no rows. */
function expectNothingStored(): void {
  expect(store.datasets.list()).toEqual([]);
}

describe('previewDataset with no usable rows or empty labels', () => {
  it('says why no row is usable instead of "a single class in 0 rows"', async () => {
    const path = files.write('words.csv', csv(12).replace(/,(\d+)$/gm, ',w$1'));
    const names = files.write('names.txt', 'negative\npositive\n');
    const preview = previewDataset({ path, labelNamesPath: names }, { tempDir: files.dir });
    await expect(preview).rejects.toThrow(
      `${path}: no usable rows: all 12 rows are malformed; line 2: label "w1" is not an id of ` +
        'the 2 label names; label names map integer labels, these labels are words',
    );
  });

  it('says why when the only rows left have no label', async () => {
    const path = files.write('words.csv', lines('text,label', 'a,pos', 'b,neg', 'c,', 'd,pos'));
    const names = files.write('names.txt', 'negative\npositive\n');
    const preview = previewDataset({ path, labelNamesPath: names }, { tempDir: files.dir });
    await expect(preview).rejects.toThrow(
      `${path}: no usable rows: of 4 rows, 3 are malformed, 1 has an empty label; line 2: ` +
        'label "pos" is not an id of the 2 label names',
    );
  });

  it('refuses ids past the label names, and notes the names no row has', async () => {
    // Labels 0, 1 and 10 (csv): two names are too few for id 10; twelve leave 2..9 and 11 unused
    const path = files.write('ids.csv', csv(30));
    const two = files.write('two.txt', 'zero\none\n');
    await expect(
      importDataset(store, { path, labelNamesPath: two, drop: ['malformed'] }, {}),
    ).rejects.toThrow(
      `${two} has 2 names, too few: label 10 needs its line 11 (label i is named on line ` +
        'i + 1); 10 rows of the data have labels with no name ("10"), at line 4, 7, 10, 13, ' +
        '16 (and 5 more)',
    );
    expectNothingStored();

    const twelve = files.write(
      'twelve.txt',
      Array.from({ length: 12 }, (_, i) => `n${i}`).join('\n'),
    );
    const report = await previewDataset({ path, labelNamesPath: twelve }, { tempDir: files.dir });
    expect(report.labelCounts.map((c) => c.label)).toEqual(['n0', 'n1', 'n10']);
    const note = report.issues.find((i) => i.kind === 'label-names')!;
    expect(note).toMatchObject({ severity: 'info', count: 0 });
    expect(note.message).toBe(
      `${twelve} names 12 labels; 9 of them label no row: "n2" (2), "n3" (3), "n4" (4), ` +
        '"n5" (5), "n6" (6), "n7" (7), "n8" (8), "n9" (9), "n11" (11)',
    );
  });

  it('orders labels named from a file as the file does: output i is label id i', async () => {
    const path = files.write('ids.csv', csv(30));
    const names = files.write(
      'names.txt',
      Array.from({ length: 11 }, (_, i) => `z${10 - i}`).join('\n'),
    );
    const ds = await importDataset(store, { path, labelNamesPath: names }, { tempDir: files.dir });
    // Ids 0, 1 and 10 are named z10, z9 and z0: file order, not alphabetical
    expect(ds.labels).toEqual(['z10', 'z9', 'z0']);
    const train = store.datasets.rows(ds.id, 'train');
    const at = train.texts.indexOf('row 2');
    expect(ds.labels[train.labels[at]]).toBe('z0');
  });

  it('counts no empty label as a class', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `row ${i},${i % 8 === 0 ? '' : i % 2}`);
    const path = files.write('blank.csv', lines('text,label', ...rows));
    const report = await previewDataset({ path, seed: 1 }, { tempDir: files.dir });
    expect(report.labelCounts.map((c) => c.label)).toEqual(['0', '1']);
    expect(report.issues.map((i) => i.kind)).toEqual(['empty-label']);
  });
});

describe('importDataset', () => {
  it('splits, labels, counts and stores a CSV', async () => {
    const path = files.write('reviews.csv', csv(30));

    const ds = await importDataset(store, { path, testRatio: 0.2, seed: 1 });

    expect(ds).toMatchObject({
      name: 'reviews',
      sourcePath: path,
      format: 'csv',
      textColumn: 'text',
      labelColumn: 'label',
      labels: ['0', '1', '10'],
      splits: { train: 24, test: 6 },
      labelCounts: [
        { label: '0', count: 10 },
        { label: '1', count: 10 },
        { label: '10', count: 10 },
      ],
    });
    expect(ds.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(store.datasets.list()).toEqual([ds]);

    const test = store.datasets.rows(ds.id, 'test');
    expect(test.labels.filter((l) => l === 2).length).toBe(2); // stratified: 10 * 0.2
    const train = store.datasets.rows(ds.id, 'train');
    expect(ds.labels[train.labels[0]]).toBe(['1', '0', '10'][Number(train.texts[0].slice(4)) % 3]);
  });

  it('gives the same split and hash for the same seed, another split for another', async () => {
    const path = files.write('d.csv', csv(40));
    const a = await importDataset(store, { path, seed: 5 });
    const b = await importDataset(store, { path, seed: 5 });
    const c = await importDataset(store, { path, seed: 6 });

    expect(b.contentHash).toBe(a.contentHash);
    expect(store.datasets.rows(b.id, 'test')).toEqual(store.datasets.rows(a.id, 'test'));
    expect(c.contentHash).not.toBe(a.contentHash);
  });

  it('hashes the normalised rows: CRLF and trailing spaces do not change it', async () => {
    const lf = files.write('lf.csv', lines('text,label', 'good,1', 'bad,0', 'fine,1', 'meh,0'));
    const crlf = files.write('cr.csv', 'text,label\r\ngood ,1\r\nbad,0\r\nfine,1\r\n meh,0\r\n');
    const testFile = files.write('t.csv', lines('text,label', 'ok,1', 'no,0'));

    const a = await importDataset(store, { path: lf, testPath: testFile });
    const b = await importDataset(store, { path: crlf, testPath: testFile });
    expect(b.contentHash).toBe(a.contentHash);
    expect(a.contentHash).toBe(
      contentHash(
        {
          train: { texts: ['good', 'bad', 'fine', 'meh'], labels: [1, 0, 1, 0] },
          test: { texts: ['ok', 'no'], labels: [1, 0] },
        },
        ['0', '1'],
      ),
    );
  });

  it('uses test and validation files as given, with the training columns', async () => {
    const train = files.write('train.tsv', lines('sentence\tlabel', 'a\t1', 'b\t0', 'c\t1'));
    const test = files.write('test.tsv', lines('sentence\tlabel', 'd\t0', 'e\t1'));
    const dev = files.write('dev.tsv', lines('sentence\tlabel', 'f\t1'));

    const ds = await importDataset(store, { path: train, testPath: test, validationPath: dev });

    expect(ds.name).toBe(defaultDatasetName(train));
    expect(ds.splits).toEqual({ train: 3, validation: 1, test: 2 });
    expect(store.datasets.rows(ds.id, 'test')).toEqual({ texts: ['d', 'e'], labels: [0, 1] });
    expect(store.datasets.rows(ds.id, 'validation')).toEqual({ texts: ['f'], labels: [1] });
  });

  it('keeps the first N training rows with limit, before splitting', async () => {
    const path = files.write('d.csv', csv(30));
    const ds = await importDataset(store, { path, limit: 10, testRatio: 0.3 });
    expect(ds.splits).toEqual({ train: 7, test: 3 });
  });

  it('names the folder when the file name is generic', () => {
    expect(defaultDatasetName('/data/sst2/train.tsv')).toBe('sst2');
    expect(defaultDatasetName('/data/trec/TREC.train')).toBe('TREC');
  });
});

describe('importDataset refuses, storing nothing', () => {
  it('an invalid request, naming the field', async () => {
    await expect(importDataset(store, { path: 'x.csv', testRatio: 1.5 })).rejects.toThrow(
      /invalid dataset import request: testRatio/,
    );
  });

  it('a missing file, naming it', async () => {
    const path = `${files.dir}/missing.csv`;
    await expect(importDataset(store, { path })).rejects.toThrow(`file not found: ${path}`);
    expectNothingStored();
  });

  it('a missing test file, after a good training file', async () => {
    const path = files.write('d.csv', csv(9));
    const testPath = `${files.dir}/missing-test.csv`;
    await expect(importDataset(store, { path, testPath })).rejects.toThrow(/missing-test\.csv/);
    expectNothingStored();
  });

  it('a label column with a single class, naming the class', async () => {
    const path = files.write('one.csv', lines('text,label', 'a,pos', 'b,pos', 'c,pos'));
    await expect(importDataset(store, { path })).rejects.toThrow(
      /one\.csv: label column "label" has a single class, "pos", in all 3 rows/,
    );
    expectNothingStored();
  });

  it('a test file with labels the training file lacks, naming them and their lines', async () => {
    const path = files.write('d.csv', csv(9));
    const testPath = files.write('t.csv', lines('text,label', 'x,1', 'y,7', 'z,7', 'w,neg'));
    await expect(importDataset(store, { path, testPath })).rejects.toThrow(
      't.csv: the test file has labels the training file lacks: "7" (line 3, 4), ' +
        '"neg" (line 5); training labels: "0", "1", "10"',
    );
    expectNothingStored();
  });

  it('a validation file whose text column is missing, listing the columns it has', async () => {
    const path = files.write('d.csv', csv(9));
    const validationPath = files.write('v.csv', lines('body,label', 'x,1', 'y,0'));
    await expect(importDataset(store, { path, validationPath })).rejects.toThrow(
      /v\.csv has no text column "text"; available columns: "body", "label"/,
    );
    expectNothingStored();
  });

  it('too few rows for a test split', async () => {
    const path = files.write('tiny.csv', lines('text,label', 'a,1', 'b,0'));
    await expect(importDataset(store, { path })).rejects.toThrow(/2 rows are too few/);
    expectNothingStored();
  });
});

describe('importDataset refuses options that contradict each other', () => {
  const refusals: [Partial<DatasetImportRequest>, RegExp][] = [
    [
      { ratios: { train: 0.8, validation: 0, test: 0.2 }, testRatio: 0.3 },
      /`ratios` with `testRatio`/,
    ],
    [
      { testPath: 'T', ratios: { train: 0.8, validation: 0, test: 0.2 } },
      /`testPath` with `ratios`/,
    ],
    [{ testPath: 'T', testRatio: 0.3 }, /`testPath` with `testRatio`/],
    [{ testPath: 'T', seed: 3 }, /`testPath` with `seed`: the test file is the test split/],
    [{ splitColumn: 'part', testPath: 'T' }, /`splitColumn` with `testPath`/],
    [{ splitColumn: 'part', validationPath: 'T' }, /`splitColumn` with `validationPath`/],
    [{ splitColumn: 'part', seed: 3 }, /`splitColumn` with `seed`/],
    [
      { validationPath: 'T', ratios: { train: 0.7, validation: 0.1, test: 0.2 } },
      /`ratios` with `validationPath`/,
    ],
    [
      { format: 'jsonl', delimiter: ';' },
      /`format` with `delimiter`: jsonl files have no delimiter/,
    ],
    [{ format: 'parquet', quoting: 'none' }, /`format` with `quoting`/],
  ];

  it.each(refusals)('%o', async (options, message) => {
    const path = files.write('d.csv', csv(30));
    const testPath = files.write('t.csv', csv(6));
    const request = { path, ...options } as DatasetImportRequest;
    for (const key of ['testPath', 'validationPath'] as const) {
      if (request[key] === 'T') request[key] = testPath;
    }
    await expect(importDataset(store, request)).rejects.toThrow(message);
    await expect(previewDataset(request)).rejects.toThrow(/^conflicting options: /);
    expectNothingStored();
  });

  it('names every conflict at once', async () => {
    const path = files.write('d.csv', csv(30));
    await expect(
      importDataset(store, { path, splitColumn: 'p', seed: 1, testRatio: 0.1 }),
    ).rejects.toThrow(/`splitColumn` with `testRatio`: .*; `splitColumn` with `seed`: /);
  });

  it('names the split column in its errors, apart from the text and label columns', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `row ${i},${i % 2},train`);
    const path = files.write('parts.csv', lines('text,label,part', ...rows));
    const preview = (splitColumn: string) => previewDataset({ path, splitColumn });
    await expect(preview('nope')).rejects.toThrow(`${path} has no split column "nope"`);
    await expect(preview('label')).rejects.toThrow(`${path}: split and label are both column`);
    await expect(preview('text')).rejects.toThrow(`${path}: split and text are both column`);
  });

  it('takes a validation file beside a random split with no validation share', async () => {
    const path = files.write('d.csv', csv(30));
    const validationPath = files.write('v.csv', csv(3));
    const ratios = { train: 0.8, validation: 0, test: 0.2 };
    const ds = await importDataset(store, { path, validationPath, ratios, seed: 2 });
    expect(ds.splits).toEqual({ train: 24, validation: 3, test: 6 });
  });
});

describe('the report', () => {
  it('counts a whitespace-only text once, as empty, not as a duplicate or overlap', async () => {
    const rows = ['text,label', '"   ",1', '" ",0', '"\t",0', 'same,1', 'same,0'];
    const path = files.write('blank.csv', lines(...rows, ...csv(30).split('\n').slice(1, -1)));
    const report = await previewDataset({ path });
    const kinds = Object.fromEntries(report.issues.map((i) => [i.kind, i.count]));
    expect(kinds['empty-text']).toBe(3);
    expect(kinds['conflicting-duplicate']).toBe(2);
    expect(kinds['test-overlap']).toBeUndefined();
    const conflict = report.issues.find((i) => i.kind === 'conflicting-duplicate')!;
    expect(conflict.message).toMatch(/^1 text occurs with different labels \(2 rows\)/);
  });

  it('suggests a multi-label separator when labels look like lists of labels', async () => {
    const labels = ['3', '14', '27', '3,14', '14,27', '3,27', '3,14,27'];
    const rows = Array.from({ length: 70 }, (_, i) => `text ${i},"${labels[i % labels.length]}"`);
    const path = files.write('emotions.csv', lines('text,label', ...rows));

    const report = await previewDataset({ path });
    const hint = report.issues.find((i) => i.kind === 'multi-label');
    expect(hint).toMatchObject({ severity: 'warning' });
    expect(hint!.message).toMatch(/^4 of 7 labels \(40 rows\) contain ",", like "3,14", /);
    expect(hint!.message).toMatch(/\(multiLabel: ",", CLI: --multi-label ,\)$/);

    const multi = await previewDataset({ path, multiLabel: ',' });
    expect(multi.issues.map((i) => i.kind)).not.toContain('multi-label');
  });

  it('gives no multi-label hint for labels that merely hold a separator', async () => {
    const names = ['a, b', 'c, d', 'e, f', 'g'];
    const rows = Array.from({ length: 40 }, (_, i) => `text ${i},"${names[i % 4]}"`);
    const path = files.write('names.csv', lines('text,label', ...rows));
    const report = await previewDataset({ path });
    expect(report.issues.map((i) => i.kind)).not.toContain('multi-label');
  });
});

describe('import progress', () => {
  it('measures laying the rows out and storing them, dropped rows included', async () => {
    const rows = csv(300).split('\n').slice(1, -1);
    const path = files.write('d.csv', lines('text,label', ...rows, ...rows.slice(0, 20)));
    const events: DatasetImportProgress[] = [];
    const ds = await importDataset(
      store,
      { path, drop: ['duplicate'] },
      { onProgress: (p) => events.push(p) },
    );
    expect(ds.dropped).toBe(20);

    const last = (phase: string): DatasetImportProgress =>
      events.filter((e) => e.phase === phase).pop()!;
    expect(last('validating')).toMatchObject({ done: 0, total: 1 });
    expect(last('splitting')).toMatchObject({ done: 300, total: 300 });
    const writing = events.filter((e) => e.phase === 'writing');
    expect(writing[0]).toMatchObject({ done: 0, total: 320 });
    expect(writing.pop()).toMatchObject({ done: 320, total: 320 });
    expect(events.pop()).toMatchObject({ phase: 'done' });
  });
});
