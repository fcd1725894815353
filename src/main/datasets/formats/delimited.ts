/**
 * CSV and TSV (and other delimiters) with one record per line and an optional header row.
 *
 * Quoting is where real files differ. CSV follows RFC 4180 (papaparse). TSV as written by GLUE
 * and the SMS Spam Collection has no quoting at all: a message may begin with `"` and that quote
 * is part of the text, so RFC parsing would strip it or swallow the lines that follow (5,572 SMS
 * rows instead of 5,574). GoEmotions' TSV is the opposite: texts with a quote are RFC-quoted.
 * TSV is therefore read with quoting off unless every field that opens with a quote is a whole
 * RFC-quoted field, or unless only RFC quoting makes the rows line up.
 */
import { DatasetImportRequest } from '../../../shared/contract';
import { GraftError } from '../../../shared/errors';
import { detach } from '../detach';
import { headerColumns, looksLikeHeader } from './header';
import { delimiterName, sameCount, SNIFFED_DELIMITERS } from './delimiters';
import { LineSplitter, QuotedSplitter } from './incremental';
import {
  allowedShare,
  HINT_LINES,
  MAX_MALFORMED_SHARE,
  tooManyHint,
  tooManyMalformed,
} from './malformed-share';
import { quoteReason } from './quote-reasons';
import {
  generatedColumnNames,
  type FormatName,
  type FormatReader,
  type MalformedRecord,
  type QuotingOption,
  type RawRecord,
  type RawTable,
  type ReadOptions,
  type RecordSink,
  type RecordStream,
  type StreamOptions,
  type StreamPlan,
} from './types';

/** A whole field in RFC 4180 quotes: `"..."` with inner quotes doubled. */
const RFC_FIELD = /^"(?:[^"]|"")*"$/s;

/** A record's text for the report: as the file has it, or its fields where that is unknown. */
export function rawText(record: RawRecord): string {
  return record.raw ?? record.fields.join('\u241F');
}

/**
 * A line with nothing on it, which is no record. A line of delimiters alone (`,,`) is one: a
 * row with empty fields, or of another width, that the report names rather than skips.
 */
function isBlank(fields: readonly string[]): boolean {
  return fields.length === 1 && fields[0].trim() === '';
}

/** Quoting off: a record is a line, fields are what lies between delimiters. */
export function splitPlain(text: string, delimiter: string): RawRecord[] {
  const records: RawRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i].split(delimiter);
    if (!leadingEmpty(records, fields)) records.push({ line: i + 1, fields, raw: lines[i] });
  }
  return records;
}

export interface QuotedResult {
  records: RawRecord[];
  /** Records papaparse flagged (malformed quotes), with their lines and what is wrong. */
  problems: { line: number; reason: string }[];
}

/**
 * RFC 4180 via papaparse, with the line each record starts on. `partial` text is a file's head:
 * its last record, perhaps cut short inside a quoted field, is left out.
 */
export function splitQuoted(text: string, delimiter: string, partial = false): QuotedResult {
  const records: RawRecord[] = [];
  const problems: QuotedResult['problems'] = [];
  const splitter = new QuotedSplitter(delimiter, (record) => {
    const { fields, raw, line } = record;
    if (!leadingEmpty(records, fields)) records.push({ line, fields, raw });
    if (record.problem) problems.push({ line, reason: quoteReason(record, delimiter) });
  });
  if (partial) splitter.push(text);
  else splitter.end(text);
  return { records, problems };
}

/** True when some field opens with a quote and every such field is one whole quoted field. */
function looksRfcQuoted(records: readonly RawRecord[]): boolean {
  let quoted = 0;
  for (const r of records) {
    for (const f of r.fields) {
      if (f.charCodeAt(0) !== 34) continue;
      if (!RFC_FIELD.test(f)) return false;
      quoted++;
    }
  }
  return quoted > 0;
}

/**
 * A record of empty fields (`,,,` in a spreadsheet's export) says nothing of the delimiter:
 * whatever its width it is a row with an empty text, which the report names.
 */
function isEmptyRecord(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

/** Whether a record is another width than `width`, empty records aside. */
function otherWidth(record: RawRecord, width: number): boolean {
  return record.fields.length !== width && !isEmptyRecord(record.fields);
}

/** A blank line, or empty fields before the first record (the header's place): no record. */
function leadingEmpty(records: readonly RawRecord[], fields: readonly string[]): boolean {
  return isBlank(fields) || (records.length === 0 && isEmptyRecord(fields));
}

function mismatches(records: readonly RawRecord[]): RawRecord[] {
  const width = records[0]?.fields.length ?? 0;
  return records.filter((r) => otherWidth(r, width));
}

/** `n` and a noun, plural unless `n` is 1: "1 field", "2 fields". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function widthReason(bad: RawRecord, first: RawRecord, delim: string): string {
  return (
    `${count(bad.fields.length, 'field')}, but line ${first.line} has ${first.fields.length} ` +
    `(${delimiterName(delim)}-separated)`
  );
}

interface Split {
  records: RawRecord[];
  malformed: MalformedRecord[];
  /** Whether RFC 4180 quoting was applied (the rest of a large file is read the same way). */
  quoted?: boolean;
  /** The first records' text, good and bad, for the delimiter a refusal suggests. */
  sample?: string[];
}

