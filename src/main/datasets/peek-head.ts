/**
 * The head of a dataset for the preview (peek.ts): the first megabyte of a text file, decoded
 * on its own (no scan of the rest for GBK or Windows-1252, as source.ts does), the first rows
 * of a Parquet file, and the first files of each class folder, each read by the importer's own
 * format readers.
 */
import { closeSync, readSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { z } from 'zod';
import type { DatasetSampleRequest } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import {
  decodeText,
  normaliseNewlines,
  sniffUtf16,
  type EncodingOption,
  type SourceText,
} from './decode';
import { datasetFileSize, fileError, openForReading, sourceKind } from './dataset-files';
import { decodeEntry } from './decode-entry';
import {
  classFolders,
  inTurn,
  isParquet,
  noClassFolders,
  parquetError,
  parquetRecord,
  PARQUET_COMPRESSORS,
  requireWholeParquet,
  skippedNote,
} from './formats/binary';
import { chooseReader, readerByName } from './formats/registry';
import { maxMalformedShare } from './formats/malformed-share';
import type { RawTable } from './formats/types';

type PeekRequest = z.infer<typeof DatasetSampleRequest>;

/** Bytes of a text file read for the preview: thousands of rows, a few milliseconds to parse. */
export const HEAD_BYTES = 1 << 20;

/** A JSON array cannot be parsed from its head, so one up to this size is read whole. */
const JSON_WHOLE_BYTES = 16 << 20;

/** Parquet rows and class-folder files read for the preview and its label counts. */
const SAMPLE_ROWS = 5000;

function readStart(path: string, bytes: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  const fd = openForReading(path);
  try {
    const n = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** A UTF-8 sequence cut short at the end of `bytes` is left out. */
function withoutCutSequence(bytes: Buffer): Buffer {
  let i = bytes.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (bytes[i] & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0 || bytes[i] < 0xc0) return bytes;
  const needed = bytes[i] >= 0xf0 ? 3 : bytes[i] >= 0xe0 ? 2 : 1;
  return continuation < needed ? bytes.subarray(0, i) : bytes;
}

/** The head up to its last line break, so that no record and no character is cut in two. */
function wholeLines(bytes: Buffer, option: EncodingOption): Buffer {
  const forced = option === 'utf-16le' || option === 'utf-16be' ? option : null;
  const utf16 = forced ?? (option === 'auto' ? sniffUtf16(bytes) : null);
  if (utf16) {
    // LF is 0A 00 in UTF-16LE and 00 0A in UTF-16BE, always at an even offset
    const [first, second] = utf16 === 'utf-16le' ? [0x0a, 0] : [0, 0x0a];
    for (let i = (bytes.length & ~1) - 2; i >= 0; i -= 2) {
      if (bytes[i] === first && bytes[i + 1] === second) return bytes.subarray(0, i + 2);
    }
    return bytes.subarray(0, bytes.length & ~1);
  }
  // 0x0A never occurs inside a multi-byte UTF-8, GBK or Windows-1252 character
  const at = bytes.lastIndexOf(0x0a);
  return at >= 0 ? bytes.subarray(0, at + 1) : withoutCutSequence(bytes);
}

/** The head decoded by the importer's rules, applied to the head alone. */
function decodeHead(
  bytes: Buffer,
  whole: boolean,
  path: string,
  option: EncodingOption,
): SourceText {
  const decoded = decodeText(whole ? bytes : wholeLines(bytes, option), path, option);
  return { ...decoded, text: normaliseNewlines(decoded.text) };
}

function headText(bytes: Buffer, whole: boolean, path: string, option: EncodingOption): SourceText {
  const decoded = decodeHead(bytes, whole, path, option);
  if (decoded.text.trim() === '') throw new GraftError('bad-input', `${path} is empty`);
  return decoded;
}

export interface Head {
  table: RawTable;
  encoding: string;
  notes: string[];
  size: number;
  whole: boolean;
  /** Bytes read for the preview, where counted. */
  headBytes: number;
  /** Counted without reading every row (a folder's files per class), instead of the records. */
  counted?: { rows: number; labels: Map<string, number> };
}

function readTextHead(path: string, size: number, req: PeekRequest): Head {
  let whole = size <= HEAD_BYTES;
  let bytes = readStart(path, Math.min(size, HEAD_BYTES));
  const option = req.encoding ?? 'auto';
  let decoded = headText(bytes, whole, path, option);
  const format = req.format && req.format !== 'auto' ? req.format : null;
  const reader = format ? readerByName(format) : chooseReader(path, decoded.text);

  if (reader.name === 'json' && !whole) {
    if (size > JSON_WHOLE_BYTES) {
      throw new GraftError(
        'unsupported',
        `${path}: a JSON array is previewed whole, and at ${Math.round(size / 2 ** 20)} MB it ` +
          `is over the ${JSON_WHOLE_BYTES / 2 ** 20} MB preview limit; name the columns and ` +
          'check the import, or convert the file to JSON Lines (one object a line)',
      );
    }
    whole = true;
    bytes = readStart(path, size);
    decoded = headText(bytes, whole, path, option);
  }

  const table = reader.read(path, decoded.text, {
    header: req.header ?? 'auto',
    quoting: req.quoting ?? 'auto',
    labelLevel: 'coarse',
    delimiter: req.delimiter,
    lenient: true,
    // The import this previews refuses a file for as many malformed records, no more
    maxMalformedShare: maxMalformedShare(req.drop),
    partial: !whole,
  });
  return {
    table,
    encoding: decoded.encoding,
    notes: [...decoded.notes, ...table.notes],
    size,
    whole,
    headBytes: bytes.length,
  };
}

/** The first rows of a Parquet file: hyparquet reads the footer and the row groups they need. */
async function readParquetHead(path: string, size: number): Promise<Head> {
  requireWholeParquet(path);
  let rows: Record<string, unknown>[];
  let total: number;
  try {
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    total = Number(metadata.num_rows);
    const rowEnd = Math.min(total, SAMPLE_ROWS);
    const compressors = PARQUET_COMPRESSORS;
    const read = { file, metadata, rowEnd, compressors };
    rows = (await parquetReadObjects(read)) as Record<string, unknown>[];
  } catch (error) {
    throw parquetError(path, error);
  }
  const columns = rows.length > 0 ? Object.keys(rows[0]) : [];
  const records = rows.map((row, i) => parquetRecord(row, columns, i + 1));
  return {
    table: { format: 'parquet', columns, hasHeader: true, records, malformed: [], notes: [] },
    encoding: 'binary',
    notes: ['row numbers stand for lines'],
    size,
    whole: total <= SAMPLE_ROWS,
    headBytes: 0,
  };
}

/** A folder of class sub-folders: every class with its file count, and a few files of each. */
function readFolderHead(path: string, req: PeekRequest): Head {
  // Links are followed when read, as the import does; folders named *.txt are no texts
  const { classes, files, skipped } = classFolders(path);
  if (classes.length === 0) throw noClassFolders(path);

  // In the import's order (inTurn): every class shows early
  const records: RawTable['records'] = [];
  const malformed: RawTable['malformed'] = [];
  const encodings = new Set<string>();
  const total = files.reduce((n, f) => n + f.length, 0);
  const option = req.encoding ?? 'auto';
  const seen = (): number => records.length + malformed.length;
  for (const [c, name] of inTurn(files)) {
    if (seen() >= req.rows) break;
    const file = join(path, classes[c], name);
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) continue;
      size = stat.size;
    } catch (error) {
      throw fileError(file, error);
    }
    // An empty file is an empty text, for the check to report, as the import reads it
    const bytes = readStart(file, Math.min(size, HEAD_BYTES));
    const head = size <= HEAD_BYTES ? bytes : wholeLines(bytes, option);
    const decoded = decodeEntry(head, file, option);
    const source = `${classes[c]}/${name}`;
    // A file that is not text is one malformed row, as the import reads it (readFolder)
    if ('problem' in decoded) {
      const reason = `${source}: ${decoded.problem}`;
      malformed.push({ line: seen() + 1, reason, raw: decoded.raw, source });
      continue;
    }
    encodings.add(decoded.encoding);
    const text = normaliseNewlines(decoded.text).trim();
    records.push({ line: seen() + 1, fields: [text, classes[c]] });
  }
  return {
    table: {
      format: 'folder',
      columns: ['text', 'label'],
      hasHeader: true,
      records,
      malformed,
      notes: [],
    },
    encoding: [...encodings].join(', ') || 'utf-8',
    notes: [`${classes.length} class folders, ${total} files`, skippedNote(skipped) ?? []].flat(),
    size: 0,
    whole: true,
    headBytes: 0,
    counted: { rows: total, labels: new Map(classes.map((c, i) => [c, files[i].length])) },
  };
}

export async function readHead(req: PeekRequest): Promise<Head> {
  // As the import checks it: a pipe or device is refused before anything opens it
  const directory = sourceKind(req.path) === 'folder';
  if (directory || req.format === 'folder') {
    if (!directory) {
      throw new GraftError('bad-input', `${req.path} is a file; the folder format needs a folder`);
    }
    if (req.format && req.format !== 'auto' && req.format !== 'folder') {
      throw new GraftError('bad-input', `${req.path} is a folder; expected a ${req.format} file`);
    }
    return readFolderHead(req.path, req);
  }
  const size = datasetFileSize(req.path);
  if (size === 0) throw new GraftError('bad-input', `${req.path} is empty`);
  const parquet =
    req.format === 'parquet' ||
    ((req.format ?? 'auto') === 'auto' &&
      (extname(req.path).toLowerCase() === '.parquet' || isParquet(readStart(req.path, 4))));
  return parquet ? readParquetHead(req.path, size) : readTextHead(req.path, size, req);
}
