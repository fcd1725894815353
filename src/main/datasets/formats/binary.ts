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
import { DROP_MALFORMED_OFFER } from '../../../shared/contract';
import { GraftError } from '../../../shared/errors';
import { normaliseNewlines, type EncodingOption } from '../decode';
import { datasetFileSize, fileError, openForReading } from '../dataset-files';
import { decodeEntry } from '../decode-entry';
import { logger } from '../../util/log';
import {
  allowedShare,
  MAX_DROPPED_MALFORMED_SHARE,
  shareWords,
  tooManyMalformed,
} from './malformed-share';
import type { JsonKind, MalformedRecord, RawRecord, RawTable } from './types';

const log = logger('datasets');

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

/** Nested values' JSON text: 64-bit integers as their digits, bytes as the text they hold. */
function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? new TextDecoder().decode(v) : v,
  );
}

/**
 * One Parquet row as a record: each column's value as its text, and, as JSON records have
 * (json.ts), the kind of those that are no text or number (`kinds`), so that the row maker
 * judges a struct text, a list label or a boolean label the same way as in JSON. A struct or
 * map becomes its JSON text and is an 'object', a list its JSON list and a 'list' (which
 * multi-label reads as a label set); a timestamp is its ISO text, a 64-bit integer its digits,
 * untyped bytes the UTF-8 text they hold. Null stays an empty value, as JSON's null does.
 */
export function parquetRecord(
  row: Record<string, unknown>,
  columns: readonly string[],
  line: number,
): RawRecord {
  const record: RawRecord = { line, fields: [] };
  columns.forEach((column, i) => {
    const value = row[column];
    let kind: JsonKind | null = null;
    let text: string;
    if (value === null || value === undefined) text = '';
    else if (typeof value === 'string') text = value;
    else if (typeof value === 'boolean') {
      kind = 'boolean';
      text = String(value);
    } else if (typeof value !== 'object') text = String(value);
    else if (value instanceof Date) {
      text = Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
    } else if (value instanceof Uint8Array) text = new TextDecoder().decode(value);
    else {
      kind = Array.isArray(value) ? 'list' : 'object';
      text = jsonText(value);
    }
    record.fields.push(text);
    if (kind) (record.kinds ??= {})[i] = kind;
  });
  return record;
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
  const records = rows.map((row, i) => parquetRecord(row, columns, i + 1));
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

/** Skipped entries a note names before it says "and N more". */
const MAX_SKIPPED_NAMED = 5;

export interface ClassFolders {
  /** Class names, sorted. */
  classes: string[];
  /** Per class, its .txt file names, sorted. */
  files: string[][];
  /** What is no example, "a/3.bin (not .txt)", so that nothing is left out unsaid. */
  skipped: string[];
}

/**
 * A class folder's files in reading order, each as its class's index and its name: the first
 * file of each class, then the second of each, and so on, so that the first rows (a preview,
 * a limit) hold every class.
 */
export function* inTurn(files: readonly (readonly string[])[]): Generator<[number, string]> {
  const longest = Math.max(...files.map((f) => f.length));
  for (let i = 0; i < longest; i++) {
    for (let c = 0; c < files.length; c++) {
      if (i < files[c].length) yield [c, files[c][i]];
    }
  }
}

/**
 * The classes of a class-folder dataset and their .txt files. Entries that are no example are
 * listed in `skipped` with why: a user who put a file beside the class folders, or a level too
 * deep, expects it to count. Hidden entries (.DS_Store, .git) are the system's, not the user's,
 * and are passed over unsaid.
 */
export function classFolders(path: string): ClassFolders {
  const found: ClassFolders = { classes: [], files: [], skipped: [] };
  const outside: string[] = [];
  try {
    const entries = readdirSync(path, { withFileTypes: true }).sort(byName);
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) found.classes.push(e.name);
      else outside.push(`${e.name} (not in a class folder)`);
    }
    for (const label of found.classes) {
      const names: string[] = [];
      for (const e of readdirSync(join(path, label), { withFileTypes: true }).sort(byName)) {
        const where = `${label}/${e.name}`;
        if (e.isDirectory()) found.skipped.push(`${where} (a folder inside a class folder)`);
        else if (TEXT_FILE.test(e.name)) names.push(e.name);
        else if (!e.name.startsWith('.')) found.skipped.push(`${where} (not .txt)`);
      }
      found.files.push(names);
    }
  } catch (error) {
    throw fileError(path, error);
  }
  found.skipped.push(...outside);
  return found;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The report's note on skipped entries: how many, and the first few with why. */
