import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { isWordVectorsPath, parseWordVectors, readWordVectors } from './word-vectors';

const SHARED = resolve(__dirname, '../../../../shared/models');
const dir = mkdtempSync(join(tmpdir(), 'graft-wv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('word vectors', () => {
  it('reads GloVe text: no header, dim from the first line, lower-case vocabulary', () => {
    const v = parseWordVectors(Buffer.from('the 1 2 3\nfilm 0.5 -1 2\n'), 'x');
    expect(v).toMatchObject({
      format: 'glove',
      dim: 3,
      header: false,
      lowercase: true,
      skipped: 0,
    });
    expect(v.words).toEqual(['the', 'film']);
    expect(Array.from(v.lookup('Film')!)).toEqual([0.5, -1, 2]); // lower-cased lookup
    expect(v.lookup('movie')).toBeNull();
  });

  it('reads word2vec text with a header, cased words, a word with a space, bad lines', () => {
    const text = '4 2\nParis 1 2\nparis 3 4\nNew York 5 6\nbroken 1\nparis 9 9\n';
    const v = parseWordVectors(Buffer.from(text), 'x');
    expect(v).toMatchObject({
      format: 'word2vec',
      dim: 2,
      header: true,
      lowercase: false,
      skipped: 2,
    });
    expect(Array.from(v.lookup('Paris')!)).toEqual([1, 2]); // exact case first
    expect(Array.from(v.lookup('PARIS')!)).toEqual([3, 4]); // then lower-cased
    expect(Array.from(v.lookup('New York')!)).toEqual([5, 6]);
  });

  it('reads gzipped files and names an empty one', () => {
    const gz = join(dir, 'v.txt.gz');
    writeFileSync(gz, gzipSync('a 1 2\nb 3 4\n'));
    expect(isWordVectorsPath(gz)).toBe(true);
    expect(readWordVectors(gz).words).toEqual(['a', 'b']);
    const empty = join(dir, 'empty.vec');
    writeFileSync(empty, '\n');
    expect(() => readWordVectors(empty)).toThrow(/no word vectors/);
    expect(isWordVectorsPath(dir)).toBe(false);
  });

  it.skipIf(
    !isWordVectorsPath(join(SHARED, 'glove-twitter-25d-12k/glove.twitter.27B.25d.12k.txt')),
  )('reads the shared real GloVe files', () => {
    const twitter = readWordVectors(
      join(SHARED, 'glove-twitter-25d-12k/glove.twitter.27B.25d.12k.txt'),
    );
    expect(twitter).toMatchObject({ format: 'glove', dim: 25, lowercase: true });
    expect(twitter.words.length).toBe(11925);
    expect(twitter.lookup('the')![0]).toBeCloseTo(-0.010167, 6);
    const six = readWordVectors(join(SHARED, 'glove-6B-sample/glove.6B.300d.sample.txt.gz'));
    expect(six).toMatchObject({ dim: 300, header: false });
    expect(six.words.length).toBe(100);
  });
});
