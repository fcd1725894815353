/** The formats beyond CSV/TSV, split columns, ratios, drop decisions and the report. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { importDataset, previewDataset } from './import';
import { loadDatasetFile, parseDatasetFile } from './parse';
import { lines, storeForEachTest } from './test-files';

const { files, store } = storeForEachTest();

const texts = (n: number): string[] => Array.from({ length: n }, (_, i) => `text number ${i}`);
const label = (i: number): string => (i % 2 === 0 ? 'pos' : 'neg');

describe('formats', () => {
  it('reads JSON Lines, setting aside a broken line for the user to drop', async () => {
    const body = texts(20).map((t, i) => JSON.stringify({ text: t, label: label(i), n: i }));
    body.splice(3, 0, '{"text": "cut off');
    const path = files.write('d.jsonl', lines(...body));
    await expect(importDataset(store, { path })).rejects.toThrow(/d\.jsonl line 4/);

    const ds = await importDataset(store, { path, drop: ['malformed'] });
    expect(ds).toMatchObject({ format: 'jsonl', splits: { train: 16, test: 4 }, dropped: 1 });
    expect(store.datasets.report(ds.id)?.dropped[0]).toMatchObject({
      reason: 'malformed',
      line: 4,
      text: '{"text": "cut off',
    });
  });

  it('reads a JSON array of records, and a list-valued label as multi-label', async () => {
    const records = texts(12).map((t, i) => ({ sentence: t, tags: i % 3 ? ['a', 'b'] : ['c'] }));
    const path = files.write('d.json', JSON.stringify({ data: records }));
    const ds = await importDataset(store, { path, labelColumn: 'tags', multiLabel: ',' });
    expect(ds).toMatchObject({ format: 'json', multiLabel: true, labels: ['a', 'b', 'c'] });
    const rows = store.datasets.rows(ds.id, 'train');
    expect(rows.labelSets?.some((s) => s.length === 2)).toBe(true);
  });

  it('names the line and column of a JSON syntax error', async () => {
    const path = files.write('bad.json', '[\n {"text": "a", "label": 1},\n {"text" "b"}\n]');
    await expect(importDataset(store, { path })).rejects.toThrow(
      /bad\.json: not valid JSON at line 3/,
    );
  });

  it('reads Parquet', async () => {
    const t = texts(10);
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'text', data: t, type: 'STRING' },
        { name: 'label', data: t.map((_, i) => BigInt(i % 2)), type: 'INT64' },
      ],
    });
    const path = files.write('d.parquet', new Uint8Array(buffer));
    const ds = await importDataset(store, { path });
    expect(ds).toMatchObject({
      format: 'parquet',
      labels: ['0', '1'],
      splits: { train: 8, test: 2 },
    });
  });

  it('reads a folder with one sub-folder of .txt files per class', async () => {
    for (const cls of ['neg', 'pos']) {
      mkdirSync(join(files.dir, 'corpus', cls), { recursive: true });
      for (let i = 0; i < 5; i++) {
        writeFileSync(
          join(files.dir, 'corpus', cls, `${i}.txt`),
          `${cls} review ${i}\nsecond line`,
        );
      }
    }
    writeFileSync(join(files.dir, 'corpus', 'README'), 'not an example');
    const ds = await importDataset(store, { path: join(files.dir, 'corpus') });
    expect(ds).toMatchObject({
      format: 'folder',
      labels: ['neg', 'pos'],
      splits: { train: 8, test: 2 },
    });
    expect(store.datasets.rows(ds.id, 'train').texts[0]).toMatch(/review \d\nsecond line/);
  });

  it("locates a folder's rows by their file in the folder", async () => {
    const corpus = join(files.dir, 'corpus');
    for (const cls of ['0', '1', '7']) {
      mkdirSync(join(corpus, cls), { recursive: true });
      for (let i = 1; i <= 3; i++) writeFileSync(join(corpus, cls, `000${i}.txt`), `${cls}/${i}`);
    }
    writeFileSync(join(corpus, '1', '0002.txt'), '');
    const names = { labelNames: ['neg', 'pos'] };
    const parsed = await loadDatasetFile(corpus, { ...names, lenient: true });
    // A file of each class in turn: 0/0001, 1/0001, (7/0001 malformed), 0/0002, 1/0002, ...
    expect(parsed.rows[1]).toMatchObject({ text: '1/1', label: 'pos', source: '1/0001.txt' });
    expect(parsed.rows[3]).toMatchObject({ text: '', source: '1/0002.txt' });
    expect(parsed.malformed!.map((m) => [m.source, m.reason])).toEqual(
      ['7/0001.txt', '7/0002.txt', '7/0003.txt'].map((f) => [
        f,
        'label "7" is not an id of the 2 label names',
      ]),
    );
    await expect(loadDatasetFile(corpus, names)).rejects.toThrow(
      `${corpus}: empty text (column "text") at 1/0002.txt; 7/0001.txt: label "7" is not an ` +
        'id of the 2 label names (and 2 more)',
    );
  });

  it('sniffs semicolon and pipe delimiters, and takes one given by the user', async () => {
    const rows = texts(10).map((t, i) => `${t};${label(i)}`);
    const semi = files.write('d.csv', lines('text;label', ...rows));
    expect((await previewDataset({ path: semi })).files[0].notes).toContain('semicolon-separated');
    const pipe = files.write('d.txt', lines('text|label', ...rows.map((r) => r.replace(';', '|'))));
    expect((await previewDataset({ path: pipe, delimiter: '|', format: 'csv' })).rowsRead).toBe(10);
  });

  it('refuses a delimiter that is not one character, naming what is accepted', async () => {
    const path = files.write('d.csv', lines('text;label', ...texts(10).map((t) => `${t};x`)));
    const accepted =
      'accepted: one character other than a quote or a line break, or \\t / tab for a tab';
    for (const delimiter of [';;', '"', '\n', '']) {
      const refusal = `delimiter: ${JSON.stringify(delimiter)} is not a delimiter; ${accepted}`;
      await expect(previewDataset({ path, delimiter })).rejects.toThrow(refusal);
      expect(() => parseDatasetFile(path, { delimiter })).toThrow(refusal);
    }
    const tsv = files.write(
      'd.txt',
      lines('text\tlabel', ...texts(10).map((t, i) => `${t}\t${label(i)}`)),
    );
    for (const delimiter of ['tab', '\\t', '\t']) {
      const report = await previewDataset({ path: tsv, delimiter, format: 'csv' });
      expect(report.files[0].notes, delimiter).toContain('tab-separated');
      expect(parseDatasetFile(tsv, { delimiter, format: 'csv' }).rows[0].text).toBe(texts(1)[0]);
    }
  });
});

describe('splits', () => {
  it("takes each row's split from a split column, refusing unknown values by line", async () => {
    const split = (i: number): string => (i < 6 ? 'train' : i < 8 ? 'dev' : 'test');
    const rows = texts(10).map((t, i) => `${t},${label(i)},${split(i)}`);
    const path = files.write('s.csv', lines('text,label,part', ...rows));
    const ds = await importDataset(store, { path, splitColumn: 'part' });
    expect(ds.splits).toEqual({ train: 6, validation: 2, test: 2 });

    const bad = files.write('b.csv', lines('text,label,part', ...rows, 'x,pos,holdout'));
    await expect(importDataset(store, { path: bad, splitColumn: 'part' })).rejects.toThrow(
      /b\.csv line 12.*split value "holdout"; accepted: train, training, dev/,
    );
  });

  it('splits by ratios into train, validation and test', async () => {
    const rows = texts(100).map((t, i) => `${t},${label(i)}`);
    const path = files.write('r.csv', lines('text,label', ...rows));
    const ratios = { train: 0.7, validation: 0.1, test: 0.2 };
    const ds = await importDataset(store, { path, ratios, seed: 4 });
    expect(ds.splits).toEqual({ train: 70, validation: 10, test: 20 });
    await expect(importDataset(store, { path, ratios: { ...ratios, test: 0.5 } })).rejects.toThrow(
      /ratios must sum to 1/,
    );
  });
});

describe('the validation report', () => {
  it('flags duplicates, conflicts, overlap, tiny classes; drops only what it is told', async () => {
    const train = files.write(
      'train.csv',
      lines('text,label', 'a,pos', 'a,pos', 'b,pos', 'b,neg', 'c,neg', 'd,neg', 'e,pos', 'x,odd'),
    );
    const test = files.write('test.csv', lines('text,label', 'c,neg', 'f,pos'));
    const report = await previewDataset({ path: train, testPath: test });
    const kinds = Object.fromEntries(report.issues.map((i) => [i.kind, i.count]));
    expect(kinds).toMatchObject({ duplicate: 1, 'conflicting-duplicate': 2, 'test-overlap': 1 });
    expect(report.issues.find((i) => i.kind === 'tiny-class')?.message).toMatch(/"odd" \(1\)/);
    expect(report.stored).toBe(false);
    expect(store.datasets.list()).toEqual([]);

    const drop = ['duplicate', 'conflicting-duplicate', 'test-overlap'] as const;
    const ds = await importDataset(store, { path: train, testPath: test, drop: [...drop] });
    expect(ds.splits).toEqual({ train: 4, test: 2 }); // a, d, e, x kept
    const kept = store.datasets.report(ds.id);
    expect(kept?.droppedByReason).toEqual({
      duplicate: 1,
      'conflicting-duplicate': 2,
      'test-overlap': 1,
    });
    expect(kept?.dropped.map((d) => d.line).sort()).toEqual([3, 4, 5, 6]);
  });

  it('suggests the delimiter the lines split on when most records do not fit', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `a text, with a comma ${i};${i % 2}`);
    const path = files.write('semi.csv', lines('text;label', ...rows));
    const hint = /40 of 40 records do not fit, .*: the lines split evenly on semicolons; /;
    expect(() => parseDatasetFile(path, { delimiter: ',', lenient: true })).toThrow(hint);
    expect(() => parseDatasetFile(path, { delimiter: ',', lenient: true })).toThrow(
      /set `delimiter` to ";"$/,
    );
  });

  it('says "1 field", not "1 fields", of a row without the delimiter', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `text ${i},${i % 2}`);
    rows[3] = 'no comma here';
    for (const quoting of ['rfc4180', 'none'] as const) {
      const path = files.write('one.csv', lines('text,label', ...rows));
      expect(() => parseDatasetFile(path, { quoting })).toThrow(
        'one.csv line 5: 1 field, but line 1 has 2 (comma-separated)',
      );
    }
  });

  it('says what is wrong with a quote in its own words', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `text ${i},${i % 2}`);
    rows[3] = '"closed" then more,1';
    const path = files.write('quote.csv', lines('text,label', ...rows));
    const report = await previewDataset({ path });
    expect(report.issues.find((i) => i.kind === 'malformed')!.message).toContain(
      'line 5: malformed quoted field (a closing quote is followed by more text',
    );
  });

  it('reports a line of delimiters alone, of any width, as an empty text', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `text ${i},${i % 2}`);
    rows.splice(3, 0, ',,,');
    rows.splice(7, 0, ',');
    rows.splice(9, 0, '');
    const path = files.write('commas.csv', lines('text,label', ...rows));
    const report = await previewDataset({ path });
    const lineOf = (kind: string) => report.issues.find((i) => i.kind === kind)?.rows;
    // Wider than the header or not, it is no sign of a wrong delimiter: a row with no text
    expect(lineOf('malformed')).toBeUndefined();
    expect(lineOf('empty-text')).toEqual([
      { file: path, line: 5 },
      { file: path, line: 9 },
    ]);
    // A blank line is no record at all
    expect(report.rowsRead).toBe(32);
  });

  it("takes a spreadsheet's trailing empty rows for empty texts, not a bad delimiter", async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `text ${i},${i % 2}`);
    const path = files.write(
      'excel.csv',
      lines(',,,', 'text,label', ...rows, ...Array(5).fill(',,,')),
    );
    const report = await previewDataset({ path, drop: ['empty-text'] });
    expect(report.droppedByReason).toEqual({ 'empty-text': 5 });
    expect(report.textColumn).toBe('text');
  });

  it('names the smallest of many tiny classes and counts the rest', async () => {
    // 30 classes of 2 to 6 rows, and one of 40
    const rows = Array.from({ length: 30 }, (_, c) =>
      Array.from({ length: 2 + (c % 5) }, (_, i) => `text ${c}-${i},c${c}`),
    ).flat();
    rows.push(...Array.from({ length: 40 }, (_, i) => `big ${i},big`));
    const path = files.write('many.csv', lines('text,label', ...rows));
    const report = await previewDataset({ path, testRatio: 0.1 });
    const tiny = report.issues.find((i) => i.kind === 'tiny-class')!.message;
    expect(tiny).toMatch(/^classes with fewer than 10 training rows: "c\d+" \(\d\), /);
    expect(tiny).toMatch(/, and 10 more$/);
    expect(tiny.match(/"c\d+"/g)).toHaveLength(20);
  });

  it('lists malformed rows with their lines and refuses until they are dropped', async () => {
    const rows = texts(30).map((t, i) => `${t},${label(i)}`);
    rows[4] = 'broken,row,with,extra';
    const path = files.write('m.csv', lines('text,label', ...rows));
    const report = await previewDataset({ path });
    expect(report.issues[0]).toMatchObject({ kind: 'malformed', severity: 'error', count: 1 });
    expect(report.issues[0].message).toMatch(/m\.csv line 6/);
    await expect(importDataset(store, { path })).rejects.toThrow(/--drop malformed/);
    const ds = await importDataset(store, { path, drop: ['malformed'] });
    expect(ds.dropped).toBe(1);
  });
});