export function skippedNote(skipped: readonly string[]): string | null {
  if (skipped.length === 0) return null;
  const named = skipped.slice(0, MAX_SKIPPED_NAMED).join(', ');
  const more = skipped.length - MAX_SKIPPED_NAMED;
  const entries = skipped.length === 1 ? 'entry' : 'entries';
  return `skipped ${skipped.length} ${entries}: ${named}${more > 0 ? ` and ${more} more` : ''}`;
}

/**
 * Each file is a record, located by its path in the folder ("pos/0001.txt", `source`) for
 * errors and the report; its `line` is its number in reading order (inTurn), which the
 * preview shares.
 *
 * A file that cannot be read as text (an image named .txt, a file not in the encoding chosen)
 * is one bad example among many, not a bad folder: it is a malformed row, which the user may
 * drop, as a bad record in a CSV is. Only when too many files are so (more than
 * `maxMalformedShare`, as ReadOptions', of the files read) is the folder refused: it is then
 * no folder of texts, or the encoding chosen is wrong.
 */
export function readFolder(
  path: string,
  encoding: EncodingOption,
  maxMalformedShare?: number,
): RawTable {
  const share = allowedShare(maxMalformedShare);
  const { classes, files, skipped } = classFolders(path);
  if (classes.length === 0) throw noClassFolders(path);

  const records: RawRecord[] = [];
  const malformed: MalformedRecord[] = [];
  const notes = new Set<string>();
  for (const [c, name] of inTurn(files)) {
    const label = classes[c];
    const file = join(path, label, name);
    if (!statSync(file).isFile()) {
      skipped.push(`${label}/${name} (not a regular file)`);
      continue;
    }
    const source = `${label}/${name}`;
    const line = records.length + malformed.length + 1;
    const decoded = decodeEntry(readFileSync(file), file, encoding);
    if ('problem' in decoded) {
      malformed.push({ line, reason: decoded.problem, raw: decoded.raw, source });
      continue;
    }
    notes.add(decoded.encoding);
    records.push({ line, fields: [normaliseNewlines(decoded.text), label], source });
  }
  const read = records.length + malformed.length;
  if (tooManyMalformed(malformed.length, read, share)) {
    throw tooManyUnreadable(path, malformed, read, share);
  }
  if (malformed.length > 0) {
    const noun = malformed.length === 1 ? 'file' : 'files';
    log.info(`${path}: ${malformed.length} ${noun} cannot be read as text, malformed rows`);
  }
  // The encodings stay the second note: parse-stream.ts reads them from there
  const tableNotes = [
    `${classes.length} class folders`,
    `file encodings: ${[...notes].join(', ') || 'utf-8'}`,
  ];
  const note = skippedNote(skipped);
  if (note) {
    log.warn(`${path}: ${note}`);
    tableNotes.push(note);
  }
  return {
    format: 'folder',
    columns: ['text', 'label'],
    hasHeader: true,
    records,
    malformed,
    notes: tableNotes,
  };
}

/**
 * Too many files of a class folder cannot be read as text to set them aside: how many, the
 * first with why, and whether dropping malformed rows would let the rest through.
 */
function tooManyUnreadable(
  path: string,
  malformed: readonly MalformedRecord[],
  read: number,
  share: number,
): GraftError {
  const bad = malformed.length;
  const dropping = share >= MAX_DROPPED_MALFORMED_SHARE;
  const limit =
    `more than ${shareWords(share)}${dropping ? ', too many to drop' : ''}, so the encoding ` +
    'or the folder may be wrong';
  const orDrop =
    !dropping && !tooManyMalformed(bad, read, MAX_DROPPED_MALFORMED_SHARE)
      ? `; ${DROP_MALFORMED_OFFER} (drop: ["malformed"], CLI: --drop malformed)`
      : '';
  const [first] = malformed;
  return new GraftError(
    'bad-input',
    `${path}: ${bad.toLocaleString('en-US')} of ${read.toLocaleString('en-US')} files cannot ` +
      `be read as text, ${limit}; the first, ` +
      `${first.source}: ${first.reason}${orDrop}`,
  );
}

/** The error for a folder that holds no class sub-folders (the folder format's layout). */
export function noClassFolders(path: string): GraftError {
  return new GraftError(
    'bad-input',
    `${path} is a folder without class sub-folders; expected a dataset file, or a folder ` +
      'with one sub-folder of .txt files per class (e.g. pos/1.txt, neg/2.txt)',
  );
}