/**
 * Keeps well-formed records and sets the others aside, or throws at the first bad record in
 * strict mode. Whether too many are bad waits for the header row: only data records count.
 */
function setAside(
  path: string,
  records: RawRecord[],
  bad: ReadonlySet<RawRecord>,
  reasons: (r: RawRecord) => string,
  lenient: boolean,
): Split {
  const first = records.find((r) => bad.has(r));
  if (!first) return { records, malformed: [] };
  if (!lenient) throw new GraftError('bad-input', `${path} line ${first.line}: ${reasons(first)}`);
  return {
    records: records.filter((r) => !bad.has(r)),
    malformed: records
      .filter((r) => bad.has(r))
      .map((r) => ({ line: r.line, reason: reasons(r), raw: rawText(r) })),
    sample: records.slice(0, HINT_LINES).map(rawText),
  };
}

/**
 * Throws when so many of the data records are malformed that the file is not of this shape
 * at all; `data` are the good ones, the header row left out.
 */
function refuseTooMany(path: string, split: Split, data: number, delim: string, share: number) {
  const bad = split.malformed.length;
  if (bad === 0 || !tooManyMalformed(bad, data + bad, share)) return;
  const [first] = split.malformed;
  const hint = tooManyHint(bad, data + bad, split.sample ?? [], delim, share);
  throw new GraftError('bad-input', `${path} line ${first.line}: ${first.reason}; ${hint}`);
}

function widthSplit(path: string, records: RawRecord[], delim: string, lenient: boolean): Split {
  const bad = new Set(mismatches(records));
  return setAside(path, records, bad, (r) => widthReason(r, records[0], delim), lenient);
}

function quotedSplit(path: string, text: string, delim: string, options: ReadOptions): Split {
  const lenient = options.lenient;
  const quoted = splitQuoted(text, delim, options.partial);
  const problemLines = new Map(quoted.problems.map((p) => [p.line, p.reason]));
  const width = quoted.records[0]?.fields.length ?? 0;
  const bad = new Set(
    quoted.records.filter((r) => problemLines.has(r.line) || otherWidth(r, width)),
  );
  const reason = (r: RawRecord): string =>
    problemLines.get(r.line) ?? widthReason(r, quoted.records[0], delim);
  return { ...setAside(path, quoted.records, bad, reason, lenient), quoted: true };
}

function splitRecords(
  path: string,
  text: string,
  delimiter: string,
  quoting: QuotingOption,
  notes: string[],
  options: ReadOptions,
): Split {
  const lenient = options.lenient;
  if (quoting === 'rfc4180') {
    notes.push('RFC 4180 quoting');
    return quotedSplit(path, text, delimiter, options);
  }

  const plain = splitPlain(text, delimiter);
  if (quoting === 'none') {
    notes.push('quoting off');
    return widthSplit(path, plain, delimiter, lenient);
  }

  if (looksRfcQuoted(plain)) {
    notes.push('RFC 4180 quoting (every quoted field is whole)');
    return quotedSplit(path, text, delimiter, options);
  }
  if (mismatches(plain).length === 0) {
    notes.push('quoting off');
    return { records: plain, malformed: [] };
  }

  // Unequal widths may come from quoted delimiters or newlines: RFC quoting may explain them
  const quoted = splitQuoted(text, delimiter, options.partial);
  if (quoted.problems.length === 0 && mismatches(quoted.records).length === 0) {
    notes.push('RFC 4180 quoting');
    return { records: quoted.records, malformed: [], quoted: true };
  }
  notes.push('quoting off');
  return widthSplit(path, plain, delimiter, lenient);
}

/**
 * The delimiter whose RFC-parsed sample lines up in two or more columns; null for none. Where
 * none lines up exactly, one that lines up but for a few records (at most a tenth, so none in
 * under ten) is taken: a stray row of another width is a malformed row for the report, not a
 * sign of another format.
 */
export function sniffDelimiter(lines: readonly string[]): string | null {
  for (const d of SNIFFED_DELIMITERS) {
    if (d === '\t' ? sameCount(lines, d) : linesUp(lines, d)) return d;
  }
  const misfits = Math.floor(lines.length * MAX_MALFORMED_SHARE);
  if (misfits === 0) return null;
  return SNIFFED_DELIMITERS.find((d) => linesUp(lines, d, misfits)) ?? null;
}

function linesUp(lines: readonly string[], delimiter: string, misfits = 0): boolean {
  // The sample may end inside a quoted field, so its last record is not held against it
  const { records } = splitQuoted(lines.join('\n'), delimiter);
  const whole = records.slice(0, Math.max(1, records.length - 1));
  return whole[0]?.fields.length > 1 && mismatches(whole).length <= misfits;
}

