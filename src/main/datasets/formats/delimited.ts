/**
 * CSV and TSV with one record per line and an optional header row.
 *
 * Quoting is where real files differ. CSV follows RFC 4180 (papaparse). TSV as written by GLUE
 * and the SMS Spam Collection has no quoting at all: a message may begin with `"` and that quote
 * is part of the text, so RFC parsing would strip it or swallow the lines that follow (5,572 SMS
 * rows instead of 5,574). TSV is therefore read with quoting off, and RFC quoting is tried only
 * when that gives rows of unequal width, which is what a TSV with quoted tabs or newlines does.
 */
import Papa from 'papaparse';
import { GraftError } from '../../../shared/errors';
import { looksLikeHeader } from './header';
import {
  generatedColumnNames,
  type FormatName,
  type FormatReader,
  type RawRecord,
  type RawTable,
  type ReadOptions,
} from './types';

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', '\t': 'tab' };

function isBlank(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

/** Quoting off: a record is a line, fields are what lies between delimiters. */
export function splitPlain(text: string, delimiter: string): RawRecord[] {
  const records: RawRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i].split(delimiter);
    if (!isBlank(fields)) records.push({ line: i + 1, fields });
  }
  return records;
}

export interface QuotedResult {
  records: RawRecord[];
  /** The first malformed quote papaparse met, with its line; null when there was none. */
  problem: { line: number; message: string } | null;
}

/** RFC 4180 via papaparse, tracking the line each record starts on from papaparse's cursor. */
export function splitQuoted(text: string, delimiter: string): QuotedResult {
  const records: RawRecord[] = [];
  let problem: QuotedResult['problem'] = null;
  let start = 0;
  let line = 1;

  Papa.parse<string[]>(text, {
    delimiter,
    newline: '\n',
    quoteChar: '"',
    skipEmptyLines: false,
    step: (result) => {
      const end = result.meta.cursor;
      if (!isBlank(result.data)) records.push({ line, fields: result.data });
      if (problem === null && result.errors.length > 0) {
        problem = { line, message: result.errors[0].message };
      }

      for (let i = start; i < end && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
      start = end;
    },
  });
  return { records, problem };
}

function firstMismatch(records: readonly RawRecord[]): RawRecord | undefined {
  const width = records[0]?.fields.length ?? 0;
  return records.find((r) => r.fields.length !== width);
}

function widthError(path: string, records: RawRecord[], bad: RawRecord, delim: string): GraftError {
  const first = records[0];
  return new GraftError(
    'bad-input',
    `${path} line ${bad.line}: ${bad.fields.length} fields, but line ${first.line} has ` +
      `${first.fields.length} (${DELIMITER_NAMES[delim] ?? JSON.stringify(delim)}-separated)`,
  );
}

function splitRecords(
  path: string,
  text: string,
  delimiter: string,
  quoting: 'rfc4180' | 'none' | 'auto',
  notes: string[],
): RawRecord[] {
  if (quoting === 'none' || quoting === 'auto') {
    const plain = splitPlain(text, delimiter);
    const bad = firstMismatch(plain);
    if (!bad) {
      notes.push('quoting off');
      return plain;
    }
    if (quoting === 'none') throw widthError(path, plain, bad, delimiter);

    // Unequal widths may come from quoted delimiters or newlines: RFC quoting may explain them
    const quoted = splitQuoted(text, delimiter);
    if (quoted.problem === null && !firstMismatch(quoted.records)) {
      notes.push('RFC 4180 quoting');
      return quoted.records;
    }
    throw widthError(path, plain, bad, delimiter);
  }

  const quoted = splitQuoted(text, delimiter);
  if (quoted.problem !== null) {
    const { line, message } = quoted.problem;
    throw new GraftError('bad-input', `${path} line ${line}: malformed quoted field (${message})`);
  }
  const bad = firstMismatch(quoted.records);
  if (bad) throw widthError(path, quoted.records, bad, delimiter);
  notes.push('RFC 4180 quoting');
  return quoted.records;
}

function readDelimited(
  format: FormatName,
  delimiter: string,
  defaultQuoting: 'rfc4180' | 'auto',
): FormatReader['read'] {
  return (path: string, text: string, options: ReadOptions): RawTable => {
    const notes: string[] = [];
    const quoting = options.quoting === 'auto' ? defaultQuoting : options.quoting;
    const records = splitRecords(path, text, delimiter, quoting, notes);

    const header =
      records.length > 0 &&
      (options.header === 'auto' ? looksLikeHeader(records[0], records.slice(1)) : options.header);
    if (!header) notes.push('no header row');

    const width = records[0]?.fields.length ?? 0;
    const columns = header
      ? records[0].fields.map((f, i) => f.trim() || `column${i + 1}`)
      : generatedColumnNames(width);
    const data = header ? records.slice(1) : records;
    return { format, columns, hasHeader: header, records: data, notes };
  };
}

/** Every sampled line has the same number (at least one) of this delimiter. */
function sameCount(lines: readonly string[], delimiter: string): boolean {
  const counts = lines.map((l) => l.split(delimiter).length - 1);
  return counts.length > 0 && counts[0] > 0 && counts.every((c) => c === counts[0]);
}

export const tsvReader: FormatReader = {
  name: 'tsv',
  extensions: ['.tsv', '.tab'],
  sniff: (lines) => sameCount(lines, '\t'),
  read: readDelimited('tsv', '\t', 'auto'),
};

export const csvReader: FormatReader = {
  name: 'csv',
  extensions: ['.csv'],
  sniff: (lines) => {
    // The sample may end inside a quoted field, so its last record is not held against it
    const { records } = splitQuoted(lines.join('\n'), ',');
    const whole = records.slice(0, Math.max(1, records.length - 1));
    return whole[0]?.fields.length > 1 && !firstMismatch(whole);
  },
  read: readDelimited('csv', ',', 'rfc4180'),
};
