/**
 * Sources that are not one text file: Parquet (read with hyparquet, a pure-JS reader, so no
 * native build or Python is needed) and a folder with one sub-folder of .txt files per class,
 * the layout of IMDB-style corpora. Both produce the same `RawTable` as the text formats.
 *
 * hyparquet reads uncompressed and Snappy pages itself; hyparquet-compressors (same authors,
 * also pure JS) adds the other codecs Parquet writers use. LZO, which no current writer
 * produces, stays unsupported.
 */
import { closeSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects, type Compressors } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { GraftError } from '../../../shared/errors';
import {
  openForReading,
  datasetFileSize,
  decodeText,
  fileError,
  normaliseNewlines,
  type EncodingOption,
} from '../decode';
import type { RawRecord, RawTable } from './types';

const PARQUET_MAGIC = 'PAR1';

/**
 * The package's own Snappy is left out: hyparquet's pure-JS one is what Snappy files were
 * always read with, while the package's WebAssembly one grows memory it never gives back.
 */
export const PARQUET_COMPRESSORS: Compressors = {
  GZIP: compressors.GZIP,
  BROTLI: compressors.BROTLI,
  ZSTD: compressors.ZSTD,
  LZ4: compressors.LZ4,
  LZ4_RAW: compressors.LZ4_RAW,
};

const SUPPORTED_CODECS = 'uncompressed, snappy, gzip, brotli, zstd, lz4, lz4_raw';

export function isParquet(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && Buffer.from(bytes.subarray(0, 4)).toString('latin1') === PARQUET_MAGIC
  );
}

/**
 * A Parquet file starts and ends with PAR1, its metadata just before the end: an empty or
 * truncated file is named as such here, not by a reader's DataView error.
 */
export function requireWholeParquet(path: string): void {
  const size = datasetFileSize(path);
  if (size === 0) throw new GraftError('bad-input', `${path} is empty`);
  const head = Buffer.alloc(4);
  const tail = Buffer.alloc(4);
  const fd = openForReading(path);
  try {
    readSync(fd, head, 0, 4, 0);
    if (size >= 12) readSync(fd, tail, 0, 4, size - 4);
  } finally {
    closeSync(fd);
  }
  if (!isParquet(head)) {
    throw new GraftError(
      'bad-input',
      `${path} is not a Parquet file (it does not start with PAR1)`,
    );
  }
  if (!isParquet(tail)) {
    throw new GraftError(
      'bad-input',
      `${path} is a Parquet file cut short: at ${size} bytes it lacks the footer (metadata ` +
        'and PAR1) that ends a whole one; copy or download it again',
    );
  }
}

/** A reader's failure in words naming the file, and the codecs, where a codec was the cause. */
export function parquetError(path: string, error: unknown): GraftError {
  if ((error as NodeJS.ErrnoException).code) return fileError(path, error);
  const reason = error instanceof Error ? error.message : String(error);
  const codec = /unsupported compression codec:? (\w+)/i.exec(reason)?.[1];
  return new GraftError(
    'bad-input',
    codec
      ? `${path}: Parquet compression ${codec} is not supported; supported codecs: ` +
          SUPPORTED_CODECS
      : `${path}: cannot read as Parquet (${reason})`,
    { cause: error },
  );
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

export async function readParquet(path: string): Promise<RawTable> {
  requireWholeParquet(path);
  let rows: Record<string, unknown>[];
  try {
    const file = await asyncBufferFromFile(path);
    rows = (await parquetReadObjects({ file, compressors: PARQUET_COMPRESSORS })) as Record<
      string,
      unknown
    >[];
  } catch (error) {
    throw parquetError(path, error);
  }
  const columns = rows.length > 0 ? Object.keys(rows[0]) : [];
  const records: RawRecord[] = rows.map((row, i) => ({
    line: i + 1,
    fields: columns.map((c) => cell(row[c])),
  }));
  return {
    format: 'parquet',
    columns,
    hasHeader: true,
    records,
    malformed: [],
    notes: ['row numbers stand for lines'],
  };
}

/** Class folders hold text files; anything else (README, .DS_Store) is not an example. */
const TEXT_FILE = /\.txt$/i;

/**
 * Each file is a record, located by its path in the folder ("pos/0001.txt", `source`) for
 * errors and the report; its `line` is its number in reading order, class by class.
 */
export function readFolder(path: string, encoding: EncodingOption): RawTable {
  let classes: string[];
  try {
    classes = readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    throw fileError(path, error);
  }
  if (classes.length === 0) throw noClassFolders(path);

  const records: RawRecord[] = [];
  const notes = new Set<string>();
  for (const label of classes) {
    const dir = join(path, label);
    const names = readdirSync(dir)
      .filter((n) => TEXT_FILE.test(n))
      .sort();
    for (const name of names) {
      const file = join(dir, name);
      if (!statSync(file).isFile()) continue;
      const decoded = decodeText(readFileSync(file), file, encoding);
      notes.add(decoded.encoding);
      records.push({
        line: records.length + 1,
        fields: [normaliseNewlines(decoded.text), label],
        source: `${label}/${name}`,
      });
    }
  }
  return {
    format: 'folder',
    columns: ['text', 'label'],
    hasHeader: true,
    records,
    malformed: [],
    notes: [`${classes.length} class folders`, `file encodings: ${[...notes].join(', ')}`],
  };
}

/** The error for a folder that holds no class sub-folders (the folder format's layout). */
export function noClassFolders(path: string): GraftError {
  return new GraftError(
    'bad-input',
    `${path} is a folder without class sub-folders; expected a dataset file, or a folder ` +
      'with one sub-folder of .txt files per class (e.g. pos/1.txt, neg/2.txt)',
  );
}
