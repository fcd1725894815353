/**
 * `datasets.peek`: the head of a dataset for the Datasets page's live preview, which reruns it
 * at every change of a reading option or column. It therefore reads the first megabyte of a
 * file and no more, whatever the file's size, and never throws over what an import would only
 * warn about: a column it cannot guess is a `problem` beside the rows, not a failure.
 *
 * The head goes through the importer's own pieces (decode.ts's detection, the format readers,
 * rows.ts's row maker for columns, label transforms and split values), so what the preview
 * shows is what an import with the same options will read. source.ts's `readHead` is not used:
 * where a head is not UTF-8 it scans the rest of the file to choose GBK or Windows-1252, and
 * this call must stay head-only; here that choice is made on the head alone.
 *
 * A label names file is read by the importer's loader and applied by its row maker, so the
 * labels come back named and merged as an import would store them. What stops the file from
 * naming them (no file, a blank line, too few names) comes back beside the labels as read,
 * like `problem`: the page shows it beside the file's field while the preview stays.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { z } from 'zod';
import type { DatasetPeek, DatasetSampleRequest } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import {
  datasetFileSize,
  decodeText,
  fileError,
  normaliseNewlines,
  sniffUtf16,
  type EncodingOption,
  type SourceText,
} from './decode';
import {
  isParquet,
  parquetError,
  PARQUET_COMPRESSORS,
  requireWholeParquet,
} from './formats/binary';
import { chooseReader, readerByName } from './formats/registry';
import type { MalformedRecord, RawTable } from './formats/types';
import { loadLabelNames, sortLabels } from './labels';
import { isMalformed, rowMaker, type ParsedRow, type ParseOptions, type RowMaker } from './rows';

type PeekRequest = z.infer<typeof DatasetSampleRequest>;

/** Bytes of a text file read for the preview: thousands of rows, a few milliseconds to parse. */
export const HEAD_BYTES = 1 << 20;

/** A JSON array cannot be parsed from its head, so one up to this size is read whole. */
const JSON_WHOLE_BYTES = 16 << 20;

/** Parquet rows and class-folder files read for the preview and its label counts. */
const SAMPLE_ROWS = 5000;

/** A field longer than this is cut in the preview: a 10 MB line must not travel to the page. */
const MAX_FIELD_CHARS = 2000;

const MAX_MALFORMED_LISTED = 20;

