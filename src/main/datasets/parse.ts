/**
 * `parseDatasetFile`: one file in, (text, label) rows out, each with the line it came from.
 * Pure apart from reading the file: nothing is stored, so the importer can check a train file
 * against its test file before any of it reaches the database.
 */
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';
import { chooseColumns } from './columns';
import { decodeText, normaliseNewlines, readBytes, type EncodingOption } from './decode';
import { chooseReader, readerByName } from './formats/registry';
import type { FormatName, LabelLevel, QuotingOption, RawTable } from './formats/types';

const log = logger('datasets');

export interface ParseOptions {
  textColumn?: string;
  labelColumn?: string;
  /** Keep only the first N data rows. */
  limit?: number;
  /** 'auto' (default): from the extension, else sniffed from the first lines. */
  format?: 'auto' | FormatName;
  /** 'auto' (default): strict UTF-8, falling back to Windows-1252 with a warning. */
  encoding?: EncodingOption;
  /** 'auto' (default): a first row is a header unless its values recur as data below it. */
  header?: 'auto' | boolean;
  /** 'auto' (default): RFC 4180 for CSV; off for TSV unless rows only line up with it. */
  quoting?: QuotingOption;
  /** "label text" files with `COARSE:fine` labels: 'coarse' (default) keeps the part before ':'. */
  labelLevel?: LabelLevel;
}

export interface ParsedRow {
  text: string;
  label: string;
  /** 1-based line of the record in the file. */
  line: number;
}

export interface ParsedFile {
  path: string;
  format: FormatName;
  encoding: string;
  columns: string[];
  textColumn: string;
  labelColumn: string;
  rows: ParsedRow[];
}

/** How many line numbers an error lists before it says "and N more". */
const MAX_LINES_NAMED = 5;

/** Text as stored and hashed: NFC (so that é typed two ways is one string), ends trimmed. */
export function normaliseText(value: string): string {
  return value.normalize('NFC').trim();
}

export function lineList(lines: readonly number[]): string {
  const named = lines.slice(0, MAX_LINES_NAMED).join(', ');
  const more = lines.length - MAX_LINES_NAMED;
  return more > 0 ? `${named} (and ${more} more)` : named;
}

function readTable(path: string, options: ParseOptions): { table: RawTable; encoding: string } {
  const bytes = readBytes(path);
  const { text: decoded, encoding } = decodeText(bytes, path, options.encoding ?? 'auto');
  const text = normaliseNewlines(decoded);
  if (text.trim() === '') throw new GraftError('bad-input', `${path} is empty`);

  const reader =
    options.format && options.format !== 'auto'
      ? readerByName(options.format)
      : chooseReader(path, text);
  const table = reader.read(path, text, {
    header: options.header ?? 'auto',
    quoting: options.quoting ?? 'auto',
    labelLevel: options.labelLevel ?? 'coarse',
  });

  if (table.records.length === 0) {
    throw new GraftError('bad-input', `${path} has a header row but no data rows`);
  }
  return { table, encoding };
}

export function parseDatasetFile(path: string, options: ParseOptions = {}): ParsedFile {
  const started = performance.now();
  const { table, encoding } = readTable(path, options);

  const records =
    options.limit !== undefined ? table.records.slice(0, options.limit) : table.records;
  const kept: RawTable = { ...table, records };
  const cols = chooseColumns(kept, options, path);
  const textColumn = table.columns[cols.text];
  const labelColumn = table.columns[cols.label];

  const rows: ParsedRow[] = [];
  const emptyText: number[] = [];
  const emptyLabel: number[] = [];
  for (const r of records) {
    const text = normaliseText(r.fields[cols.text] ?? '');
    const label = normaliseText(r.fields[cols.label] ?? '');
    if (text === '') emptyText.push(r.line);
    if (label === '') emptyLabel.push(r.line);
    rows.push({ text, label, line: r.line });
  }

  // Both problems in one message: the user fixes the file once, not twice
  const problems: string[] = [];
  if (emptyText.length > 0) {
    problems.push(
      `empty text (column ${JSON.stringify(textColumn)}) at line ${lineList(emptyText)}`,
    );
  }
  if (emptyLabel.length > 0) {
    problems.push(
      `empty label (column ${JSON.stringify(labelColumn)}) at line ${lineList(emptyLabel)}`,
    );
  }
  if (problems.length > 0) throw new GraftError('bad-input', `${path}: ${problems.join('; ')}`);

  log.info(
    () =>
      `parsed ${path}: ${table.format} (${[encoding, ...table.notes].join(', ')}), ` +
      `${rows.length} rows, text ${JSON.stringify(textColumn)}, ` +
      `label ${JSON.stringify(labelColumn)} in ${Math.round(performance.now() - started)} ms`,
  );
  return {
    path,
    format: table.format,
    encoding,
    columns: table.columns,
    textColumn,
    labelColumn,
    rows,
  };
}