/**
 * The user's delimiter by the request schema's rule (one for the CLI, the app and direct
 * callers, who reach this without the schema): "tab" and "\t" are a tab.
 */
function userDelimiter(delimiter: string | undefined): string | undefined {
  if (delimiter === undefined) return undefined;
  const checked = DatasetImportRequest.shape.delimiter.safeParse(delimiter);
  if (checked.success) return checked.data;
  throw new GraftError('invalid-argument', `delimiter: ${checked.error.issues[0].message}`);
}

function readDelimited(
  format: FormatName,
  defaultDelimiter: string,
  defaultQuoting: QuotingOption,
): FormatReader['read'] {
  return (path: string, text: string, options: ReadOptions): RawTable => {
    const notes: string[] = [];
    const chosen = userDelimiter(options.delimiter);
    let delimiter = chosen ?? defaultDelimiter;
    if (!chosen && format === 'csv') {
      const sample = text.split('\n', 200).filter((l) => l.trim() !== '');
      if (!linesUp(sample, ',')) delimiter = sniffDelimiter(sample) ?? ',';
    }
    if (delimiter !== defaultDelimiter) notes.push(`${delimiterName(delimiter)}-separated`);

    const quoting = options.quoting === 'auto' ? defaultQuoting : options.quoting;
    const share = allowedShare(options.maxMalformedShare);
    const split = splitRecords(path, text, delimiter, quoting, notes, options);
    const { records, malformed, quoted } = split;

    const header =
      records.length > 0 &&
      (options.header === 'auto' ? looksLikeHeader(records[0], records.slice(1)) : options.header);
    if (!header) notes.push('no header row');

    const width = records[0]?.fields.length ?? 0;
    const columns = header ? headerColumns(records[0].fields, notes) : generatedColumnNames(width);
    const data = header ? records.slice(1) : records;
    refuseTooMany(path, split, data.length, delimiter, share);
    const plan: StreamPlan = { kind: 'delimited', quoted: quoted === true, delimiter, header };
    return { format, columns, hasHeader: header, records: data, malformed, notes, plan };
  };
}

/**
 * The rest of a large delimited file, read as its head was (see StreamPlan): records of
 * another width, or with broken quotes, are set aside as malformed, or thrown at once in
 * strict mode; so many of them that the plan is plainly wrong fails at the end.
 */
export function streamDelimited(
  path: string,
  plan: Extract<StreamPlan, { kind: 'delimited' }>,
  options: StreamOptions,
  sink: RecordSink,
): RecordStream {
  const { lenient } = options;
  const share = allowedShare(options.maxMalformedShare);
  let first: RawRecord | null = null;
  let headerSeen = !plan.header;
  let total = 0;
  let bad = 0;
  let firstBad: { line: number; reason: string } | null = null;
  // The first lines, to suggest a delimiter should most records not fit
  const headLines: string[] = [];

  const take = (record: RawRecord, brokenQuote?: string): void => {
    if (isBlank(record.fields) || (first === null && isEmptyRecord(record.fields))) return;
    total++;
    if (headLines.length < HINT_LINES) headLines.push(detach(rawText(record)));
    first ??= record;
    const reason =
      brokenQuote ??
      (first && otherWidth(record, first.fields.length)
        ? widthReason(record, first, plan.delimiter)
        : null);
    if (reason === null) {
      if (headerSeen) sink.record(record);
      headerSeen = true;
      return;
    }
    if (!lenient) throw new GraftError('bad-input', `${path} line ${record.line}: ${reason}`);
    bad++;
    firstBad ??= { line: record.line, reason };
    sink.malformed({ line: record.line, reason, raw: rawText(record) });
  };

  const splitter = plan.quoted
    ? new QuotedSplitter(plan.delimiter, (r) =>
        take(r, r.problem ? quoteReason(r, plan.delimiter) : undefined),
      )
    : new LineSplitter((text, line) =>
        take({ line, fields: text.split(plan.delimiter), raw: text }),
      );
  return {
    push: (text) => splitter.push(text),
    end: () => {
      splitter.end();
      // The header row, taken from the first good record, is no data record
      const data = total - (plan.header && headerSeen ? 1 : 0);
      if (firstBad && tooManyMalformed(bad, data, share)) {
        const hint = tooManyHint(bad, data, headLines, plan.delimiter, share);
        throw new GraftError(
          'bad-input',
          `${path} line ${firstBad.line}: ${firstBad.reason}; ${hint}`,
        );
      }
    },
  };
}

export const tsvReader: FormatReader = {
  name: 'tsv',
  extensions: ['.tsv', '.tab'],
  sniff: (lines) => sameCount(lines, '\t'),
  read: readDelimited('tsv', '\t', 'auto'),
};

export const csvReader: FormatReader = {
  name: 'csv',
  extensions: ['.csv', '.psv'],
  sniff: (lines) => sniffDelimiter(lines) !== null,
  read: readDelimited('csv', ',', 'rfc4180'),
};