function readStart(path: string, bytes: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
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

interface Head {
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

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (typeof value === 'object') {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  }
  return String(value);
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
  const records = rows.map((row, i) => ({ line: i + 1, fields: columns.map((c) => cell(row[c])) }));
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
  let classes: string[];
  let files: string[][];
  try {
    classes = readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    files = classes.map((c) =>
      readdirSync(join(path, c), { withFileTypes: true })
        // Links are followed when read, as the import does; folders named *.txt are no texts
        .filter((e) => !e.isDirectory() && /\.txt$/i.test(e.name))
        .map((e) => e.name)
        .sort(),
    );
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

  // The first file of each class, then the second of each, ...: every class shows early
  const records: RawTable['records'] = [];
  const encodings = new Set<string>();
  const total = files.reduce((n, f) => n + f.length, 0);
  const longest = Math.max(...files.map((f) => f.length));
  for (let i = 0; i < longest && records.length < req.rows; i++) {
    for (let c = 0; c < classes.length && records.length < req.rows; c++) {
      if (i >= files[c].length) continue;
      const file = join(path, classes[c], files[c][i]);
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
      const decoded = decodeHead(bytes, size <= HEAD_BYTES, file, req.encoding ?? 'auto');
      encodings.add(decoded.encoding);
      records.push({ line: records.length + 1, fields: [decoded.text.trim(), classes[c]] });
    }
  }
  return {
    table: {
      format: 'folder',
      columns: ['text', 'label'],
      hasHeader: true,
      records,
      malformed: [],
      notes: [],
    },
    encoding: [...encodings].join(', ') || 'utf-8',
    notes: [`${classes.length} class folders, ${total} files`],
    size: 0,
    whole: true,
    headBytes: 0,
    counted: { rows: total, labels: new Map(classes.map((c, i) => [c, files[i].length])) },
  };
}

async function readHead(req: PeekRequest): Promise<Head> {
  let directory: boolean;
  try {
    directory = statSync(req.path).isDirectory();
  } catch (error) {
    throw fileError(req.path, error);
  }
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

/** The column of that name, case aside, as chooseColumns finds it; -1 when there is none. */
function columnIndex(table: RawTable, name: string | undefined): number {
  if (!name) return -1;
  const exact = table.columns.indexOf(name);
  if (exact >= 0) return exact;
  return table.columns.findIndex((c) => c.trim().toLowerCase() === name.toLowerCase());
}

interface Mapped {
  textColumn: string | null;
  labelColumn: string | null;
  problem: string | null;
  labels: Map<string, number>;
  /** The labels under the names file's names, as the import's row maker names them. */
  named: Map<string, number> | null;
  /** Why the row maker refuses the names file with these options (label columns). */
  namingProblem: string | null;
  malformed: MalformedRecord[];
}

function countLabels(counts: Map<string, number>, row: ParsedRow): void {
  for (const l of row.labels ?? (row.label ? [row.label] : [])) {
    counts.set(l, (counts.get(l) ?? 0) + 1);
  }
}

/**
 * The head's records made into rows by the importer's own row maker: the columns it maps, the
 * labels it makes (transformed, split on a separator, or from 0/1 columns) with their counts,
 * and the records it refuses. Where the columns cannot be mapped, the reason, and whatever
 * columns the user named. With label names, a second maker counts the labels named, while the
 * first keeps the raw ones that say whether the names can name them all.
 */
function mapRows(table: RawTable, req: PeekRequest, names: readonly string[] | null): Mapped {
  const options: ParseOptions = {
    textColumn: req.textColumn,
    labelColumn: req.labelColumn,
    labelColumns: req.labelColumns,
    multiLabel: req.multiLabel,
    splitColumn: req.splitColumn,
    labelTransform: req.labelTransform,
  };
  let maker: RowMaker;
  try {
    maker = rowMaker(req.path, table, options);
  } catch (error) {
    if (!(error instanceof GraftError)) throw error;
    const named = (name: string | undefined): string | null => {
      const i = columnIndex(table, name);
      return i >= 0 ? table.columns[i] : null;
    };
    return {
      textColumn: named(req.textColumn),
      labelColumn: named(req.labelColumn),
      problem: error.message,
      labels: new Map(),
      named: null,
      namingProblem: null,
      malformed: [],
    };
  }
  let namer: RowMaker | null = null;
  let namingProblem: string | null = null;
  if (names) {
    try {
      namer = rowMaker(req.path, table, { ...options, labelNames: names });
    } catch (error) {
      if (!(error instanceof GraftError)) throw error;
      namingProblem = error.message;
    }
  }

  const labels = new Map<string, number>();
  const named = namer ? new Map<string, number>() : null;
  const malformed: MalformedRecord[] = [];
  for (const record of table.records) {
    const row = maker.make(record);
    if (isMalformed(row)) {
      malformed.push(row);
      continue;
    }
    countLabels(labels, row);
    // A row with an id past the names is malformed here; the raw labels report it instead
    const namedRow = namer?.make(record);
    if (named && namedRow && !isMalformed(namedRow)) countLabels(named, namedRow);
  }
  return {
    textColumn: maker.textColumn,
    labelColumn: maker.labelColumn,
    problem: null,
    labels,
    named,
    namingProblem,
    malformed,
  };
}

type PeekLabel = DatasetPeek['labels'][number];

/** The names file's names, or why it cannot be read; neither without a names file. */
function readLabelNames(req: PeekRequest): { names: string[] | null; problem: string | null } {
  if (!req.labelNamesPath) return { names: null, problem: null };
  try {
    return { names: loadLabelNames(req.labelNamesPath), problem: null };
  } catch (error) {
    if (!(error instanceof GraftError)) throw error;
    return { names: null, problem: error.message };
  }
}

/** Several integer ids in one label: GoEmotions' "14,3" read without a label separator. */
const ID_LIST = /^\d+\s*([,;|])\s*\d+(\s*[,;|]\s*\d+)*$/;

/**
 * What stops `names` from naming every label of `ids` (sorted as sortLabels sorts): a label
 * that is no id, or an id past the last name. The import would set each such row aside as
 * malformed, so the preview names none and says why, beside the names file.
 */
function namesProblem(path: string, names: readonly string[], ids: string[]): string | null {
  const other = ids.find((l) => !/^\d+$/.test(l));
  if (other !== undefined) {
    const list = ID_LIST.exec(other);
    return (
      `label ${JSON.stringify(other)} is not an id (a whole number from 0), so no line of ` +
      `${path} names it` +
      (list ? `; if it is several labels, read them as multi-label, separated by "${list[1]}"` : '')
    );
  }
  // Integer labels sort in numeric order: the last is the highest
  const highest = ids[ids.length - 1];
  if (highest === undefined || BigInt(highest) < BigInt(names.length)) return null;
  const has = `${names.length} ${names.length === 1 ? 'name' : 'names'}`;
  return (
    `${path} has ${has}, too few: label ${highest} needs line ${BigInt(highest) + 1n} ` +
    '(label i is named on line i + 1)'
  );
}

/**
 * The labels to preview: named where the names file names them all, each with its ids, else
 * as read, with what stops the names file.
 */
function previewLabels(
  req: PeekRequest,
  head: Head,
  mapped: Mapped,
  names: { names: string[] | null; problem: string | null },
): { labels: PeekLabel[]; problem: string | null } {
  const raw = head.counted?.labels ?? mapped.labels;
  const ids = sortLabels(raw.keys());
  const asRead = ids.map((label) => ({ label, count: raw.get(label)! }));
  if (!names.names || !req.labelNamesPath) return { labels: asRead, problem: names.problem };
  const problem = mapped.namingProblem ?? namesProblem(req.labelNamesPath, names.names, ids);
  if (problem) return { labels: asRead, problem };

  const idsOf = new Map<string, string[]>();
  for (const id of ids) {
    const name = names.names[Number(id)];
    idsOf.set(name, [...(idsOf.get(name) ?? []), id]);
  }
  let counts = mapped.named ?? new Map<string, number>();
  if (head.counted) {
    // Class folders are counted by folder, not by the row maker; a file has one class
    counts = new Map();
    for (const [name, of] of idsOf) {
      let n = 0;
      for (const id of of) n += raw.get(id)!;
      counts.set(name, n);
    }
  }
  const labels = sortLabels(idsOf.keys()).map((label) => ({
    label,
    count: counts.get(label) ?? 0,
    ids: idsOf.get(label)!,
  }));
  return { labels, problem: null };
}

function shortened(field: string): string {
  return field.length > MAX_FIELD_CHARS ? `${field.slice(0, MAX_FIELD_CHARS)}…` : field;
}

/** The head of a dataset file or folder, read as an import with these options would read it. */
export async function peekDataset(req: PeekRequest): Promise<DatasetPeek> {
  const head = await readHead(req);
  const { table } = head;
  const names = readLabelNames(req);
  const mapped = mapRows(table, req, names.names);
  const malformed = [...table.malformed, ...mapped.malformed].sort((a, b) => a.line - b.line);
  const labels = previewLabels(req, head, mapped, names);
  const plan = table.plan?.kind === 'delimited' ? table.plan : null;
  return {
    path: req.path,
    format: table.format,
    encoding: head.encoding,
    notes: head.notes,
    columns: table.columns,
    textColumn: mapped.textColumn,
    labelColumn: mapped.labelColumn,
    problem: mapped.problem,
    records: table.records
      .slice(0, req.rows)
      .map((r) => ({ line: r.line, fields: r.fields.map(shortened) })),
    size: head.size,
    whole: head.whole,
    delimiter: plan ? plan.delimiter : null,
    quoting: plan ? (plan.quoted ? 'rfc4180' : 'none') : null,
    hasHeader: table.hasHeader,
    sampleRows: head.counted?.rows ?? table.records.length,
    headBytes: head.headBytes,
    labelTransform:
      req.labelTransform ??
      (req.labelColumns ? 'none' : table.format === 'label-text' ? 'coarse' : 'none'),
    labels: labels.labels,
    labelNamesProblem: labels.problem,
    malformed: malformed
      .slice(0, MAX_MALFORMED_LISTED)
      .map((m) => ({ line: m.line, reason: m.reason })),
  };
}
