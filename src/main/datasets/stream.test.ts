/**
 * Streaming: a file larger than its head is read chunk by chunk with the head's decisions. Tiny
 * chunks and heads stand in for megabytes, so every boundary case (a quoted field, a CRLF or a
 * multi-byte character cut in two; a non-UTF-8 byte past the head) comes up in a small file,
 * and the streamed result must equal reading the same file whole.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetImportProgress } from '../../shared/contract';
import { openStore, type Store } from '../store';
import { QuotedSplitter, type QuotedRecord } from './formats/incremental';
import { importDataset, previewDataset } from './import';
import { parseDatasetFile, type ParsedFile } from './parse';
import type { StreamTuning } from './source';
import { gbkEncode } from './test-encodings';
import { filesForEachTest } from './test-files';

const files = filesForEachTest();

const streamed = (chunkBytes: number, sampleBytes = 160): { tuning: StreamTuning } => ({
  tuning: { chunkBytes, sampleBytes },
});

const rowsOf = (p: ParsedFile): [string, string, number][] =>
  p.rows.map((r) => [r.text, r.label, r.line]);

/** RFC-quoted CSV with CRLF line breaks, multi-line fields, doubled quotes and CJK text. */
function quotedCsv(rows: number): string {
  const lines = ['id,text,label'];
  for (let i = 0; i < rows; i++) {
    const texts = [`"plain ${i}"`, `"a, b ${i}"`, `"two\r\nlines ${i}"`, `"say ""hi"" ${i}"`];
    const text = i % 5 === 4 ? `很好的电影 ${i}` : texts[i % 4];
    lines.push(`${i},${text},${i % 2 ? 'pos' : 'neg'}`);
  }
  return lines.join('\r\n') + '\r\n';
}

