/**
 * A class folder with a file that cannot be read as text (an image named .txt, a file not in
 * the encoding chosen): that file is a malformed row, located by its place in the folder, which
 * the user may drop, not a refusal of the whole folder; too many such files still refuse it.
 * A single binary file is still refused outright.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../shared/errors';
import { decodeEntry } from './decode-entry';
import { readFolder } from './formats/binary';
import { MAX_DROPPED_MALFORMED_SHARE } from './formats/malformed-share';
import { importDataset, previewDataset } from './import';
import { loadDatasetFile, parseDatasetFile } from './parse';
import { storeForEachTest } from './test-files';

const { files, store } = storeForEachTest();

const NUL_PROBLEM = 'looks binary, not text: line 1 holds a NUL byte (byte offset 0)';

/** Classes pos and neg of `good` text files each, and the extra files given by path. */
function folder(good: number, extra: Record<string, string | Uint8Array> = {}): string {
  const root = join(files.dir, 'corpus');
  for (const label of ['pos', 'neg']) {
    mkdirSync(join(root, label), { recursive: true });
    for (let i = 1; i <= good; i++) {
      writeFileSync(
        join(root, label, `${i}.txt`),
        `${label === 'pos' ? 'good' : 'bad'} movie ${i}\n`,
      );
    }
  }
  for (const [name, content] of Object.entries(extra)) writeFileSync(join(root, name), content);
  return root;
}

const IMG = Buffer.from('\x00\x01bin', 'latin1');

describe('a class folder with a binary file', () => {
  it('reads the binary file as a malformed row named by its place and byte offset', async () => {
    const root = folder(15, { 'pos/img.txt': IMG });
    const parsed = await loadDatasetFile(root, { lenient: true });
    expect(parsed.rows).toHaveLength(30);
    expect(parsed.encoding).toBe('utf-8');
    expect(parsed.malformed).toEqual([
      { line: 31, reason: NUL_PROBLEM, raw: '\x00\x01bin', source: 'pos/img.txt' },
    ]);
  });

  it('refuses a strict read naming the file, and not UTF-16', async () => {
    const root = folder(15, { 'pos/img.txt': IMG });
    const error = await loadDatasetFile(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraftError);
    expect(String(error)).toContain(`${root}: pos/img.txt: ${NUL_PROBLEM}`);
    expect(String(error)).not.toMatch(/utf-16/i);
  });

  it('is an error of the report until dropped, then is kept with the dataset', async () => {
    const root = folder(15, { 'pos/img.txt': IMG });
    const preview = await previewDataset({ path: root }, { tempDir: files.dir });
    const malformed = preview.issues.find((i) => i.kind === 'malformed');
    expect(malformed?.severity).toBe('error');
    expect(malformed?.message).toBe(
      `1 malformed row: ${join(root, 'pos/img.txt')} line 1 (first, line 1: ${NUL_PROBLEM})`,
    );
    await expect(importDataset(store, { path: root }, { tempDir: files.dir })).rejects.toThrow(
      /malformed/,
    );

    const ds = await importDataset(
      store,
      { path: root, drop: ['malformed'] },
      { tempDir: files.dir },
    );
    expect(Object.values(ds.splits).reduce((a, b) => a + b, 0)).toBe(30);
    expect(ds.dropped).toBe(1);
    const dropped = store.datasets.dropped(ds.id, { offset: 0, limit: 10 });
    expect(dropped.rows).toEqual([
      {
        reason: 'malformed',
        file: join(root, 'pos/img.txt'),
        line: 1,
        text: '\x00\x01bin',
        label: '',
        detail: NUL_PROBLEM,
      },
    ]);
  });

  it('names the first control byte where the file has no NUL', async () => {
    const controls = Buffer.from(`fine\n${'\x01\x02\x03\x04'.repeat(10)}\n`, 'latin1');
    const root = folder(15, { 'neg/ctl.txt': controls });
    const parsed = await loadDatasetFile(root, { lenient: true });
    expect(parsed.malformed?.map((m) => [m.source, m.reason])).toEqual([
      ['neg/ctl.txt', 'looks binary, not text: line 2 holds control byte 0x01 (byte offset 5)'],
    ]);
  });

  it('keeps only its first bytes as the row text', () => {
    const big = Buffer.alloc(100_000, 0);
    const decoded = decodeEntry(big, 'big.txt', 'auto');
    expect(decoded).toEqual({ problem: NUL_PROBLEM, raw: '\x00'.repeat(1024) });
  });

  it('still reads UTF-16 files, with a BOM or without', async () => {
    const text = 'a good movie, in UTF-16\n';
    const root = folder(15, {
      'pos/bom.txt': Buffer.from('\uFEFF' + text, 'utf16le'),
      'pos/nobom.txt': Buffer.from(text, 'utf16le'),
    });
    const parsed = await loadDatasetFile(root, { lenient: true });
    expect(parsed.malformed).toEqual([]);
    expect(parsed.rows.filter((r) => r.text === text.trim())).toHaveLength(2);
    expect(parsed.notes).toContain('file encodings: utf-8, utf-16le');
  });
});

