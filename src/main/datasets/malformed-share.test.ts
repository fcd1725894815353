/**
 * How many rows of the wrong width a CSV may have: a tenth of its data records, or half once
 * the user drops malformed rows; the header row counts as neither. Read whole, streamed past a
 * small head, and previewed.
 */
import { describe, expect, it } from 'vitest';
import { DatasetSampleRequest } from '../../shared/contract';
import { importDataset, previewDataset } from './import';
import { parseDatasetFile } from './parse';
import { peekDataset } from './peek';
import { lines, storeForEachTest, streamed } from './test-files';

const { files, store } = storeForEachTest();

const DROP_HINT =
  'or drop malformed rows to import the rest (drop: ["malformed"], CLI: --drop malformed)';

/** A header and `n` data rows; every row whose index `isBad` picks has a third field. */
function csv(n: number, isBad: (i: number) => boolean): string {
  const rows = Array.from({ length: n }, (_, i) =>
    isBad(i) ? `odd row ${i},pos,extra` : `row number ${i},${i % 2 ? 'pos' : 'neg'}`,
  );
  return lines('text,label', ...rows);
}

const total = (splits: Record<string, number>): number =>
  Object.values(splits).reduce((a, b) => a + b, 0);

describe('a CSV with a fifth of its rows of the wrong width', () => {
  const fifth = (i: number): boolean => i % 5 === 4;

  it('is refused unless malformed rows are dropped, and the refusal says so', async () => {
    const path = files.write('fifth.csv', csv(100, fifth));
    const refusal =
      'line 6: 3 fields, but line 1 has 2 (comma-separated); 20 of 100 records do not fit, ' +
      'more than a tenth, so the delimiter, quoting or format may be wrong: check the ' +
      `delimiter (comma), the quoting and the format; ${DROP_HINT}`;
    await expect(importDataset(store, { path })).rejects.toThrow(refusal);
    await expect(previewDataset({ path })).rejects.toThrow(refusal);
  });

  it('imports the good rows when malformed rows are dropped, counting the dropped', async () => {
    const path = files.write('fifth.csv', csv(100, fifth));
    const ds = await importDataset(store, { path, drop: ['malformed'] });
    expect(total(ds.splits)).toBe(80);
    const report = store.datasets.report(ds.id);
    expect(report?.droppedByReason).toEqual({ malformed: 20 });
    expect(report?.dropped.map((d) => d.line).slice(0, 3)).toEqual([6, 11, 16]);
  });

  it('is previewed, rather than refused, for an import that drops malformed rows', async () => {
    const path = files.write('fifth.csv', csv(100, fifth));
    const peek = (drop?: 'malformed'[]) =>
      peekDataset(DatasetSampleRequest.parse({ path, drop, rows: 3 }));
    await expect(peek()).rejects.toThrow(DROP_HINT);
    const shown = await peek(['malformed']);
    expect(shown.records.map((r) => r.line)).toEqual([2, 3, 4]);
  });
});

describe('a CSV with more bad rows than good', () => {
  it('is refused even when malformed rows are dropped', async () => {
    const path = files.write(
      'most.csv',
      csv(100, (i) => i % 5 < 3),
    );
    const refusal = expect(importDataset(store, { path, drop: ['malformed'] })).rejects;
    await refusal.toThrow(
      'line 2: 3 fields, but line 1 has 2 (comma-separated); 60 of 100 records do not fit, ' +
        'more than half, too many to drop, so the delimiter, quoting or format may be wrong: ' +
        'check the delimiter (comma), the quoting and the format',
    );
    // Dropping would not help, so the refusal without drops does not offer it
    const without = importDataset(store, { path });
    await expect(without).rejects.toThrow(/more than a tenth, so [^;:]*: [^;]*$/);
  });

  it('counts data records only: half of them, not half of the lines with the header', async () => {
    // 11 of 21 data records is over half; with the header, 11 of 22 lines would not be
    const path = files.write(
      'eleven.csv',
      csv(21, (i) => i < 11),
    );
    await expect(importDataset(store, { path, drop: ['malformed'] })).rejects.toThrow(
      '11 of 21 records do not fit, more than half, too many to drop,',
    );
    const half = files.write(
      'ten.csv',
      csv(20, (i) => i < 10),
    );
    const ds = await importDataset(store, { path: half, drop: ['malformed'] });
    expect(total(ds.splits)).toBe(10);
  });
});

describe('a large CSV whose rows stop fitting past its head', () => {
  // The head (200 bytes) holds only good rows: the streamed reader finds the bad ones
  const head = streamed(64, 200);

  it('counts the data records, not the header, and offers the drop', async () => {
    const path = files.write(
      'late.csv',
      csv(34, (i) => i >= 30),
    );
    await expect(importDataset(store, { path }, head)).rejects.toThrow(
      `line 32: 3 fields, but line 1 has 2 (comma-separated); 4 of 34 records do not fit, ` +
        `more than a tenth, so the delimiter, quoting or format may be wrong: check the ` +
        `delimiter (comma), the quoting and the format; ${DROP_HINT}`,
    );
    const ds = await importDataset(store, { path, drop: ['malformed'] }, head);
    expect(total(ds.splits)).toBe(30);
    expect(store.datasets.report(ds.id)?.droppedByReason).toEqual({ malformed: 4 });
  });

  it('is refused with drops past half of its data records', async () => {
    const path = files.write(
      'later.csv',
      csv(41, (i) => i >= 20),
    );
    await expect(importDataset(store, { path, drop: ['malformed'] }, head)).rejects.toThrow(
      'line 22: 3 fields, but line 1 has 2 (comma-separated); 21 of 41 records do not fit, ' +
        'more than half, too many to drop,',
    );
  });
});

describe('maxMalformedShare', () => {
  it('is a share from 0 to 1', () => {
    const path = files.write(
      'fifth.csv',
      csv(10, () => false),
    );
    expect(() => parseDatasetFile(path, { lenient: true, maxMalformedShare: 10 })).toThrow(
      'maxMalformedShare: 10 is no share of records; accepted: a number from 0 to 1',
    );
  });
});