describe('a file read in chunks', () => {
  const cases: Record<string, string> = {
    'quoted.csv': quotedCsv(40),
    'sms.tsv': Array.from(
      { length: 60 },
      (_, i) => [`ham\t"Hello" ${i}`, `spam\tWin ${i} "now`, `ham\tok "fine" ${i}`][i % 3],
    ).join('\n'),
    'rows.jsonl': Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ text: `line ${i} é`, label: i % 3, ...(i > 30 ? { extra: i } : {}) }),
    ).join('\n'),
    'trec.txt': Array.from(
      { length: 50 },
      (_, i) => `${['DESC:manner', 'HUM:ind', 'LOC:city'][i % 3]} question number ${i} ?`,
    ).join('\n'),
  };

  for (const [name, content] of Object.entries(cases)) {
    it(`${name}: equals reading it whole, at every chunk size`, () => {
      const path = files.write(name, content);
      const whole = parseDatasetFile(path);
      expect(whole.rows.length).toBeGreaterThan(30);
      for (const chunk of [1, 2, 3, 7, 64]) {
        const parsed = parseDatasetFile(path, {}, streamed(chunk, 400));
        expect(rowsOf(parsed), `${name}, ${chunk}-byte chunks`).toEqual(rowsOf(whole));
        expect(parsed).toMatchObject({
          format: whole.format,
          encoding: whole.encoding,
          columns: whole.columns,
          textColumn: whole.textColumn,
          labelColumn: whole.labelColumn,
        });
      }
    });
  }

  it('decodes UTF-16 cut at any byte, BOM and all', () => {
    const path = files.write('utf16.csv', Buffer.from('\uFEFF' + quotedCsv(40), 'utf16le'));
    const whole = parseDatasetFile(path);
    expect(whole.encoding).toBe('utf-16le');
    for (const chunk of [1, 3, 64]) {
      const parsed = parseDatasetFile(path, {}, streamed(chunk, 600));
      expect(parsed.encoding).toBe('utf-16le');
      expect(rowsOf(parsed), `${chunk}-byte chunks`).toEqual(rowsOf(whole));
      expect(parsed.columns).toEqual(['id', 'text', 'label']);
    }
  });

  it('keeps a quoted field that spans chunk boundaries whole, with its line breaks', () => {
    const long = 'x'.repeat(50);
    const path = files.write(
      'span.csv',
      `text,label\n"${long}\n${long}\n${long}",pos\n"after, it",neg\nplain,pos\n`.repeat(4),
    );
    const parsed = parseDatasetFile(path, { header: true }, streamed(16, 120));
    // The file repeats its header line as data; the span is 3 lines, so rows start 2, 5, 6, 7
    expect(parsed.rows.slice(0, 4).map((r) => [r.text, r.line])).toEqual([
      [`${long}\n${long}\n${long}`, 2],
      ['after, it', 5],
      ['plain', 6],
      ['text', 7],
    ]);
  });

  it('joins a CRLF that a chunk boundary splits between CR and LF', () => {
    const content = 'text,label\r\nalpha,1\r\nbeta,0\r\ngamma,1\r\ndelta,0\r\n'.repeat(8);
    const path = files.write('crlf.csv', content);
    const cut = content.indexOf('\r') + 1; // the first chunk ends right after a CR
    const parsed = parseDatasetFile(path, { header: true }, streamed(cut, 60));
    expect(parsed.rows.slice(0, 5).map((r) => [r.text, r.line])).toEqual([
      ['alpha', 2],
      ['beta', 3],
      ['gamma', 4],
      ['delta', 5],
      ['text', 6],
    ]);
    expect(parsed.rows.some((r) => r.text.includes('\r') || r.label.includes('\r'))).toBe(false);
  });

  it('names the right line of a bad record far past multi-line fields', () => {
    const path = files.write('late-bad.csv', `${quotedCsv(40)}41,"fine",pos,extra\r\n`);
    // quotedCsv: a header line, 40 records, every fourth (i % 4 === 2, not a CJK row) 2 lines
    const lines = 1 + 40 + [...Array(40).keys()].filter((i) => i % 4 === 2 && i % 5 !== 4).length;
    expect(() => parseDatasetFile(path, {}, streamed(5))).toThrow(
      `late-bad.csv line ${lines + 1}: 4 fields, but line 1 has 3 (comma-separated)`,
    );
    expect(() => parseDatasetFile(path)).toThrow(`late-bad.csv line ${lines + 1}: 4 fields`);
  });

  it('re-reads the lines an unclosed quote swallowed, whole or in chunks', () => {
    const rows = Array.from({ length: 41 }, (_, i) => `${i + 1},text ${i + 1},${i % 2}`);
    rows[20] = '21,"broken text 21,1';
    const path = files.write('unclosed.csv', ['id,text,label', ...rows].join('\n') + '\n');
    for (const hooks of [undefined, streamed(7, 120), streamed(64, 300)]) {
      const parsed = parseDatasetFile(path, { lenient: true }, hooks);
      expect(parsed.rows.map((r) => r.line)).toEqual(
        Array.from({ length: 41 }, (_, i) => i + 2).filter((l) => l !== 22),
      );
      expect(parsed.malformed).toHaveLength(1);
      expect(parsed.malformed![0].line).toBe(22);
      expect(parsed.malformed![0].reason).toContain(
        'the quote opened on line 22 ran on through line 42 and swallowed 20 lines; ' +
          'lines 23\u201342 re-read as records of their own',
      );
    }
  });

  it('bounds a quote left open early in a streamed file, re-reading its lines', () => {
    // OPEN_QUOTE_LIMIT: 10,000 lines (short rows) or 1 MiB (long ones), whichever comes first
    for (const [rows, width] of [
      [12_000, 0],
      [1_500, 1000],
    ]) {
      const body = Array.from(
        { length: rows },
        (_, i) => `${i},text ${'w'.repeat(width)}${i},${i % 2}`,
      );
      body[3] = '3,"stray quote,1';
      const path = files.write('stray.csv', ['id,text,label', ...body].join('\n') + '\n');
      const whole = parseDatasetFile(path, { lenient: true });
      const parsed = parseDatasetFile(path, { lenient: true }, streamed(4096, 2048));

      expect(rowsOf(parsed)).toEqual(rowsOf(whole));
      expect(parsed.rows).toHaveLength(rows - 1);
      expect(parsed.malformed!.map((m) => m.line)).toEqual([5]);
      // Read whole, the quote runs to the end; streamed, it stops near the limit
      expect(whole.malformed![0].reason).toContain(`ran on through line ${rows + 1} `);
      const reason = parsed.malformed![0].reason;
      const through = Number(/through line (\d+)/.exec(reason)?.[1]);
      expect(reason).toBe(
        'malformed quoted field (a quote is opened and not closed within 10000 lines or 1 MiB: ' +
          `the quote opened on line 5 ran on through line ${through} and swallowed ` +
          `${through - 5} lines; lines 6\u2013${through} re-read as records of their own)`,
      );
      expect(through).toBeLessThan(width ? 5 + 1100 : 5 + 10_000 + 400);
    }
  });

  it('still reads a long quoted field on one line, streamed', () => {
    const long = 'x'.repeat(3 << 20);
    const rows = Array.from({ length: 20 }, (_, i) => `"row ${i}",${i % 2}`);
    rows[2] = `"${long}",1`;
    const path = files.write('long.csv', ['text,label', ...rows].join('\n') + '\n');
    const parsed = parseDatasetFile(path, {}, streamed(256 << 10, 4096));
    expect(parsed.rows).toHaveLength(20);
    expect(parsed.rows[2]).toEqual({ text: long, label: '1', line: 4 });
  });

  it('re-reads the lines a malformed closing quote swallowed', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `text ${i},${i % 2}`);
    rows[5] = '"bad"x,1';
    rows[9] = '"fine",0';
    const path = files.write('trailing.csv', ['text,label', ...rows].join('\n') + '\n');
    for (const hooks of [undefined, streamed(5, 100)]) {
      const parsed = parseDatasetFile(path, { lenient: true }, hooks);
      expect(parsed.rows).toHaveLength(29);
      expect(parsed.malformed!.map((m) => m.line)).toEqual([7]);
    }
  });

  it('restarts with Windows-1252 when a byte past the head is not UTF-8', () => {
    const ascii = Array.from({ length: 30 }, (_, i) => `plain text ${i},${i % 2}`);
    const content = Buffer.concat([
      Buffer.from(['text,label', ...ascii].join('\n') + '\n'),
      Buffer.from('caf\xe9 cr\xe8me,1\nlast row,0\n', 'latin1'),
    ]);
    const path = files.write('late-latin1.csv', content);
    const parsed = parseDatasetFile(path, {}, streamed(9, 100));
    expect(parsed.encoding).toBe('windows-1252');
    expect(parsed.notes).toContain('detected Windows-1252: not UTF-8 from line 32');
    // Rows read before the switch are read again, not kept twice
    expect(parsed.rows.length).toBe(32);
    expect(parsed.rows[30]).toEqual({ text: 'café crème', label: '1', line: 32 });
    expect(rowsOf(parsed)).toEqual(rowsOf(parseDatasetFile(path)));
  });

  it('restarts with GBK when the text past an ASCII head is Chinese', () => {
    const chinese = Array.from({ length: 40 }, (_, i) => `酒店很好，服务${i},${i % 2}`);
    const ascii = Array.from({ length: 10 }, (_, i) => `plain row ${i},${i % 2}`);
    const content = Buffer.concat([
      Buffer.from(['text,label', ...ascii].join('\n') + '\n'),
      gbkEncode(chinese.join('\n') + '\n'),
    ]);
    const path = files.write('late-gbk.csv', content);
    const parsed = parseDatasetFile(path, {}, streamed(11, 60));
    expect(parsed.encoding).toBe('gbk');
    expect(parsed.notes).toContain('detected GBK: not UTF-8 from line 12');
    expect(parsed.rows.length).toBe(50);
    expect(parsed.rows[10]).toEqual({ text: '酒店很好，服务0', label: '0', line: 12 });
  });

  it('names the line of a late invalid byte when UTF-8 was chosen', () => {
    const content = Buffer.concat([
      Buffer.from('text,label\n' + 'fine,1\nok,0\n'.repeat(20)),
      Buffer.from([0x62, 0xff, 0x2c, 0x31, 0x0a]),
    ]);
    const path = files.write('forced.csv', content);
    expect(() => parseDatasetFile(path, { encoding: 'utf-8' }, streamed(8, 50))).toThrow(
      'forced.csv line 42: bytes that are not valid UTF-8',
    );
  });

  it('reads a file whole when its head holds no whole record', () => {
    const path = files.write(
      'giant.csv',
      `text,label\n"${'word '.repeat(100)}\nmore",pos\nb,neg\n`,
    );
    const parsed = parseDatasetFile(path, {}, streamed(7, 40));
    expect(rowsOf(parsed)).toEqual(rowsOf(parseDatasetFile(path)));
    expect(parsed.rows.length).toBe(2);
  });

  it('stops reading at the limit', () => {
    const path = files.write('many.csv', quotedCsv(400));
    let read = 0;
    const parsed = parseDatasetFile(
      path,
      { limit: 5 },
      { ...streamed(64, 200), onBytes: (b) => (read = b) },
    );
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 3, 4, 6, 7]);
    expect(read).toBeLessThan(1000);
  });

  it('refuses a file whose rows stop lining up past the head, counting them', () => {
    const good = Array.from({ length: 20 }, (_, i) => `text ${i}\t${i % 2}`);
    const bad = Array.from({ length: 20 }, (_, i) => `a\tb\tc ${i}`);
    const path = files.write('drift.tsv', [...good, ...bad].join('\n'));
    expect(() => parseDatasetFile(path, { lenient: true }, streamed(10, 100))).toThrow(
      'drift.tsv line 21: 3 fields, but line 1 has 2 (tab-separated); 20 of 40 records do not ' +
        'fit, more than a tenth, so the delimiter, quoting or format may be wrong: check the ' +
        'delimiter (tab), the quoting and the format; or drop malformed rows to import the ' +
        'rest (drop: ["malformed"], CLI: --drop malformed)',
    );
  });
});

