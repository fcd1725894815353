/** datasets.peek: the head of a file, as the import would read it, and never more than the head. */
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { DatasetSampleRequest, type DatasetPeek } from '../../shared/contract';
import { previewDataset } from './import';
import { HEAD_BYTES, peekDataset } from './peek';
import { gbkEncode } from './test-encodings';
import { lines, filesForEachTest } from './test-files';

const files = filesForEachTest();

function peek(request: Record<string, unknown>): Promise<DatasetPeek> {
  return peekDataset(DatasetSampleRequest.parse(request));
}

/** `n` CSV rows `review number i,pos|neg`, under a `text,label` header. */
function reviews(n: number): string[] {
  const rows = Array.from({ length: n }, (_, i) => `review number ${i},${i % 3 ? 'pos' : 'neg'}`);
  return ['text,label', ...rows];
}

describe('peekDataset', () => {
  it('shows a CSV as read: format, encoding, delimiter, header, columns, first rows', async () => {
    const path = files.write('reviews.csv', lines(...reviews(30)));
    const result = await peek({ path, rows: 3 });
    expect(result).toMatchObject({
      format: 'csv',
      encoding: 'utf-8',
      delimiter: ',',
      quoting: 'rfc4180',
      hasHeader: true,
      columns: ['text', 'label'],
      textColumn: 'text',
      labelColumn: 'label',
      problem: null,
      whole: true,
      sampleRows: 30,
      labelTransform: 'none',
      labels: [
        { label: 'neg', count: 10 },
        { label: 'pos', count: 20 },
      ],
      malformed: [],
    });
    expect(result.records).toEqual([
      { line: 2, fields: ['review number 0', 'neg'] },
      { line: 3, fields: ['review number 1', 'pos'] },
      { line: 4, fields: ['review number 2', 'pos'] },
    ]);
  });

  it('reads only the head: a file whose tail is garbage peeks as its head reads', async () => {
    const head = lines(...reviews(60_000));
    expect(head.length).toBeGreaterThan(HEAD_BYTES);
    // Not UTF-8, not CSV of two columns, and not text at all: an import of the whole refuses it
    const garbage = Buffer.alloc(2 * HEAD_BYTES);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) % 251;
    const path = files.write('big.csv', Buffer.concat([Buffer.from(head), garbage]));

    const result = await peek({ path });
    expect(result).toMatchObject({
      format: 'csv',
      encoding: 'utf-8',
      whole: false,
      problem: null,
      malformed: [],
      textColumn: 'text',
      labelColumn: 'label',
    });
    expect(result.records).toHaveLength(20);
    expect(result.sampleRows).toBeGreaterThan(20_000);
    expect(result.sampleRows).toBeLessThan(60_000);
    expect(result.labels.map((l) => l.label)).toEqual(['neg', 'pos']);
    await expect(previewDataset({ path })).rejects.toThrow(/big\.csv/);
  });

  it('stays quick on a 200 MB file', async () => {
    const path = files.write('huge.csv', lines(...reviews(1000)));
    truncateSync(path, 200 * 2 ** 20); // the rest is a sparse run of NUL bytes
    const started = performance.now();
    const result = await peek({ path });
    expect(result).toMatchObject({ size: 200 * 2 ** 20, whole: false, sampleRows: 1000 });
    expect(result.headBytes).toBe(2 ** 20);
    // Reading 200 MB would take seconds; the head takes milliseconds even on a busy machine
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('does not take a character cut at the end of the head for another encoding', async () => {
    // One line longer than the head, of two-byte characters: the head ends mid-character
    const path = files.write('long.tsv', `text\tlabel\n${'é'.repeat(HEAD_BYTES)}\ta\n`);
    const result = await peek({ path });
    expect(result).toMatchObject({ encoding: 'utf-8', columns: ['text', 'label'], whole: false });
    expect(result.notes.join('; ')).not.toMatch(/not UTF-8/);
    // The cut record is left out rather than shown short
    expect(result.records).toEqual([]);
  });

  it('shows the encoding it detected, and the one the user chose', async () => {
    const latin = files.write(
      'latin.csv',
      Buffer.from('text,label\ncaf\xe9 ok,a\ntea,b\n', 'latin1'),
    );
    expect(await peek({ path: latin })).toMatchObject({
      encoding: 'windows-1252',
      notes: expect.arrayContaining(['detected Windows-1252: not UTF-8 from line 2']),
      records: [{ fields: ['café ok', 'a'] }, { fields: ['tea', 'b'] }],
    });

    const bom = Buffer.from('\ufefftext,label\nhello,a\n', 'utf16le');
    const utf16 = files.write(
      'wide.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), bom.subarray(2)]),
    );
    expect(await peek({ path: utf16 })).toMatchObject({
      encoding: 'utf-16le',
      columns: ['text', 'label'],
    });

    const chosen = await peek({ path: latin, encoding: 'utf-16le' }).catch((e: Error) => e);
    expect(chosen).toBeInstanceOf(Error);
    expect(String(chosen)).toMatch(/latin\.csv looks binary.*read as utf-16le/);

    const gbk = files.write(
      'zh.tsv',
      gbkEncode(lines('text\tlabel', '这部电影很好看\t正面', '太无聊了\t负面')),
    );
    expect(await peek({ path: gbk })).toMatchObject({ encoding: 'gbk', labelColumn: 'label' });
    expect(await peek({ path: gbk, encoding: 'windows-1252' })).toMatchObject({
      encoding: 'windows-1252',
      notes: expect.arrayContaining(['encoding chosen by the user']),
    });
  });

  it('decides a big UTF-16 file on its head, cutting at a line break', async () => {
    const text = lines(...reviews(60_000));
    const path = files.write(
      'wide.tsv',
      Buffer.from('\ufeff' + text.replaceAll(',', '\t'), 'utf16le'),
    );
    const result = await peek({ path });
    expect(result).toMatchObject({
      encoding: 'utf-16le',
      format: 'tsv',
      whole: false,
      malformed: [],
    });
    expect(result.records[0].fields).toEqual(['review number 0', 'neg']);
  });

  it('takes the delimiter, quoting and header the user overrides', async () => {
    const path = files.write('d.txt', lines('text;label', '"a;b";x', 'c;y', 'd;x', 'e;y'));
    expect(await peek({ path })).toMatchObject({
      format: 'csv',
      delimiter: ';',
      quoting: 'rfc4180',
      hasHeader: true,
      records: [{ line: 2, fields: ['a;b', 'x'] }, ...Array(3).fill(expect.anything())],
    });
    const plain = await peek({
      path,
      format: 'csv',
      delimiter: ';',
      quoting: 'none',
      header: false,
    });
    expect(plain).toMatchObject({
      delimiter: ';',
      quoting: 'none',
      hasHeader: false,
      columns: ['column1', 'column2'],
      malformed: [{ line: 2, reason: expect.stringMatching(/3 fields/) }],
    });
    expect(plain.records[0].fields).toEqual(['text', 'label']);
  });

  it('lists a malformed row by line and still shows the rest', async () => {
    const path = files.write(
      'd.csv',
      lines(...reviews(20).slice(0, 5), 'one,two,three', ...reviews(20).slice(5)),
    );
    const result = await peek({ path });
    expect(result.malformed).toEqual([{ line: 6, reason: expect.stringMatching(/3 fields/) }]);
    expect(result.sampleRows).toBe(20);
  });

  it('names the column it cannot guess, and keeps the rows', async () => {
    const path = files.write('d.csv', lines('a,b,c', 'x,1,y', 'z,2,w'));
    const result = await peek({ path, textColumn: 'a' });
    expect(result.problem).toMatch(
      /d\.csv: cannot tell which column holds the label.*"a", "b", "c"/,
    );
    expect(result).toMatchObject({ textColumn: 'a', labelColumn: null, labels: [] });
    expect(result.records).toHaveLength(2);

    const named = await peek({ path, textColumn: 'a', labelColumn: 'b' });
    expect(named.labels).toEqual([
      { label: '1', count: 1 },
      { label: '2', count: 1 },
    ]);
    const split = await peek({ path, textColumn: 'a', labelColumn: 'b', splitColumn: 'split' });
    expect(split.problem).toMatch(/no split column "split"; available columns: "a", "b", "c"/);
  });

  it('reads a split column as the import does, listing a row with a bad split value', async () => {
    const path = files.write(
      'd.csv',
      lines('text,label,part', 'a,x,train', 'b,y,dev', 'c,x,later'),
    );
    const result = await peek({ path, splitColumn: 'part' });
    expect(result.problem).toBeNull();
    expect(result.malformed).toEqual([
      { line: 4, reason: expect.stringMatching(/split value "later"/) },
    ]);
    expect(result.labels).toEqual([
      { label: 'x', count: 1 },
      { label: 'y', count: 1 },
    ]);
  });

  it('takes labels from 0/1 columns, one per label', async () => {
    const path = files.write(
      'wide.csv',
      lines('text,joy,anger', 'great,1,0', 'awful,0,1', 'odd,1,1'),
    );
    const result = await peek({ path, labelColumns: ['joy..anger'] });
    expect(result).toMatchObject({ textColumn: 'text', labelColumn: 'joy,anger', problem: null });
    expect(result.labels).toEqual([
      { label: 'anger', count: 2 },
      { label: 'joy', count: 2 },
    ]);
  });

  it('applies the label transform: TREC-like labels give coarse or fine classes', async () => {
    const trec = lines(
      'DESC:manner How did serfdom develop in and then leave Russia ?',
      'ENTY:cremat What films featured the character Popeye Doyle ?',
      'DESC:def What is an atom ?',
      'HUM:ind Who killed Gandhi ?',
      'DESC:def What is a fjord ?',
      'HUM:gr What team won the cup ?',
    );
    const path = files.write('trec.txt', trec);
    const coarse = await peek({ path });
    expect(coarse).toMatchObject({ format: 'label-text', labelTransform: 'coarse' });
    expect(coarse.labels).toEqual([
      { label: 'DESC', count: 3 },
      { label: 'ENTY', count: 1 },
      { label: 'HUM', count: 2 },
    ]);
    const fine = await peek({ path, labelTransform: 'fine' });
    expect(fine.labels.map((l) => l.label)).toEqual([
      'DESC:def',
      'DESC:manner',
      'ENTY:cremat',
      'HUM:gr',
      'HUM:ind',
    ]);
    const bad = await peek({ path, labelTransform: 'upper' });
    expect(bad.problem).toMatch(/unknown label transform "upper"; accepted: none, coarse/);
  });

  it('counts each label of a multi-label row', async () => {
    const path = files.write('m.csv', lines('text,tags', 'one,"a,b"', 'two,b', 'three,"b, c"'));
    const result = await peek({ path, labelColumn: 'tags', multiLabel: ',' });
    expect(result.labels).toEqual([
      { label: 'a', count: 1 },
      { label: 'b', count: 3 },
      { label: 'c', count: 1 },
    ]);
  });

  it('previews JSON arrays, Parquet and class folders', async () => {
    const json = files.write(
      'd.json',
      JSON.stringify([
        { sentence: 'hi', y: 1 },
        { sentence: 'yo', y: 0 },
      ]),
    );
    expect(await peek({ path: json })).toMatchObject({
      format: 'json',
      columns: ['sentence', 'y'],
      textColumn: 'sentence',
      labelColumn: 'y',
    });

    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'text', data: ['a', 'b', 'c'], type: 'STRING' },
        { name: 'label', data: [0n, 1n, 1n], type: 'INT64' },
      ],
    });
    const parquet = files.write('d.parquet', new Uint8Array(buffer));
    expect(await peek({ path: parquet, rows: 2 })).toMatchObject({
      format: 'parquet',
      records: [
        { line: 1, fields: ['a', '0'] },
        { line: 2, fields: ['b', '1'] },
      ],
      labels: [
        { label: '0', count: 1 },
        { label: '1', count: 2 },
      ],
    });

    for (const [cls, n] of [
      ['neg', 3],
      ['pos', 5],
    ] as const) {
      mkdirSync(join(files.dir, 'corpus', cls), { recursive: true });
      for (let i = 0; i < n; i++)
        writeFileSync(join(files.dir, 'corpus', cls, `${i}.txt`), `${cls} ${i}`);
    }
    const folder = await peek({ path: join(files.dir, 'corpus'), rows: 4 });
    expect(folder).toMatchObject({ format: 'folder', sampleRows: 8 });
    expect(folder.records.map((r) => r.fields)).toEqual([
      ['neg 0', 'neg'],
      ['pos 0', 'pos'],
      ['neg 1', 'neg'],
      ['pos 1', 'pos'],
    ]);
    expect(folder.labels).toEqual([
      { label: 'neg', count: 3 },
      { label: 'pos', count: 5 },
    ]);

    // An empty file is an empty text for the check; a folder named like a text file is skipped
    writeFileSync(join(files.dir, 'corpus', 'neg', '00.txt'), '');
    mkdirSync(join(files.dir, 'corpus', 'neg', '01.txt'));
    const odd = await peek({ path: join(files.dir, 'corpus'), rows: 10 });
    // In turns by class, files in name order: neg's 0.txt, 00.txt, 1.txt...
    expect(odd.records.map((r) => r.fields[0])).toEqual([
      'neg 0',
      'pos 0',
      '',
      'pos 1',
      'neg 1',
      'pos 2',
      'neg 2',
      'pos 3',
      'pos 4',
    ]);
    expect(odd.labels).toEqual([
      { label: 'neg', count: 4 },
      { label: 'pos', count: 5 },
    ]);
  });

  describe('with a label names file', () => {
    /** GoEmotions' layout: text, comma-separated ids, comment id; no header. */
    function emotions(): string {
      return files.write(
        'emotions.tsv',
        lines('so happy\t1\tc1', 'meh\t2\tc2', 'wow, great\t0,1\tc3', 'fine\t1\tc4'),
      );
    }
    const request = (path: string, labelNamesPath: string): Record<string, unknown> => ({
      path,
      labelNamesPath,
      multiLabel: ',',
      textColumn: 'column1',
      labelColumn: 'column2',
    });

    it('names the labels as the import does, each with its id', async () => {
      const names = files.write('labels.txt', 'admiration\namusement\nneutral');
      const result = await peek(request(emotions(), names));
      expect(result.labelNamesProblem).toBeNull();
      expect(result.labels).toEqual([
        { label: 'admiration', count: 1, ids: ['0'] },
        { label: 'amusement', count: 3, ids: ['1'] },
        { label: 'neutral', count: 1, ids: ['2'] },
      ]);
      // Without the file, the ids as read
      const raw = await peek({ ...request(emotions(), names), labelNamesPath: undefined });
      expect(raw.labels.map((l) => l.label)).toEqual(['0', '1', '2']);
    });

    it('refuses one name for two ids, as the import does, showing the ids as read', async () => {
      // Merging ids 0 and 1 silently would break "output i is label id i"; renames merge
      const names = files.write('labels.txt', 'joy\njoy\nneutral\n');
      const result = await peek(request(emotions(), names));
      expect(result.labelNamesProblem).toBe(
        `${names}: "joy" is on lines 1 and 2; each label id needs its own name (label i is ` +
          'named on line i + 1); to merge labels, give each its own name here and rename them ' +
          'to one with labelRename',
      );
      expect(result.labels.map((l) => l.label)).toEqual(['0', '1', '2']);
    });

    it('takes a UTF-8 BOM for no part of the first name', async () => {
      const names = files.write('labels.txt', '\ufeffadmiration\r\namusement\r\nneutral\r\n');
      const result = await peek(request(emotions(), names));
      expect(result.labels.map((l) => l.label)).toEqual(['admiration', 'amusement', 'neutral']);
    });

    it('says why a names file cannot name the labels, and shows them as read', async () => {
      const path = emotions();
      const problem = async (name: string, content: string | Uint8Array): Promise<string> => {
        const names = files.write(name, content);
        const result = await peek(request(path, names));
        expect(result.labels.map((l) => l.label)).toEqual(['0', '1', '2']);
        return (result.labelNamesProblem ?? '').replace(names, '<path>');
      };
      expect(await problem('two.txt', 'admiration\namusement\n')).toBe(
        '<path> has 2 names, too few: label 2 needs line 3 (label i is named on line i + 1)',
      );
      expect(await problem('gap.txt', 'a\n\nc\n')).toBe(
        '<path>: line 2 is blank; expected one label name a line, without blank lines ' +
          '(label i is named on line i + 1)',
      );
      // 生气 in GBK: its names would come out as replacement characters
      expect(await problem('gbk.txt', new Uint8Array([0xc9, 0xfa, 0xc6, 0xf8, 0x0a]))).toBe(
        '<path> is not UTF-8; label names must be UTF-8',
      );

      // Read without the separator, "0,1" is no id: the message says what it looks like
      const names = files.write('l.txt', 'a\nb\nc');
      const unsplit = await peek({ ...request(path, names), multiLabel: undefined });
      expect(unsplit.labelNamesProblem).toBe(
        `label "0,1" is not an id (a whole number from 0), so no line of ${names} names it; ` +
          'if it is several labels, read them as multi-label, separated by ","',
      );
      expect(unsplit.labels.map((l) => l.label)).toEqual(['0,1', '1', '2']);
    });

    it('names class folders by their ids, counting every file', async () => {
      for (const [cls, n] of [
        ['0', 2],
        ['1', 3],
      ] as const) {
        mkdirSync(join(files.dir, 'corpus', cls), { recursive: true });
        for (let i = 0; i < n; i++) writeFileSync(join(files.dir, 'corpus', cls, `${i}.txt`), 'x');
      }
      const names = files.write('labels.txt', 'negative\npositive\n');
      const result = await peek({ path: join(files.dir, 'corpus'), labelNamesPath: names });
      expect(result.labels).toEqual([
        { label: 'negative', count: 2, ids: ['0'] },
        { label: 'positive', count: 3, ids: ['1'] },
      ]);
    });

    it('says there is no such file, without failing the preview', async () => {
      const missing = join(files.dir, 'no-such-labels.txt');
      const result = await peek(request(emotions(), missing));
      expect(result.labelNamesProblem).toBe(`no label names file at ${missing}`);
      expect(result.labels.map((l) => l.label)).toEqual(['0', '1', '2']);
      expect(result.records).toHaveLength(4);
    });
  });

  it('names a missing or empty file', async () => {
    await expect(peek({ path: join(files.dir, 'nope.csv') })).rejects.toThrow(
      /not found: .*nope\.csv/,
    );
    const empty = files.write('empty.csv', '');
    await expect(peek({ path: empty })).rejects.toThrow(/empty\.csv is empty/);
  });
});
