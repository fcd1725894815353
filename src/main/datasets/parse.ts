/**
 * `parseDatasetFile` / `loadDatasetFile`: one source in, (text, label) rows out, each with the
 * line it came from. Pure apart from reading: nothing is stored, so the importer can check a
 * train file against its test file, and show the report, before any of it reaches the database.
 *
 * Two modes. Strict (the default, for direct callers): the first empty text, empty label or
 * malformed record throws, naming its line. Lenient (the importer's): they are kept, flagged,
 * for the validation report, where the user decides what to drop.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { SplitName } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';
import { chooseColumns } from './columns';
import { decodeText, fileError, normaliseNewlines, readBytes, type EncodingOption } from './decode';
import { isParquet, readFolder, readParquet } from './formats/binary';
import { chooseReader, readerByName } from './formats/registry';
import type {
  FormatName,
  LabelLevel,
  MalformedRecord,
  QuotingOption,
  RawTable,
} from './formats/types';
import { labelTransform, splitLabels } from './labels';

const log = logger('datasets');

export interface ParseOptions {
  textColumn?: string;
  labelColumn?: string;
  /** A column whose values (train, validation/dev, test) assign each row its split. */
  splitColumn?: string;
  /** Keep only the first N data rows. */
  limit?: number;
  /** 'auto' (default): from the extension, else sniffed from the first lines. */
  format?: 'auto' | FormatName;
  /** 'auto' (default): BOM, UTF-16, UTF-8, GBK, then Windows-1252 with a warning. */
  encoding?: EncodingOption;
  /** 'auto' (default): a first row is a header unless its values recur as data below it. */
  header?: 'auto' | boolean;
  /** 'auto' (default): RFC 4180 for CSV; off for TSV unless the file is plainly RFC-quoted. */
  quoting?: QuotingOption;
  /** A delimiter for delimited files; sniffed among , TAB ; | otherwise. */
  delimiter?: string;
  /** Older spelling of labelTransform for "label text" files: 'coarse' or 'fine'. */
  labelLevel?: LabelLevel;
  /** See labels.ts; default 'coarse' for "label text" files, 'none' for the rest. */
  labelTransform?: string;
  /** Multi-label: the separator between a row's labels (a JSON list field also works). */
  multiLabel?: string;
  /** Names for integer label ids: id i is names[i] (GoEmotions' labels.txt). */
  labelNames?: readonly string[];
  /** Keep empty and malformed rows, flagged, instead of throwing at the first. */
  lenient?: boolean;
}

export interface ParsedRow {
  text: string;
  label: string;
  /** 1-based line of the record in the file. */
  line: number;
  /** Multi-label rows: every label of the row, transformed and named; `label` is the first. */
  labels?: string[];
  /** From the split column, when one was named. */
  split?: SplitName;
}

export interface ParsedFile {
  path: string;
  format: FormatName;
  encoding: string;
  columns: string[];
  textColumn: string;
  labelColumn: string;
  rows: ParsedRow[];
  /** Lenient mode: records that could not become rows, with their line and raw text. */
  malformed?: MalformedRecord[];
  /** How the file was read: 'BOM', 'quoting off', 'no header row'... */
  notes?: string[];
}

/** How many line numbers an error lists before it says "and N more". */
const MAX_LINES_NAMED = 5;

const SPLIT_VALUES: Record<string, SplitName> = {
  train: 'train',
  training: 'train',
  dev: 'validation',
  val: 'validation',
  valid: 'validation',
  validation: 'validation',
  test: 'test',
  testing: 'test',
};

/** Text as stored and hashed: NFC (so that é typed two ways is one string), ends trimmed. */
export function normaliseText(value: string): string {
  return value.normalize('NFC').trim();
}

export function lineList(lines: readonly number[]): string {
  const named = lines.slice(0, MAX_LINES_NAMED).join(', ');
  const more = lines.length - MAX_LINES_NAMED;
  return more > 0 ? `${named} (and ${more} more)` : named;
}