describe('an import in chunks', () => {
  let store: Store;

  beforeEach(() => {
    store = openStore(join(files.dir, 'graft.db'));
  });

  afterEach(() => store.close());

  /** Duplicates, a conflict, a text shared with the test file, a long text, an empty one. */
  function messy(): { path: string; testPath: string } {
    const rows = Array.from({ length: 120 }, (_, i) => `"text ${i % 100}, ok",${i % 3}`);
    rows.push('"text 50, ok",2', `"${'long '.repeat(600)}",1`, '"",0', '"shared",1');
    return {
      path: files.write('train.csv', ['text,label', ...rows].join('\r\n')),
      testPath: files.write('test.csv', 'text,label\nshared,1\nnew,0\nother,2\n'),
    };
  }

  it('stores what an import of the whole file stores, with the same report', async () => {
    const { path, testPath } = messy();
    const request = { path, testPath, drop: ['empty-text' as const, 'duplicate' as const] };
    const whole = await importDataset(store, request);
    const chunked = await importDataset(store, request, streamed(13, 300));

    expect(chunked.contentHash).toBe(whole.contentHash);
    expect(chunked.splits).toEqual(whole.splits);
    expect(chunked.labelCounts).toEqual(whole.labelCounts);
    expect(store.datasets.report(chunked.id)).toEqual(store.datasets.report(whole.id));
    const kinds = store.datasets.report(whole.id)!.issues.map((i) => i.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['conflicting-duplicate', 'duplicate', 'test-overlap', 'long-text']),
    );
    expect(store.datasets.rows(chunked.id, 'test')).toEqual(store.datasets.rows(whole.id, 'test'));
  });

  it('reports progress phase by phase, reading up to every byte', async () => {
    const { path, testPath } = messy();
    const events: DatasetImportProgress[] = [];
    await importDataset(
      store,
      { path, testPath, drop: ['empty-text'] },
      { ...streamed(32, 300), onProgress: (p) => events.push(p) },
    );

    const phases = events.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases).toEqual(['reading', 'validating', 'splitting', 'writing', 'done']);
    const reading = events.filter((e) => e.phase === 'reading');
    expect(reading.every((e, i) => i === 0 || e.done >= reading[i - 1].done)).toBe(true);
    const bytes = statSync(path).size + statSync(testPath).size;
    expect(reading.map((e) => [e.done, e.total]).pop()).toEqual([bytes, bytes]);
    expect(reading.map((e) => e.file)).toContain(testPath);
    expect(events.every((e) => e.path === path && !e.preview)).toBe(true);
  });

  it('gives the event loop a turn between chunks', async () => {
    const path = files.write('long.csv', quotedCsv(3000));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await previewDataset({ path }, streamed(4096, 2000));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(10);
  });

  it('refuses without leaving a dataset or a scratch file behind', async () => {
    const { path } = messy();
    const tempDir = join(files.dir, 'scratch');
    await expect(importDataset(store, { path }, { tempDir })).rejects.toThrow(/--drop empty-text/);
    expect(store.datasets.list()).toEqual([]);
    expect(readdirSync(tempDir)).toEqual([]);
  });
});