describe('a class folder with too many binary files', () => {
  it('is refused, naming the count and the first, with the drop offer where it would do', () => {
    const bin: Record<string, Uint8Array> = {};
    for (let i = 0; i < 4; i++) bin[`neg/img${i}.txt`] = IMG;
    const root = folder(8, bin);
    expect(() => readFolder(root, 'auto')).toThrow(
      `${root}: 4 of 20 files cannot be read as text, more than a tenth, so the ` +
        `encoding or the folder may be wrong; the first, neg/img0.txt: ${NUL_PROBLEM}; or drop malformed rows to ` +
        'import the rest (drop: ["malformed"], CLI: --drop malformed)',
    );
    const dropping = readFolder(root, 'auto', MAX_DROPPED_MALFORMED_SHARE);
    expect(dropping.records).toHaveLength(16);
    expect(dropping.malformed).toHaveLength(4);
  });

  it('is refused even when dropping, where most files are binary', () => {
    const bin: Record<string, Uint8Array> = {};
    for (let i = 0; i < 5; i++) bin[`pos/img${i}.txt`] = IMG;
    const root = folder(2, bin);
    expect(() => readFolder(root, 'auto', MAX_DROPPED_MALFORMED_SHARE)).toThrow(
      `${root}: 5 of 9 files cannot be read as text, more than half, too many to ` +
        `drop, so the encoding or the folder may be wrong; the first, pos/img0.txt: ${NUL_PROBLEM}`,
    );
  });
});

describe('a class folder read in an encoding the user chose', () => {
  it('names the encoding where UTF-16 was chosen, and refuses a folder that is not', () => {
    // Odd-length files cannot be UTF-16: 15 of 30 here ("good movie 1\n" is 13 bytes); a file
    // of each class in turn, neg/1.txt (even) first
    const root = folder(15);
    const problem =
      'looks binary, not text (control bytes or undecodable sequences read as utf-16le, the ' +
      'first at line 1, column 7)';
    expect(() => readFolder(root, 'utf-16le')).toThrow(
      `${root}: 15 of 30 files cannot be read as text, more than a tenth, so the ` +
        `encoding or the folder may be wrong; the first, pos/1.txt: ${problem}; or drop ` +
        'malformed rows to import the rest',
    );
    // One more is more than half: too many to drop
    writeFileSync(join(root, 'pos', 'odd.txt'), 'odd.\n');
    expect(() => readFolder(root, 'utf-16le', MAX_DROPPED_MALFORMED_SHARE)).toThrow(
      `${root}: 16 of 31 files cannot be read as text, more than half, too many to ` +
        `drop, so the encoding or the folder may be wrong; the first, pos/1.txt: ${problem}`,
    );
  });

  it('sets aside a file that is not in the chosen UTF-8', async () => {
    const root = folder(15, { 'pos/latin.txt': Buffer.from('caf\xe9 cr\xe8me\n', 'latin1') });
    const parsed = await loadDatasetFile(root, { lenient: true, encoding: 'utf-8' });
    expect(parsed.rows).toHaveLength(30);
    expect(parsed.malformed?.map((m) => [m.source, m.reason])).toEqual([
      [
        'pos/latin.txt',
        'not UTF-8, the encoding chosen: line 1 holds bytes that are not valid UTF-8',
      ],
    ]);
  });
});

describe('a single binary file', () => {
  it('is still refused outright, as before', () => {
    const path = files.write('img.csv', IMG);
    expect(() => parseDatasetFile(path, { lenient: true })).toThrow(
      `${path} looks binary (control bytes or undecodable sequences read as utf-16be, the ` +
        'first at line 1, column 1), not text',
    );
  });
});
