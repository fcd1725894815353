/**
 * Files of a known format with a few lines that are no record: JSON Lines with a line that is
 * not a JSON object, "label text" with a label-only or odd line. Each such line is a malformed
 * record with its line number (whole, streamed and previewed), while a file with too few good
 * lines is still no file of that format. And a class folder names what it skipped.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetSampleRequest, type DatasetPeek } from '../../shared/contract';
import { loadDatasetFile, parseDatasetFile } from './parse';
import { peekDataset } from './peek';
import { lines, filesForEachTest, streamed } from './test-files';

const files = filesForEachTest();

const peek = (path: string): Promise<DatasetPeek> =>
  peekDataset(DatasetSampleRequest.parse({ path }));

const reasons = (malformed: { line: number; reason: string }[] | undefined): [number, string][] =>
  (malformed ?? []).map((m) => [m.line, m.reason]);

describe('JSON Lines with lines that are no JSON object', () => {
  // 2 of 8 lines are not JSON, 1 a list among objects: a quarter, more than CSV rows may have
  const body = lines(
    '{"text":"a","label":1}',
    '{"text":"b","label":0}',
    'not json',
    '{"text":"c","label":1',
    '{"text":"d","label":0}',
    '[1,2]',
    '{"text":"e","label":1}',
    '{"text":"f","label":0}',
  );

  it('sets each aside as malformed by line, whole or in chunks', () => {
    for (const name of ['bad.jsonl', 'bad.txt']) {
      const path = files.write(name, body);
      for (const hooks of [undefined, streamed(16, 60)]) {
        const parsed = parseDatasetFile(path, { lenient: true }, hooks);
        expect(parsed.format).toBe('jsonl');
        expect(parsed.rows.map((r) => [r.line, r.text])).toEqual([
          [1, 'a'],
          [2, 'b'],
          [5, 'd'],
          [7, 'e'],
          [8, 'f'],
        ]);
        expect(reasons(parsed.malformed)).toEqual([
          [3, expect.stringMatching(/^not JSON \(/)],
          [4, expect.stringMatching(/^not JSON \(/)],
          [6, 'a JSON list where the records are JSON objects (as on line 1)'],
        ]);
      }
      // Strict callers still get the first one by its line
      expect(() => parseDatasetFile(path)).toThrow(`${name} line 3: not JSON`);
    }
  });

  it('takes the shape most records have, so a first line of the other shape is one bad line', () => {
    const objects = body.split('\n').filter((l) => l.endsWith('}'));
    const path = files.write('first-list.jsonl', lines('[1,2,3]', ...objects));
    for (const hooks of [undefined, streamed(16, 60)]) {
      const parsed = parseDatasetFile(path, { lenient: true }, hooks);
      expect(parsed.rows.map((r) => r.text)).toEqual(['a', 'b', 'd', 'e', 'f']);
      expect(reasons(parsed.malformed)).toEqual([
        [1, 'a JSON list where the records are JSON objects (as on line 2)'],
      ]);
    }
  });

  it('lists them in the preview beside the rows', async () => {
    const result = await peek(files.write('bad.jsonl', body));
    expect(result.format).toBe('jsonl');
    expect(result.records).toHaveLength(5);
    expect(result.malformed.map((m) => m.line)).toEqual([3, 4, 6]);
  });

  it('is no JSON Lines when most of its head is not JSON records', () => {
    const path = files.write(
      'd.jsonl',
      lines('text,label', 'a,1', '{"text":"b","label":0}', 'c,1'),
    );
    expect(() => parseDatasetFile(path, { lenient: true })).toThrow('d.jsonl line 1: not JSON (');
    expect(() => parseDatasetFile(path, { lenient: true })).toThrow(
      '(3 of the first 4 lines are not JSON records, so this is not JSON Lines)',
    );
    // Sniffed, such a file is a CSV
    const csv = files.write('d.txt', lines('text,label', 'a,1', '{"text":"b"},0', 'c,1'));
    expect(parseDatasetFile(csv, { lenient: true }).format).toBe('csv');
  });
});

describe('"label text" with odd lines', () => {
  it('reads a file with a label-only line and a tab, naming the label-only line', () => {
    const path = files.write(
      'lt.txt',
      lines(
        'pos good film',
        'neg bad film',
        'pos fine one',
        'neg awful one',
        'nolabel',
        'pos\tx y',
      ),
    );
    for (const hooks of [undefined, streamed(8, 60)]) {
      const parsed = parseDatasetFile(path, { lenient: true }, hooks);
      expect(parsed.format).toBe('label-text');
      expect(parsed.rows.map((r) => [r.line, r.label, r.text])).toEqual([
        [1, 'pos', 'good film'],
        [2, 'neg', 'bad film'],
        [3, 'pos', 'fine one'],
        [4, 'neg', 'awful one'],
        [6, 'pos', 'x y'],
      ]);
      expect(reasons(parsed.malformed)).toEqual([[5, 'a label with no text']]);
    }
    expect(() => parseDatasetFile(path)).toThrow('lt.txt: line 5: a label with no text');
  });

  it('sets aside a line whose first word cannot be a label', async () => {
    const good = Array.from({ length: 30 }, (_, i) => `${i % 2 ? 'POS' : 'NEG'} review ${i}`);
    good.splice(12, 0, '"quoted, text" here');
    const path = files.write('lt.txt', lines(...good));
    const parsed = parseDatasetFile(path, { lenient: true });
    expect(parsed.rows).toHaveLength(30);
    expect(reasons(parsed.malformed)).toEqual([
      [13, expect.stringMatching(/^"\\"quoted," is not a label/)],
    ]);
    expect((await peek(path)).malformed.map((m) => m.line)).toEqual([13]);
  });

  it('is refused, naming the odd lines, when too many lines are odd', () => {
    const path = files.write('lt.txt', lines('pos good film', 'neg bad film', '', 'x', 'pos\ty'));
    expect(() => parseDatasetFile(path)).toThrow(
      'cannot tell the format of ' +
        `${path} (if it is "label text", too many of its lines are not examples (2 of 4: ` +
        'line 4: a label with no text; line 5: a tab, as in TSV))',
    );
  });
});

describe('a class folder', () => {
  it('names the entries it skipped and why', async () => {
    const corpus = join(files.dir, 'corpus');
    for (const cls of ['a', 'b']) {
      mkdirSync(join(corpus, cls), { recursive: true });
      for (let i = 0; i < 3; i++) writeFileSync(join(corpus, cls, `${i}.txt`), `${cls} ${i}`);
    }
    writeFileSync(join(corpus, 'a', '3.bin'), 'binary');
    writeFileSync(join(corpus, 'a', '.DS_Store'), 'system');
    mkdirSync(join(corpus, 'b', 'nested'));
    writeFileSync(join(corpus, 'b', 'nested', '4.txt'), 'deep');
    writeFileSync(join(corpus, 'README.md'), 'about');
    const note =
      'skipped 3 entries: a/3.bin (not .txt), b/nested (a folder inside a class folder), ' +
      'README.md (not in a class folder)';

    const parsed = await loadDatasetFile(corpus);
    expect(parsed.rows).toHaveLength(6);
    expect(parsed.notes).toContain(note);
    expect(parsed.encoding).toBe('utf-8');
    expect((await peek(corpus)).notes).toContain(note);
  });
});
