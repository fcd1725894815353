/**
 * `limit`: the first N records of the training file, malformed or not, and nothing past them,
 * whether the file is read whole (no larger than its head) or streamed. Records past the limit
 * can neither be reported, nor dropped, nor make the file refused for too many malformed rows.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset, previewDataset } from './import';
import { parseDatasetFile, type ParsedFile } from './parse';
import { lines, storeForEachTest, streamed } from './test-files';

const { files, store } = storeForEachTest();

/** `n` clean rows of two classes under a `text,label` header, one a line from line 2. */
function clean(n: number, from = 0): string[] {
  return Array.from(
    { length: n },
    (_, i) => `review ${from + i},${(from + i) % 2 ? 'pos' : 'neg'}`,
  );
}

/** `n` rows with a third field, malformed in a two-column file. */
function wide(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `bad row ${i},pos,extra`);
}

/** What a parse kept: each row's line, and each malformed record's. */
function kept(p: ParsedFile): { rows: number[]; malformed: number[] } {
  return { rows: p.rows.map((r) => r.line), malformed: (p.malformed ?? []).map((m) => m.line) };
}

/** The same parse, read whole and streamed through a head smaller than the file. */
function bothWays(path: string, options: Parameters<typeof parseDatasetFile>[1]) {
  const whole = parseDatasetFile(path, options);
  const chunked = parseDatasetFile(path, options, streamed(64, 300));
  return { whole, chunked };
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('limit', () => {
  it('never reads the malformed records past the first N, read whole or streamed', () => {
    const path = files.write('tail.csv', lines('text,label', ...clean(30), ...wide(5)));
    const { whole, chunked } = bothWays(path, { limit: 10, lenient: true });
    const lines2to11 = Array.from({ length: 10 }, (_, i) => i + 2);
    expect(kept(whole)).toEqual({ rows: lines2to11, malformed: [] });
    expect(kept(chunked)).toEqual(kept(whole));
  });

  it('counts a malformed record among the first N as one of them, in file order', () => {
    const rows = [...clean(3), ...wide(1), ...clean(3, 3), ...wide(1), ...clean(20, 6)];
    const path = files.write('inside.csv', lines('text,label', ...rows));
    const { whole, chunked } = bothWays(path, { limit: 6, lenient: true });
    // Lines 2-7: three rows, the wide line 5, two rows; the wide line 9 is past the limit
    expect(kept(whole)).toEqual({ rows: [2, 3, 4, 6, 7], malformed: [5] });
    expect(kept(chunked)).toEqual(kept(whole));
  });

  it('judges the share of malformed records on the first N only', () => {
    // Half the file is malformed, all of it past the first 20 records
    const path = files.write('half.csv', lines('text,label', ...clean(20), ...wide(20)));
    expect(() => parseDatasetFile(path, { lenient: true })).toThrow(/20 of 40 records do not fit/);
    const { whole, chunked } = bothWays(path, { limit: 20, lenient: true });
    expect(kept(whole).rows).toHaveLength(20);
    expect(kept(chunked)).toEqual(kept(whole));

    // Within the first N, the share refuses the file as its reader would refuse it whole
    const early = files.write(
      'early.csv',
      lines('text,label', ...clean(6), ...wide(4), ...clean(40)),
    );
    // ...in the words its reader uses for a file of just those records
    const cut = files.write('cut.csv', lines('text,label', ...clean(6), ...wide(4)));
    const refusal = errorOf(() => parseDatasetFile(cut, { lenient: true })).replace(cut, early);
    expect(refusal).toMatch(/^.*early\.csv line 8: 3 fields, .*; 4 of 10 records do not fit/);
    for (const hooks of [{}, streamed(64, 300)]) {
      expect(() => parseDatasetFile(early, { limit: 10, lenient: true }, hooks)).toThrow(refusal);
    }
  });

  it('fails a strict parse only for malformed records among the first N', () => {
    const path = files.write('strict.csv', lines('text,label', ...clean(10), ...wide(1)));
    for (const hooks of [{}, streamed(16, 120)]) {
      expect(parseDatasetFile(path, { limit: 10 }, hooks).rows).toHaveLength(10);
      expect(() => parseDatasetFile(path, { limit: 11 }, hooks)).toThrow(
        'strict.csv line 12: 3 fields, but line 1 has 2 (comma-separated)',
      );
    }
  });

  it('reports and drops nothing past the limit in an import, but limits no test file', async () => {
    const path = files.write('train.csv', lines('text,label', ...clean(1500), ...wide(100)));
    const report = await previewDataset({ path, limit: 1000 }, { tempDir: files.dir });
    expect(report.rowsRead).toBe(1000);
    expect(report.files[0].rows).toBe(1000);
    expect(report.issues.filter((i) => i.kind === 'malformed')).toEqual([]);

    const testPath = files.write('test.csv', lines('text,label', ...clean(30)));
    const ds = await importDataset(
      store,
      { path, testPath, limit: 1000, drop: ['malformed'] },
      { tempDir: files.dir },
    );
    expect(ds.splits).toEqual({ train: 1000, test: 30 });
    expect(store.datasets.dropped(ds.id, { offset: 0, limit: 10 }).total).toBe(0);
  });

  it('takes the first N files of a class folder from every class, as the preview shows', async () => {
    for (const label of ['neg', 'pos'])
      mkdirSync(join(files.dir, 'folder', label), { recursive: true });
    for (let i = 0; i < 30; i++) {
      files.write(`folder/neg/${i}.txt`, `a dull film ${i}`);
      files.write(`folder/pos/${i}.txt`, `a fine film ${i}`);
    }
    const path = join(files.dir, 'folder');
    const report = await previewDataset({ path, limit: 20 }, { tempDir: files.dir });
    expect(report.rowsRead).toBe(20);
    expect(report.labelCounts).toEqual([
      { label: 'neg', count: 10 },
      { label: 'pos', count: 10 },
    ]);
  });
});
