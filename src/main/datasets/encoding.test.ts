/**
 * Files that are UTF-8 but for a few Windows-1252 lines, read line by line whole and in chunks;
 * files that are Windows-1252 throughout, read as before; and binary files refused by where
 * their first NUL or control byte is.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { logger } from '../util/log';
import { previewDataset } from './import';
import { parseDatasetFile, type ParsedFile } from './parse';
import { filesForEachTest, streamed } from './test-files';

const files = filesForEachTest();

const rowsOf = (p: ParsedFile): [string, string, number][] =>
  p.rows.map((r) => [r.text, r.label, r.line]);

const cp1252 = (text: string): Buffer => Buffer.from(text, 'latin1');

/**
 * A header, 40 UTF-8 rows with accents and CJK (a character in every row that a small chunk
 * cuts somewhere), and Windows-1252 rows at file lines 12 and 30 (0x80 is €, 0xE9 é).
 */
function mixedCsv(eol = '\n'): Buffer {
  const parts: Buffer[] = [Buffer.from(`text,label${eol}`)];
  for (let i = 0; i < 40; i++) {
    const line = i + 2;
    if (line === 12) parts.push(cp1252(`caf\xe9 cr\xe8me 12,1${eol}`));
    else if (line === 30) parts.push(cp1252(`co\xfbt 30 \x80,0${eol}`));
    else parts.push(Buffer.from(`naïve 酒店 ${line},${i % 2}${eol}`));
  }
  return Buffer.concat(parts);
}

describe('a UTF-8 file with a few Windows-1252 lines', () => {
  it('reads the UTF-8 lines as UTF-8 and only the others as Windows-1252', () => {
    const parsed = parseDatasetFile(files.write('mixed.csv', mixedCsv()));
    expect(parsed.encoding).toBe('utf-8');
    expect(parsed.notes).toContain('not UTF-8 at lines 12, 30 (those lines read as Windows-1252)');
    expect(parsed.rows).toHaveLength(40);
    expect(parsed.rows[0]).toEqual({ text: 'naïve 酒店 2', label: '0', line: 2 });
    expect(parsed.rows[10]).toEqual({ text: 'café crème 12', label: '1', line: 12 });
    expect(parsed.rows[28]).toEqual({ text: 'coût 30 €', label: '0', line: 30 });
    expect(parsed.rows.some((r) => /[ÃÂ]/.test(r.text))).toBe(false);
  });

  it('reads it the same in chunks, cut anywhere, the odd line in the head or past it', () => {
    const path = files.write('mixed.csv', mixedCsv());
    const whole = parseDatasetFile(path);
    // a 200-byte head ends before line 12; a 600-byte one holds it
    for (const sample of [200, 600]) {
      for (const chunk of [1, 2, 3, 5, 64]) {
        const parsed = parseDatasetFile(path, {}, streamed(chunk, sample));
        expect(rowsOf(parsed), `${chunk}-byte chunks, ${sample}-byte head`).toEqual(rowsOf(whole));
        expect(parsed.encoding).toBe('utf-8');
        expect(parsed.notes).toEqual(whole.notes);
      }
    }
  });

  it('counts CRLF and CR-only line breaks as the parsers do', () => {
    for (const eol of ['\r\n', '\r']) {
      const path = files.write('mixed-eol.csv', mixedCsv(eol));
      for (const hooks of [undefined, streamed(3, 200)]) {
        const parsed = parseDatasetFile(path, {}, hooks);
        expect(parsed.notes?.[0], JSON.stringify(eol)).toBe(
          'not UTF-8 at lines 12, 30 (those lines read as Windows-1252)',
        );
        expect(parsed.rows[10]).toEqual({ text: 'café crème 12', label: '1', line: 12 });
      }
    }
  });

  it('names the first few odd lines and counts the rest', () => {
    const utf8 = Array.from({ length: 10 }, (_, i) => Buffer.from(`über ${i},${i % 2}\n`));
    const odd = Array.from({ length: 8 }, (_, i) => cp1252(`\xfcber ${i},${i % 2}\n`));
    const path = files.write(
      'many.csv',
      Buffer.concat([Buffer.from('text,label\n'), ...utf8, ...odd]),
    );
    const parsed = parseDatasetFile(path);
    expect(parsed.encoding).toBe('utf-8');
    expect(parsed.notes?.[0]).toBe(
      'not UTF-8 at lines 12, 13, 14, 15, 16 and 3 more (those lines read as Windows-1252)',
    );
    expect(new Set(parsed.rows.map((r) => r.text.slice(0, 4)))).toEqual(new Set(['über']));
  });

  it('says so in the import report', async () => {
    const report = await previewDataset({ path: files.write('mixed.csv', mixedCsv()) });
    expect(report.files[0]).toMatchObject({ encoding: 'utf-8', rows: 40 });
    expect(report.issues.find((i) => i.kind === 'encoding')?.message).toContain(
      'not UTF-8 at lines 12, 30 (those lines read as Windows-1252)',
    );
  });

  it('stays Windows-1252 throughout when most of its non-ASCII lines are not UTF-8', () => {
    const lines: Buffer[] = [Buffer.from('text,label\ncafé,0\n')];
    for (let i = 0; i < 5; i++) lines.push(cp1252(`caf\xe9 ${i},1\n`));
    const path = files.write('mostly-latin.csv', Buffer.concat(lines));
    for (const hooks of [undefined, streamed(4, 30)]) {
      const parsed = parseDatasetFile(path, {}, hooks);
      expect(parsed.encoding).toBe('windows-1252');
      expect(parsed.notes).toContain('detected Windows-1252: not UTF-8 from line 3');
      expect(parsed.rows[1].text).toBe('café 0');
    }
  });
});

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared');
const DATASETS = join(SHARED, 'datasets');
const present = existsSync(DATASETS);
if (!present) logger('datasets').warn(`skipping Windows-1252 dataset tests: ${DATASETS} is absent`);

