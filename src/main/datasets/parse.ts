/**
 * `parseDatasetFile` / `loadDatasetFile`: one source in, (text, label) rows out, each with the
 * line it came from, all in memory. These are the direct callers' API (tests, scripts); the
 * importer streams rows to disk instead (parse-stream.ts, import.ts). Pure apart from reading.
 *
 * Two modes. Strict (the default, for direct callers): the first empty text, empty label or
 * malformed record throws, naming its line. Lenient (the importer's): they are kept, flagged,
 * for the validation report, where the user decides what to drop.
 */
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';
import type { FormatName, MalformedRecord } from './formats/types';
import {
  streamDatasetFile,
  streamTextFileSync,
  type FileSummary,
  type RowSink,
  type StreamHooks,
} from './parse-stream';
import type { ParsedRow, ParseOptions } from './rows';

export { normaliseText, type ParsedRow, type ParseOptions } from './rows';

const log = logger('datasets');

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

export function lineList(lines: readonly number[]): string {
  const named = lines.slice(0, MAX_LINES_NAMED).join(', ');
  const more = lines.length - MAX_LINES_NAMED;
  return more > 0 ? `${named} (and ${more.toLocaleString('en-US')} more)` : named;
}

/** "line 3, 9", or for rows located by file (a class folder's), "pos/1.txt, neg/4.txt". */
function where(rows: readonly { line: number; source?: string }[]): string {
  if (rows[0]?.source === undefined) return `line ${lineList(rows.map((r) => r.line))}`;
  const named = rows.slice(0, MAX_LINES_NAMED).map((r) => r.source);
  const more = rows.length - named.length;
  return named.join(', ') + (more > 0 ? ` (and ${more.toLocaleString('en-US')} more)` : '');
}

/** Strict mode: every empty text, empty label and malformed record in one message. */
function requireClean(file: ParsedFile): void {
  const emptyText = file.rows.filter((r) => r.text === '');
  const emptyLabel = file.rows.filter((r) => r.label === '');
  const problems: string[] = [];
  if (emptyText.length > 0) {
    problems.push(`empty text (column ${JSON.stringify(file.textColumn)}) at ${where(emptyText)}`);
  }
  if (emptyLabel.length > 0) {
    problems.push(
      `empty label (column ${JSON.stringify(file.labelColumn)}) at ${where(emptyLabel)}`,
    );
  }
  const bad = file.malformed ?? [];
  if (bad.length > 0) {
    const more = bad.length > 1 ? ` (and ${bad.length - 1} more)` : '';
    problems.push(`${where(bad.slice(0, 1))}: ${bad[0].reason}${more}`);
  }
  if (problems.length > 0) {
    throw new GraftError('bad-input', `${file.path}: ${problems.join('; ')}`);
  }
}

export function logParsed(summary: FileSummary, started: number): void {
  log.info(
    () =>
      `parsed ${summary.path}: ${summary.format} ` +
      `(${[summary.encoding, ...summary.notes].join(', ')}), ` +
      `${summary.rows} rows, text ${JSON.stringify(summary.textColumn)}, ` +
      `label ${JSON.stringify(summary.labelColumn)} ` +
      `in ${Math.round(performance.now() - started)} ms`,
  );
}

function toParsedFile(
  summary: FileSummary,
  rows: ParsedRow[],
  malformed: MalformedRecord[],
  options: ParseOptions,
): ParsedFile {
  const parsed: ParsedFile = {
    path: summary.path,
    format: summary.format,
    encoding: summary.encoding,
    columns: summary.columns,
    textColumn: summary.textColumn,
    labelColumn: summary.labelColumn,
    rows,
    malformed: [...malformed].sort((a, b) => a.line - b.line),
    notes: summary.notes,
  };
  if (!options.lenient) requireClean(parsed);
  return parsed;
}

/** A text file (CSV, TSV, JSON, JSONL, "label text"), read synchronously. */
export function parseDatasetFile(
  path: string,
  options: ParseOptions = {},
  hooks: StreamHooks = {},
): ParsedFile {
  const started = performance.now();
  const rows: ParsedRow[] = [];
  const malformed: MalformedRecord[] = [];
  const summary = streamTextFileSync(path, options, sinkInto(rows, malformed), hooks);
  logParsed(summary, started);
  return toParsedFile(summary, rows, malformed, options);
}

/** Any source: a text file, a Parquet file, or a folder of class sub-folders. */
export async function loadDatasetFile(
  path: string,
  options: ParseOptions = {},
  hooks: StreamHooks = {},
): Promise<ParsedFile> {
  const started = performance.now();
  const rows: ParsedRow[] = [];
  const malformed: MalformedRecord[] = [];
  const summary = await streamDatasetFile(path, options, sinkInto(rows, malformed), hooks);
  logParsed(summary, started);
  return toParsedFile(summary, rows, malformed, options);
}

function sinkInto(rows: ParsedRow[], malformed: MalformedRecord[]): RowSink {
  return {
    row: (row) => rows.push(row),
    malformed: (m) => malformed.push(m),
    restart: () => {
      rows.length = 0;
      malformed.length = 0;
    },
  };
}
