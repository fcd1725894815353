/**
 * Sources that are not one text file: Parquet (read with hyparquet, a pure-JS reader, so no
 * native build or Python is needed) and a folder with one sub-folder of .txt files per class,
 * the layout of IMDB-style corpora. Both produce the same `RawTable` as the text formats.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { GraftError } from '../../../shared/errors';
import { decodeText, fileError, normaliseNewlines, type EncodingOption } from '../decode';
import type { RawRecord, RawTable } from './types';

const PARQUET_MAGIC = 'PAR1';

export function isParquet(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && Buffer.from(bytes.subarray(0, 4)).toString('latin1') === PARQUET_MAGIC
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
  let rows: Record<string, unknown>[];
  try {
    const file = await asyncBufferFromFile(path);
    rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw fileError(path, error);
    const reason = error instanceof Error ? error.message : String(error);
    throw new GraftError(
      'bad-input',
      `${path}: cannot read as Parquet (${reason}); supported codecs: uncompressed, snappy`,
      { cause: error },
    );
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

export interface FolderTable extends RawTable {
  /** For each record, the file it came from, relative to the folder (errors name it). */
  files: string[];
}

export function readFolder(path: string, encoding: EncodingOption): FolderTable {
  let classes: string[];
  try {
    classes = readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    throw fileError(path, error);
  }
  if (classes.length === 0) {
    throw new GraftError(
      'bad-input',
      `${path} is a folder without class sub-folders; expected a dataset file, or a folder ` +
        'with one sub-folder of .txt files per class (e.g. pos/1.txt, neg/2.txt)',
    );
  }

  const records: RawRecord[] = [];
  const files: string[] = [];
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
      records.push({ line: records.length + 1, fields: [normaliseNewlines(decoded.text), label] });
      files.push(relative(path, file));
    }
  }
  return {
    format: 'folder',
    columns: ['text', 'label'],
    hasHeader: true,
    records,
    malformed: [],
    notes: [`${classes.length} class folders`, `file encodings: ${[...notes].join(', ')}`],
    files,
  };
}