describe.skipIf(!present)('Windows-1252 files of ../shared', () => {
  const cases: [string, string][] = [
    [join(DATASETS, 'trec', 'TREC.train'), 'detected Windows-1252: not UTF-8 from line 66'],
    [join(DATASETS, 'subj', 'subj.all'), 'detected Windows-1252: not UTF-8 from line 21'],
  ];
  it.each(cases)('%s reads as Windows-1252, whole or in chunks', (path, note) => {
    const whole = parseDatasetFile(path);
    expect(whole.encoding).toBe('windows-1252');
    expect(whole.notes).toContain(note);
    const parsed = parseDatasetFile(path, {}, streamed(64 << 10, 32 << 10));
    expect(parsed.encoding).toBe('windows-1252');
    expect(parsed.notes).toContain(note);
    expect(rowsOf(parsed)).toEqual(rowsOf(whole));
  });
});

describe('a binary file', () => {
  it('is refused naming the line and byte offset of its first NUL, whole or in chunks', () => {
    const text = 'text,label\n' + 'some text,1\n'.repeat(20);
    const path = files.write('nul.csv', Buffer.concat([Buffer.from(text + 'a\0b,0\n' + text)]));
    const offset = text.length + 1;
    // The NUL is looked for in the head (a 4 MiB one by default), here 400 bytes
    for (const hooks of [undefined, streamed(16, 400)]) {
      expect(() => parseDatasetFile(path, {}, hooks)).toThrow(
        `nul.csv looks binary, not text: line 22 holds a NUL byte (byte offset ${offset})`,
      );
    }
  });

  it('is refused naming the line and column of its first control character', () => {
    const controls = '\x01\x02\x03\x04'.repeat(10);
    const path = files.write('ctl.csv', `text,label\nfine,1\nab${controls},0\n`);
    expect(() => parseDatasetFile(path)).toThrow(
      /ctl\.csv looks binary \(control bytes .* read as utf-8, the first at line 3, column 3\)/,
    );
  });
});
