/**
 * Parquet values that are no text or number are judged as JSON's are (json-fields.test.ts): a
 * struct or list where the text belongs, a list label without multi-label, a boolean or struct
 * label. The files are written with hyparquet-writer, whose explicit schemas make struct
 * (group), LIST and JSON columns; `parquetRecord` is also tested on the values hyparquet gives.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../shared/errors';
import { parquetRecord } from './formats/binary';
import { previewDataset } from './import';
import { loadDatasetFile } from './parse';
import { peekDataset } from './peek';
import { filesForEachTest } from './test-files';

const files = filesForEachTest();

const ROWS = 10;
const TEXTS = Array.from({ length: ROWS }, (_, i) => `text ${i}`);

/** hyparquet-writer's own SchemaElement (it depends on a hyparquet of its own version). */
type Element = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];
const text = (name: string): Element => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: 'OPTIONAL',
});
const STRING_COLUMN = (name: string): Element[] => [text(name)];
/** A struct of one string field `a`. */
const STRUCT_COLUMN = (name: string): Element[] => [
  { name, repetition_type: 'OPTIONAL', num_children: 1 },
  text('a'),
];
/** A 3-level LIST of `element`s of the given leaf type. */
const LIST_COLUMN = (name: string, leaf: Element = text('element')): Element[] => [
  { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { ...leaf, name: 'element' },
];
const BOOLEAN_COLUMN = (name: string): Element[] => [
  { name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
];
const JSON_COLUMN = (name: string): Element[] => [
  { name, type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' },
];

interface Column {
  name: string;
  data: unknown[];
  schema: Element[];
}

function writeParquet(name: string, columns: Column[]): string {
  const buffer = parquetWriteBuffer({
    columnData: columns.map(({ name, data }) => ({ name, data })),
    schema: [{ name: 'root', num_children: columns.length }, ...columns.flatMap((c) => c.schema)],
  });
  return files.write(name, new Uint8Array(buffer));
}

const texts: Column = { name: 'text', data: TEXTS, schema: STRING_COLUMN('text') };
const labels01: Column = {
  name: 'label',
  data: TEXTS.map((_, i) => String(i % 2)),
  schema: STRING_COLUMN('label'),
};

describe('Parquet text columns', () => {
  it('refuses a struct column as the text, naming it and the other columns', async () => {
    const structs = TEXTS.map((t) => ({ a: t }));
    const path = writeParquet('d.parquet', [
      { name: 'text', data: structs, schema: STRUCT_COLUMN('text') },
      labels01,
    ]);
    const message =
      `${path}: text column "text" holds objects or lists, not text, in 10 of 10 records ` +
      '(the first at line 1: {"a":"text 0"}); name the text column with textColumn; other ' +
      'columns: "label"';
    await expect(loadDatasetFile(path)).rejects.toThrow(message);
    await expect(previewDataset({ path })).rejects.toThrow(message);
    const peek = await peekDataset({ path, rows: 5 });
    expect(peek.problem).toContain(message);
  });

  it('refuses a list column as the text', async () => {
    const path = writeParquet('d.parquet', [
      { name: 'text', data: TEXTS.map((t) => t.split(' ')), schema: LIST_COLUMN('text') },
      labels01,
    ]);
    await expect(loadDatasetFile(path)).rejects.toThrow(
      `${path}: text column "text" holds objects or lists, not text, in 10 of 10 records ` +
        '(the first at line 1: ["text","0"])',
    );
  });

  it('sets aside a few rows whose text is an object, by row number', async () => {
    // A JSON column is read as its values: strings mostly, an object and a list among them
    const data: unknown[] = [...TEXTS];
    data[3] = { a: 'b' };
    data[6] = ['x', 'y'];
    const path = writeParquet('d.parquet', [
      { name: 'text', data, schema: JSON_COLUMN('text') },
      labels01,
    ]);
    const parsed = await loadDatasetFile(path, { lenient: true });
    expect(parsed.malformed!.map((m) => [m.line, m.reason])).toEqual([
      [4, 'field "text" holds an object ({"a":"b"}), not text'],
      [7, 'field "text" holds a list (["x","y"]), not text'],
    ]);
    expect(parsed.rows.map((r) => r.text)).toEqual(TEXTS.filter((_, i) => i !== 3 && i !== 6));
  });

  it('keeps a boolean text as its word, as JSON does', async () => {
    const bools = TEXTS.map((_, i) => i % 3 === 0);
    const path = writeParquet('d.parquet', [
      { name: 'text', data: bools, schema: BOOLEAN_COLUMN('text') },
      labels01,
    ]);
    const parsed = await loadDatasetFile(path, { textColumn: 'text', labelColumn: 'label' });
    expect(parsed.rows.slice(0, 2).map((r) => r.text)).toEqual(['true', 'false']);
  });
});

describe('Parquet list labels', () => {
  const lists = TEXTS.map((_, i) => (i % 3 ? ['neg'] : ['neg', 'extra']));

  it('are refused without multi-label, saying what to set', async () => {
    const path = writeParquet('d.parquet', [
      texts,
      { name: 'label', data: lists, schema: LIST_COLUMN('label') },
    ]);
    const message =
      `${path}: label column "label" holds lists in 10 of 10 records (the first at line 1: ` +
      '["neg","extra"]); a list of labels is a multi-label row: set multiLabel (JSON lists are ' +
      'read as lists whatever its separator)';
    await expect(loadDatasetFile(path)).rejects.toThrow(message);
    const error = await previewDataset({ path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraftError);
    expect((error as GraftError).message).toBe(message);
  });

  it('are label sets with multi-label, whatever its separator', async () => {
    const path = writeParquet('d.parquet', [
      texts,
      { name: 'label', data: lists, schema: LIST_COLUMN('label') },
    ]);
    const parsed = await loadDatasetFile(path, { multiLabel: '|' });
    expect(parsed.rows[0]).toMatchObject({ label: 'neg', labels: ['neg', 'extra'], line: 1 });
    expect(parsed.rows[1].labels).toEqual(['neg']);
  });

  it('of 64-bit integers are integer labels', async () => {
    const ids = TEXTS.map((_, i) => [BigInt(i % 4), 9n]);
    const int64: Element = { name: 'element', type: 'INT64', repetition_type: 'OPTIONAL' };
    const path = writeParquet('d.parquet', [
      texts,
      { name: 'label', data: ids, schema: LIST_COLUMN('label', int64) },
    ]);
    const parsed = await loadDatasetFile(path, { multiLabel: ',' });
    expect(parsed.rows[2].labels).toEqual(['2', '9']);
  });

  it('must hold strings or integers', async () => {
    const bools = TEXTS.map((_, i) => [i % 2 === 0]);
    const boolean: Element = { name: 'element', type: 'BOOLEAN', repetition_type: 'OPTIONAL' };
    const path = writeParquet('d.parquet', [
      texts,
      { name: 'label', data: bools, schema: LIST_COLUMN('label', boolean) },
    ]);
    const parsed = await loadDatasetFile(path, { multiLabel: ',', lenient: true });
    expect(parsed.malformed![0].reason).toBe(
      'field "label" holds a list ([true]) with a boolean in it; labels are strings or integers',
    );
  });
});

describe('Parquet labels that are no string or integer', () => {
  it('sets aside boolean labels as malformed rows, as JSON does', async () => {
    const path = writeParquet('d.parquet', [
      texts,
      { name: 'label', data: TEXTS.map((_, i) => i % 2 === 0), schema: BOOLEAN_COLUMN('label') },
    ]);
    const parsed = await loadDatasetFile(path, { lenient: true });
    expect(parsed.rows).toEqual([]);
    expect(parsed.malformed!.slice(0, 2).map((m) => [m.line, m.reason])).toEqual([
      [1, 'field "label" holds a boolean (true); a label is a string or an integer'],
      [2, 'field "label" holds a boolean (false); a label is a string or an integer'],
    ]);
    await expect(loadDatasetFile(path)).rejects.toThrow(
      `${path}: line 1: field "label" holds a boolean (true); a label is a string or an ` +
        'integer (and 9 more)',
    );
  });

  it('sets aside a struct label', async () => {
    const data: unknown[] = TEXTS.map((_, i) => String(i % 2));
    data[5] = { id: 1 };
    const path = writeParquet('d.parquet', [
      texts,
      { name: 'label', data, schema: JSON_COLUMN('label') },
    ]);
    const parsed = await loadDatasetFile(path, { lenient: true });
    expect(parsed.malformed!.map((m) => [m.line, m.reason])).toEqual([
      [6, 'field "label" holds an object ({"id":1}); a label is a string or an integer'],
    ]);
    expect(parsed.rows).toHaveLength(9);
  });
});

describe('parquetRecord', () => {
  it('gives each value its text, and the kind of those no text or number', () => {
    const row = {
      text: 'plain',
      struct: { a: 'x', n: 5n, when: new Date(0) },
      list: ['a', 1n],
      flag: false,
      big: 12345678901234567890n,
      num: 1.5,
      when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      bytes: new Uint8Array([104, 105]),
      none: null,
    };
    const columns = Object.keys(row);
    expect(parquetRecord(row, columns, 7)).toEqual({
      line: 7,
      fields: [
        'plain',
        '{"a":"x","n":"5","when":"1970-01-01T00:00:00.000Z"}',
        '["a","1"]',
        'false',
        '12345678901234567890',
        '1.5',
        '2024-01-02T03:04:05.000Z',
        'hi',
        '',
      ],
      kinds: { 1: 'object', 2: 'list', 3: 'boolean' },
    });
  });

  it('has no kinds for a row of text and numbers', () => {
    expect(parquetRecord({ t: 'a', l: 3 }, ['t', 'l'], 1)).toEqual({
      line: 1,
      fields: ['a', '3'],
    });
  });
});