function readTextTable(path: string, options: ParseOptions): { table: RawTable; encoding: string } {
  const bytes = readBytes(path);
  if (bytes.length === 0) throw new GraftError('bad-input', `${path} is empty`);
  if (isParquet(bytes)) {
    throw new GraftError('invalid-argument', `${path} is Parquet; it is read by loadDatasetFile`);
  }
  const decoded = decodeText(bytes, path, options.encoding ?? 'auto');
  const text = normaliseNewlines(decoded.text);
  if (text.trim() === '') throw new GraftError('bad-input', `${path} is empty`);

  const reader =
    options.format && options.format !== 'auto'
      ? readerByName(options.format)
      : chooseReader(path, text);
  const table = reader.read(path, text, {
    header: options.header ?? 'auto',
    quoting: options.quoting ?? 'auto',
    labelLevel: options.labelLevel ?? 'coarse',
    delimiter: options.delimiter,
    lenient: options.lenient ?? false,
  });
  table.notes.unshift(...decoded.notes);
  return { table, encoding: decoded.encoding };
}

function transformFor(table: RawTable, options: ParseOptions): (l: string) => string {
  if (options.labelTransform) return labelTransform(options.labelTransform);
  if (table.format === 'label-text') {
    return labelTransform(options.labelLevel === 'fine' ? 'fine' : 'coarse');
  }
  return (l) => l;
}

/** Maps an integer id to its name; a reason string when the id has none. */
function namer(names: readonly string[] | undefined): (l: string) => string | { bad: string } {
  if (!names) return (l) => l;
  return (l) => {
    const id = /^\d+$/.test(l) ? Number(l) : -1;
    if (id >= 0 && id < names.length) return names[id];
    return { bad: `label ${JSON.stringify(l)} is not an id of the ${names.length} label names` };
  };
}

function splitOf(value: string): SplitName | null {
  return SPLIT_VALUES[value.trim().toLowerCase()] ?? null;
}

/** A table's records as rows: columns chosen, labels transformed, problems collected. */
export function tableToRows(
  path: string,
  table: RawTable,
  encoding: string,
  options: ParseOptions,
): ParsedFile {
  if (table.records.length === 0) {
    const header = table.hasHeader ? 'a header row but ' : '';
    throw new GraftError('bad-input', `${path} has ${header}no data rows`);
  }
  const records =
    options.limit !== undefined ? table.records.slice(0, options.limit) : table.records;
  const kept: RawTable = { ...table, records };
  const cols = chooseColumns(kept, options, path);
  // chooseColumns finds a named column (case-insensitively, listing the others on failure)
  const splitRequest = { textColumn: options.splitColumn, labelColumn: table.columns[cols.label] };
  const splitCol = options.splitColumn ? chooseColumns(kept, splitRequest, path).text : -1;
  const transform = transformFor(table, options);
  const name = namer(options.labelNames);
  const malformed: MalformedRecord[] = [...table.malformed];

  const rows: ParsedRow[] = [];
  for (const r of records) {
    const text = normaliseText(r.fields[cols.text] ?? '');
    const field = normaliseText(r.fields[cols.label] ?? '');
    const raw = options.multiLabel ? splitLabels(field, options.multiLabel) : field ? [field] : [];
    const named = raw.map((l) => name(transform(l)));
    const bad = named.find((n): n is { bad: string } => typeof n !== 'string');
    const row: ParsedRow = { text, label: '', line: r.line };
    if (bad) {
      malformed.push({ line: r.line, reason: bad.bad, raw: r.fields.join('\u241F') });
      continue;
    }
    const labels = named as string[];
    row.label = labels[0] ?? '';
    if (options.multiLabel) row.labels = labels;
    if (splitCol >= 0) {
      const split = splitOf(r.fields[splitCol] ?? '');
      if (!split) {
        const value = JSON.stringify(r.fields[splitCol] ?? '');
        malformed.push({
          line: r.line,
          reason: `split value ${value}; accepted: ${Object.keys(SPLIT_VALUES).join(', ')}`,
          raw: r.fields.join('\u241F'),
        });
        continue;
      }
      row.split = split;
    }
    rows.push(row);
  }
  malformed.sort((a, b) => a.line - b.line);

  const parsed: ParsedFile = {
    path,
    format: table.format,
    encoding,
    columns: table.columns,
    textColumn: table.columns[cols.text],
    labelColumn: table.columns[cols.label],
    rows,
    malformed,
    notes: table.notes,
  };
  if (!options.lenient) requireClean(parsed);
  return parsed;
}