describe("a broken quote's reason", () => {
  /** A header and rows on lines 2 to 91, with the lines `broken` names in their place. */
  function csv(broken: Record<number, string>): string {
    const rows = Array.from({ length: 90 }, (_, i) => broken[i + 2] ?? `row ${i + 2},${i % 2}`);
    return ['text,label', ...rows].join('\n') + '\n';
  }

  const reasons = (p: ParsedFile): [number, string][] =>
    p.malformed!.map((m) => [m.line, m.reason]);

  const TRAILING = 'malformed quoted field (a closing quote is followed by more text)';
  const swallowed = (line: number): string =>
    `the quote opened on line ${line} ran on through line 91 and swallowed ${91 - line} ` +
    `lines; lines ${line + 1}\u201391 re-read as records of their own`;
  const unclosed = (line: number): string =>
    `malformed quoted field (a quote is opened and never closed: ${swallowed(line)})`;

  /** Whole (quoted-scan.ts at once), and streamed past a head that has no broken line. */
  function read(content: string): [number, string][][] {
    const path = files.write('broken.csv', content);
    return [undefined, streamed(64, 200), streamed(4096, 200)].map((hooks) => {
      const parsed = parseDatasetFile(path, { lenient: true }, hooks);
      expect(parsed.rows).toHaveLength(90 - parsed.malformed!.length);
      return reasons(parsed);
    });
  }

  it('names no swallowed lines for a quote closed on its own line, if followed by text', () => {
    for (const got of read(csv({ 37: '"abc"x,1' }))) expect(got).toEqual([[37, TRAILING]]);
  });

  it("says each broken line's own problem, not one of a later line", () => {
    for (const got of read(csv({ 37: '"abc"x,1', 61: '"unclosed,0' }))) {
      expect(got).toEqual([
        [37, TRAILING],
        [61, unclosed(61)],
      ]);
    }
    for (const got of read(csv({ 37: '"unclosed,0', 61: '"abc"x,1' }))) {
      expect(got).toEqual([
        [37, unclosed(37)],
        [61, TRAILING],
      ]);
    }
  });

  it('says both problems of a line that has both', () => {
    for (const got of read(csv({ 37: '"a"x",1,"open' }))) {
      expect(got).toEqual([
        [
          37,
          'malformed quoted field (a closing quote is followed by more text, and a quote is ' +
            `opened and never closed: ${swallowed(37)})`,
        ],
      ]);
    }
  });

  it('names the one line an unclosed quote swallowed', () => {
    const parsed = parseDatasetFile(files.write('one.csv', 'text,label\n"open,1\nb,0\n'), {
      lenient: true,
    });
    expect(reasons(parsed)).toEqual([
      [
        2,
        'malformed quoted field (a quote is opened and never closed: the quote opened on line 2 ' +
          'ran on through line 3 and swallowed 1 line; line 3 re-read as a record of its own)',
      ],
    ]);
  });
});

