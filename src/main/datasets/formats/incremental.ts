/**
 * Splitting text that arrives in chunks into lines and into RFC 4180 records, with the line
 * each starts on. A chunk may end anywhere: inside a line, inside a quoted field, between the
 * CR and LF of a line break (the decoder has already joined those, see source.ts), so the
 * unfinished end of each chunk is carried over to the next.
 */
import Papa from 'papaparse';
import { GraftError } from '../../../shared/errors';

/** Lines of streamed text; the line after the last `\n` is delivered by `end`. */
export class LineSplitter {
  private carry = '';
  private line = 0;

  constructor(private readonly onLine: (text: string, line: number) => void) {}

  push(text: string): void {
    // A line longer than a chunk grows the carry without rescanning it
    const first = text.indexOf('\n');
    if (first < 0) {
      this.carry += text;
      return;
    }
    const all = this.carry + text;
    let start = 0;
    for (let at = this.carry.length + first; at >= 0; at = all.indexOf('\n', start)) {
      this.onLine(all.slice(start, at), ++this.line);
      start = at + 1;
    }
    this.carry = all.slice(start);
  }

  end(): void {
    this.onLine(this.carry, ++this.line);
    this.carry = '';
  }
}

export interface QuotedRecord {
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
  /** papaparse's complaint about the record's quotes, if any. */
  problem?: string;
}

interface StepResult {
  data: string[][];
  errors: { message: string }[];
  meta: { cursor: number };
}

interface PapaParser {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): unknown;
  abort(): void;
}

type ParserConstructor = new (config: {
  delimiter: string;
  newline: string;
  quoteChar: string;
  step: (result: StepResult) => void;
}) => PapaParser;

function newlinesBetween(text: string, start: number, end: number): number {
  let lines = 0;
  for (let at = text.indexOf('\n', start); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) {
    lines++;
  }
  return lines;
}

/**
 * How far a quoted field may run, still open, in a file read in chunks before its quote is
 * taken as broken: the record is held in memory until it ends, and a stray quote early in a
 * 200 MB file would hold the rest of it. A field spanning more lines or characters than this is
 * no text a classifier is given; a long field on one line (a 10 MB line) is never cut, for it
 * spans no line break. A file read whole (no larger than its head) has no such limit: papaparse
 * finds its broken quotes at the end.
 */
export const OPEN_QUOTE_LIMIT = { lines: 10_000, chars: 1 << 20 };

/**
 * RFC 4180 records with papaparse's own parser, the way its stream readers use it: each window
 * (the carried-over text plus the new chunk) is parsed with the last record held back, since
 * the window may end inside it; that record is parsed again once more text has come. A held
 * record that spans line breaks is inside a quoted field; past OPEN_QUOTE_LIMIT its first
 * line is malformed and the others are read again, as the whole-file parse does at the end.
 * Text given whole to `end` is parsed in one go, with no limit.
 */
export class QuotedSplitter {
  private pending = '';
  private line = 1;
  /**
   * Parse again only once the window is this long, twice the carried record: a record longer
   * than a chunk is then parsed a few times, not once per chunk (quadratic in its length).
   */
  private wanted = 0;
  /** Line breaks in `pending`: once parsed, those inside the open quoted field. */
  private pendingLines = 0;
  private readonly Parser = (Papa as unknown as { Parser: ParserConstructor }).Parser;

  constructor(
    private readonly delimiter: string,
    private readonly onRecord: (record: QuotedRecord) => void,
  ) {
    if (typeof this.Parser !== 'function') {
      throw new GraftError('internal', 'papaparse no longer exports its Parser');
    }
  }

  push(text: string): void {
    this.pending += text;
    this.pendingLines += newlinesBetween(text, 0, text.length);
    if (this.pending.length < this.wanted && !this.pastLimit()) return;
    this.parse(false);
    while (this.pastLimit()) {
      this.breakOpenQuote();
      this.parse(false);
    }
  }

  /** The end of the text, with its `rest` not yet pushed: a whole file is parsed in one go. */
  end(rest = ''): void {
    this.pending += rest;
    this.parse(true);
  }

  private parse(last: boolean): void {
    let input = this.pending;
    let line = this.line;
    let start = 0;
    for (;;) {
      start = 0;
      let resumeAt = -1;
      const parser = new this.Parser({
        delimiter: this.delimiter,
        newline: '\n',
        quoteChar: '"',
        step: (result) => {
          if (resumeAt >= 0) return;
          const end = result.meta.cursor;
          const problem = result.errors[0]?.message;
          const inner = problem ? innerLines(input, start, end) : 0;
          if (problem && inner > 0) {
            // A broken quote swallowed the lines after it: only its own line is malformed,
            // the parse resumes on the next line so the rows it swallowed are not lost
            const lineEnd = input.indexOf('\n', start);
            this.onRecord({
              fields: input.slice(start, lineEnd).split(this.delimiter),
              line,
              problem: swallowed(problem, line, inner),
            });
            resumeAt = lineEnd + 1;
            line += 1;
            parser.abort();
            return;
          }
          this.onRecord({ fields: result.data[0], line, ...(problem ? { problem } : {}) });
          line += newlinesBetween(input, start, end);
          start = end;
        },
      });
      parser.parse(input, 0, !last);
      if (resumeAt < 0) break;
      input = input.slice(resumeAt);
    }

    this.pending = last ? '' : input.slice(start);
    this.pendingLines = newlinesBetween(this.pending, 0, this.pending.length);
    this.line = line;
    this.wanted = 2 * this.pending.length;
  }

  /**
   * Past OPEN_QUOTE_LIMIT. Checked at every push, not only at each parse, which comes ever
   * later as the held record grows; a record on one line is never past it.
   */
  private pastLimit(): boolean {
    const lines = this.pendingLines;
    return (
      lines > 0 && (lines > OPEN_QUOTE_LIMIT.lines || this.pending.length > OPEN_QUOTE_LIMIT.chars)
    );
  }

  /** The held record's first line as malformed; parsing resumes on the line after it. */
  private breakOpenQuote(): void {
    const lineEnd = this.pending.indexOf('\n');
    const inner = this.pendingLines;
    const limit = `${OPEN_QUOTE_LIMIT.lines} lines or ${OPEN_QUOTE_LIMIT.chars >> 20} MiB`;
    this.onRecord({
      fields: this.pending.slice(0, lineEnd).split(this.delimiter),
      line: this.line,
      problem: swallowed(`quoted field still open past ${limit}`, this.line, inner),
    });
    this.pending = this.pending.slice(lineEnd + 1);
    this.pendingLines -= 1;
    this.line += 1;
    this.wanted = 0;
  }
}

/** Line breaks inside the record at [start, end), not counting the one that ends it. */
function innerLines(text: string, start: number, end: number): number {
  return newlinesBetween(text, start, text.charCodeAt(end - 1) === 10 ? end - 1 : end);
}

function swallowed(problem: string, line: number, inner: number): string {
  const last = line + inner;
  const range = inner === 1 ? `line ${last}` : `lines ${line + 1}\u2013${last}`;
  return (
    `${problem}: the quote opened on line ${line} ran on through line ${last} and swallowed ` +
    `${inner} line${inner === 1 ? '' : 's'}; ${range} re-read as records of their own`
  );
}

/** Above this share of malformed records the format or delimiter is wrong, not a few rows. */
export const MAX_MALFORMED_SHARE = 0.1;

/** Whether `bad` of `total` records is too many to set aside as a few malformed rows. */
export function tooManyMalformed(bad: number, total: number): boolean {
  return bad > Math.max(1, total * MAX_MALFORMED_SHARE);
}