/** Strict mode: every empty text, empty label and malformed record in one message. */
function requireClean(file: ParsedFile): void {
  const emptyText = file.rows.filter((r) => r.text === '').map((r) => r.line);
  const emptyLabel = file.rows.filter((r) => r.label === '').map((r) => r.line);
  const problems: string[] = [];
  if (emptyText.length > 0) {
    problems.push(
      `empty text (column ${JSON.stringify(file.textColumn)}) at line ${lineList(emptyText)}`,
    );
  }
  if (emptyLabel.length > 0) {
    problems.push(
      `empty label (column ${JSON.stringify(file.labelColumn)}) at line ${lineList(emptyLabel)}`,
    );
  }
  const bad = file.malformed ?? [];
  if (bad.length > 0) {
    const more = bad.length > 1 ? ` (and ${bad.length - 1} more)` : '';
    problems.push(`line ${bad[0].line}: ${bad[0].reason}${more}`);
  }
  if (problems.length > 0) {
    throw new GraftError('bad-input', `${file.path}: ${problems.join('; ')}`);
  }
}

function logParsed(parsed: ParsedFile, started: number): void {
  log.info(
    () =>
      `parsed ${parsed.path}: ${parsed.format} ` +
      `(${[parsed.encoding, ...(parsed.notes ?? [])].join(', ')}), ` +
      `${parsed.rows.length} rows, text ${JSON.stringify(parsed.textColumn)}, ` +
      `label ${JSON.stringify(parsed.labelColumn)} in ${Math.round(performance.now() - started)} ms`,
  );
}

/** A text file (CSV, TSV, JSON, JSONL, "label text"), read synchronously. */
export function parseDatasetFile(path: string, options: ParseOptions = {}): ParsedFile {
  const started = performance.now();
  const { table, encoding } = readTextTable(path, options);
  const parsed = tableToRows(path, table, encoding, options);
  logParsed(parsed, started);
  return parsed;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    throw fileError(path, error);
  }
}

/** Any source: a text file, a Parquet file, or a folder of class sub-folders. */
export async function loadDatasetFile(
  path: string,
  options: ParseOptions = {},
): Promise<ParsedFile> {
  const started = performance.now();
  const format = options.format ?? 'auto';
  let table: RawTable;
  let encoding = 'binary';

  if (isDirectory(path)) {
    if (format !== 'auto' && format !== 'folder') {
      throw new GraftError('bad-input', `${path} is a folder; expected a ${format} file`);
    }
    table = readFolder(path, options.encoding ?? 'auto');
    encoding = table.notes[1]?.replace('file encodings: ', '') ?? 'utf-8';
  } else if (format === 'parquet' || (format === 'auto' && isParquetFile(path))) {
    table = await readParquet(path);
  } else if (format === 'folder') {
    throw new GraftError('bad-input', `${path} is a file; the folder format needs a folder`);
  } else {
    const read = readTextTable(path, options);
    table = read.table;
    encoding = read.encoding;
  }
  const parsed = tableToRows(path, table, encoding, options);
  logParsed(parsed, started);
  return parsed;
}

function isParquetFile(path: string): boolean {
  if (extname(path).toLowerCase() === '.parquet') return true;
  const head = new Uint8Array(4);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, head, 0, 4, 0) === 4 && isParquet(head);
  } finally {
    closeSync(fd);
  }
}