/** papaparse's own parse of a whole text, restarted on the line after each swallowing quote. */
function papaRecords(text: string, delimiter: string): QuotedRecord[] {
  const records: QuotedRecord[] = [];
  const Parser = (Papa as unknown as { Parser: PapaParserClass }).Parser;
  let input = text;
  let line = 1;
  const breaks = (from: number, to: number): number => input.slice(from, to).split('\n').length - 1;
  for (;;) {
    let start = 0;
    let resumeAt = -1;
    const parser = new Parser({
      delimiter,
      newline: '\n',
      quoteChar: '"',
      step: (result) => {
        if (resumeAt >= 0) return;
        const end = result.meta.cursor;
        const problem = result.errors[0]?.message;
        const inner = problem ? breaks(start, input[end - 1] === '\n' ? end - 1 : end) : 0;
        if (problem && inner > 0) {
          const lineEnd = input.indexOf('\n', start);
          const ranOn = { through: line + inner, cut: false };
          const raw = input.slice(start, lineEnd);
          records.push({ fields: raw.split(delimiter), raw, line, problem, ranOn });
          resumeAt = lineEnd + 1;
          line += 1;
          parser.abort();
          return;
        }
        // The record's own text: up to papaparse's cursor, less the line break that ends it
        const raw = input.slice(start, input[end - 1] === '\n' ? end - 1 : end);
        records.push({ fields: result.data[0], raw, line, ...(problem ? { problem } : {}) });
        line += breaks(start, end);
        start = end;
      },
    });
    parser.parse(input, 0, false);
    if (resumeAt < 0) return records;
    input = input.slice(resumeAt);
  }
}

