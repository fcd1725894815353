/**
 * JSON values that cannot be a text or a label: a missing key, a boolean or object label, a
 * list label without multi-label, a text column of objects. Each is a malformed row naming the
 * field and what it held, or, for a whole column of them, a refusal naming the column.
 */
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../shared/errors';
import { previewDataset } from './import';
import { parseDatasetFile } from './parse';
import { lines, filesForEachTest } from './test-files';

const files = filesForEachTest();

/** 20 good records, with the given ones (by index) replaced. */
function records(odd: Record<number, unknown>): unknown[] {
  return Array.from({ length: 20 }, (_, i) => odd[i] ?? { text: `text ${i}`, label: i % 2 });
}

const jsonl = (values: unknown[]): string => lines(...values.map((v) => JSON.stringify(v)));

describe('JSON fields that cannot be a label', () => {
  const odd = {
    3: { text: 'no label here' },
    5: { text: 'a boolean', label: true },
    7: { text: 'an object', label: { id: 1 } },
    9: { text: 'a list', label: ['a', 'b'] },
  };
  const reasons = [
    [4, 'no field "label"'],
    [6, 'field "label" holds a boolean (true); a label is a string or an integer'],
    [8, 'field "label" holds an object ({"id":1}); a label is a string or an integer'],
    [
      10,
      'field "label" holds a list (["a","b"]); a list of labels is a multi-label row: set ' +
        'multiLabel (JSON lists are read as lists whatever its separator)',
    ],
  ];

  it('sets them aside as malformed rows in JSON Lines, by line', () => {
    const parsed = parseDatasetFile(files.write('d.jsonl', jsonl(records(odd))), {
      lenient: true,
    });
    expect(parsed.malformed!.map((m) => [m.line, m.reason])).toEqual(reasons);
    expect(parsed.rows).toHaveLength(16);
    expect(parsed.rows.every((r) => r.label === '0' || r.label === '1')).toBe(true);
  });

  it('does the same in a JSON array, and past the head of a streamed file', () => {
    const array = parseDatasetFile(files.write('d.json', JSON.stringify(records(odd))), {
      lenient: true,
    });
    expect(array.malformed!.map((m) => [m.line, m.reason])).toEqual(reasons);

    // A 200-byte head holds the first records only: the odd ones come in later chunks
    const path = files.write('late.jsonl', jsonl(records({ 12: odd[3], 15: odd[5] })));
    const tuning = { chunkBytes: 7, sampleBytes: 200 };
    const parsed = parseDatasetFile(path, { lenient: true }, { tuning });
    expect(parsed.malformed!.map((m) => [m.line, m.reason])).toEqual([
      [13, 'no field "label"'],
      [16, reasons[1][1]],
    ]);
  });

  it('names the first in strict mode', () => {
    const path = files.write('d.jsonl', jsonl(records(odd)));
    expect(() => parseDatasetFile(path)).toThrow('d.jsonl: line 4: no field "label" (and 3 more)');
  });

  it('keeps null as an empty label, for the empty-label check', () => {
    const path = files.write('d.jsonl', jsonl(records({ 2: { text: 'nothing', label: null } })));
    const parsed = parseDatasetFile(path, { lenient: true });
    expect(parsed.malformed).toEqual([]);
    expect(parsed.rows[2]).toMatchObject({ text: 'nothing', label: '' });
  });
});

describe('JSON list labels', () => {
  const listed = Array.from({ length: 12 }, (_, i) => ({
    text: `text ${i}`,
    tags: i % 3 ? ['a', 7] : ['c'],
  }));

  it('are a label set with multi-label', () => {
    const path = files.write('d.jsonl', jsonl(listed));
    const parsed = parseDatasetFile(path, { labelColumn: 'tags', multiLabel: ',' });
    expect(parsed.rows[1]).toMatchObject({ label: 'a', labels: ['a', '7'], line: 2 });
    expect(parsed.rows[0].labels).toEqual(['c']);
  });

  it('are refused for the whole column without multi-label, saying what to set', async () => {
    const path = files.write('d.jsonl', jsonl(listed));
    const error = await previewDataset({ path, labelColumn: 'tags' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraftError);
    expect((error as GraftError).message).toBe(
      `${path}: label column "tags" holds lists in 12 of 12 records (the first at line 1: ` +
        '["c"]); a list of labels is a multi-label row: set multiLabel (JSON lists are read ' +
        'as lists whatever its separator)',
    );
  });

  it('must hold strings or integers', () => {
    const odd = [...listed, { text: 'nested', tags: ['a', { b: 1 }] }, { text: 'x', tags: [0.5] }];
    const path = files.write('d.jsonl', jsonl(odd));
    const parsed = parseDatasetFile(path, { labelColumn: 'tags', multiLabel: ',', lenient: true });
    const rule = 'labels are strings or integers';
    expect(parsed.malformed!.map((m) => [m.line, m.reason])).toEqual([
      [13, `field "tags" holds a list (["a",{"b":1}]) with an object in it; ${rule}`],
      [14, `field "tags" holds a list ([0.5]) with a number in it; ${rule}`],
    ]);
  });
});

describe('JSON text columns', () => {
  it('refuses a column of objects or lists, naming it and the other columns', () => {
    const values = Array.from({ length: 10 }, (_, i) => ({
      text: { words: [i] },
      label: i % 2,
      id: i,
    }));
    const path = files.write('d.jsonl', jsonl(values));
    expect(() => parseDatasetFile(path)).toThrow(
      `${path}: text column "text" holds objects or lists, not text, in 10 of 10 records ` +
        '(the first at line 1: {"words":[0]}); name the text column with textColumn; other ' +
        'columns: "label", "id"',
    );
  });

  it('sets aside a few records whose text is an object, and one without a text', () => {
    const path = files.write(
      'd.jsonl',
      jsonl(records({ 4: { text: ['a', 'list'], label: 1 }, 6: { label: 0 } })),
    );
    const parsed = parseDatasetFile(path, { lenient: true });
    expect(parsed.malformed!.map((m) => [m.line, m.reason])).toEqual([
      [5, 'field "text" holds a list (["a","list"]), not text'],
      [7, 'no field "text"'],
    ]);
  });
});