type PapaParserClass = new (config: {
  delimiter: string;
  newline: string;
  quoteChar: string;
  step: (result: {
    data: string[][];
    errors: { message: string }[];
    meta: { cursor: number };
  }) => void;
}) => { parse(input: string, base: number, ignoreLastRow: boolean): unknown; abort(): void };

describe('quoted records by papaparse rules', () => {
  /** A deterministic pseudo-random stream, so a failure names a seed that repeats it. */
  function random(seed: number): () => number {
    let s = seed;
    return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  }

  it('splits random text as papaparse does, whole and in chunks', () => {
    const pieces = ['"', '""', '"', ',', ';', '\n', '\n', ' ', 'a', 'bc', '\t', '" ', '"x'];
    for (let seed = 1; seed <= 3000; seed++) {
      const next = random(seed);
      const delimiter = next() < 0.8 ? ',' : ';;';
      const length = Math.floor(next() * 60);
      const text = Array.from({ length }, () => pieces[Math.floor(next() * pieces.length)]);
      const input = text.join('');
      const expected = papaRecords(input, delimiter);

      const whole: QuotedRecord[] = [];
      new QuotedSplitter(delimiter, (r) => whole.push(r)).end(input);
      expect(whole, `seed ${seed}: ${JSON.stringify(input)}`).toEqual(expected);

      const chunked: QuotedRecord[] = [];
      const splitter = new QuotedSplitter(delimiter, (r) => chunked.push(r));
      const size = 1 + Math.floor(next() * 7);
      for (let at = 0; at < input.length; at += size) splitter.push(input.slice(at, at + size));
      splitter.end();
      // Text that ends in a line break ends in an empty record, left out when it comes last
      // in a chunk: the consumer skips blank records anyway
      const last = expected.at(-1);
      const shorter = last?.fields.join('') === '' && chunked.length < expected.length;
      expect(chunked, `seed ${seed}, ${size}-char chunks: ${JSON.stringify(input)}`).toEqual(
        shorter ? expected.slice(0, -1) : expected,
      );
    }
  });

  it('reads a file with a broken quote every tenth row alike, streamed or whole', () => {
    const rows = Array.from({ length: 400 }, (_, i) =>
      i % 10 === 3 ? `"say ""hi"" ${i}" ${i},${i % 2}` : `text ${i},${i % 2}`,
    );
    const path = files.write('broken.csv', ['text,label', ...rows].join('\n') + '\n');
    const whole = parseDatasetFile(path, { lenient: true });
    expect(whole.rows).toHaveLength(360);
    expect(whole.malformed!.map((m) => m.line)).toEqual(
      Array.from({ length: 40 }, (_, i) => 10 * i + 5),
    );
    // Each quote is closed on its own line, if followed by more text: it swallowed no lines
    expect(new Set(whole.malformed!.map((m) => m.reason))).toEqual(
      new Set(['malformed quoted field (a closing quote is followed by more text)']),
    );
    for (const chunk of [3, 64, 1000]) {
      const parsed = parseDatasetFile(path, { lenient: true }, streamed(chunk, 300));
      expect(rowsOf(parsed), `${chunk}-byte chunks`).toEqual(rowsOf(whole));
      expect(parsed.malformed, `${chunk}-byte chunks`).toEqual(whole.malformed);
    }
  });
});
