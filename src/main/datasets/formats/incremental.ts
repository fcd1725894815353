/**
 * Splitting text that arrives in chunks into lines and into RFC 4180 records, with the line
 * each starts on. A chunk may end anywhere: inside a line, inside a quoted field, between the
 * CR and LF of a line break (the decoder has already joined those, see source.ts), so the
 * unfinished end of each chunk is carried over to the next.
 */
import { LineBreaks, QuotedScan } from './quoted-scan';

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
  /** The record's text, without the line break that ends it. */
  raw: string;
  /** 1-based line the record starts on. */
  line: number;
  /** papaparse's complaint about the record's quotes, if any. */
  problem?: string;
  /**
   * Set on the first line of a record that a broken quote ran on over more lines, the only one
   * set aside: the record ran on through line `through`, and the lines after the first were read
   * again as records of their own. `cut`: it was still open there, past OPEN_QUOTE_LIMIT.
   */
  ranOn?: { through: number; cut: boolean };
}

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

const { lines: limitLines, chars: limitChars } = OPEN_QUOTE_LIMIT;
/** OPEN_QUOTE_LIMIT in words. */
export const OPEN_QUOTE_LIMIT_TEXT = `${limitLines} lines or ${limitChars >> 20} MiB`;

/**
 * RFC 4180 records by papaparse's rules (quoted-scan.ts), the way its stream readers use it:
 * each window (the carried-over text plus the new chunk) is parsed with the last record held
 * back, since the window may end inside it; that record is parsed again once more text has
 * come. A held record that spans line breaks is inside a quoted field; past OPEN_QUOTE_LIMIT
 * its first line is malformed and the others are read again, as the whole-file parse does at
 * the end.
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

  constructor(
    private readonly delimiter: string,
    private readonly onRecord: (record: QuotedRecord) => void,
  ) {}

  push(text: string): void {
    this.pending += text;
    this.pendingLines += newlinesBetween(text, 0, text.length);
    const past = pastLimit(this.pendingLines, this.pending.length);
    if (this.pending.length < this.wanted && !past) return;
    this.parse(false);
  }

  /** The end of the text, with its `rest` not yet pushed: a whole file is parsed in one go. */
  end(rest = ''): void {
    this.pending += rest;
    this.parse(true);
  }

  /**
   * The records of `pending`; unless `last`, the one that reaches its end is held back, or past
   * OPEN_QUOTE_LIMIT its first line is malformed and the others are read again. A broken quote
   * that swallowed lines likewise: only its own line is malformed, the parse resumes on the
   * next line so the rows it swallowed are not lost. The text is scanned once for all of them.
   */
  private parse(last: boolean): void {
    const input = this.pending;
    const scan = new QuotedScan(input, this.delimiter);
    const breaks = new LineBreaks(input);
    let line = this.line;
    let start = 0;
    // At the start and after a resumption papaparse is given fresh text: none, no records
    let resumed = true;

    // Text that ends in a line break ends in an empty record, as in papaparse
    while (start < input.length || (last && !resumed)) {
      const record = scan.record(start, last);
      if (!record) {
        const inner = breaks.between(start, input.length);
        if (!pastLimit(inner, input.length - start)) break;
        const problem = `quoted field still open past ${OPEN_QUOTE_LIMIT_TEXT}`;
        start = this.brokenLine(input, start, line, problem, { through: line + inner, cut: true });
        line += 1;
        resumed = true;
        continue;
      }

      const { end, problem } = record;
      // Line breaks inside the record, not the one that ends it
      const inside = input.charCodeAt(end - 1) === 10 ? end - 1 : end;
      const inner = problem ? breaks.between(start, inside) : 0;
      if (problem && inner > 0) {
        start = this.brokenLine(input, start, line, problem, { through: line + inner, cut: false });
        line += 1;
        resumed = true;
        continue;
      }
      const raw = input.slice(start, inside);
      this.onRecord({ fields: record.fields(), raw, line, ...(problem ? { problem } : {}) });
      line += breaks.between(start, end);
      start = end;
      resumed = false;
      if (record.final) break;
    }

    this.pending = last ? '' : input.slice(start);
    this.pendingLines = breaks.between(start, input.length);
    this.line = line;
    this.wanted = 2 * this.pending.length;
  }

  /** The first line of the record at `start` as malformed; returns where the next line starts. */
  private brokenLine(
    input: string,
    start: number,
    line: number,
    problem: string,
    ranOn: NonNullable<QuotedRecord['ranOn']>,
  ): number {
    const lineEnd = input.indexOf('\n', start);
    const raw = input.slice(start, lineEnd);
    this.onRecord({ fields: raw.split(this.delimiter), raw, line, problem, ranOn });
    return lineEnd + 1;
  }
}

/**
 * Past OPEN_QUOTE_LIMIT: a held record spanning `lines` line breaks over `chars` characters.
 * Checked at every push, not only at each parse, which comes ever later as the held record
 * grows; a record on one line is never past it.
 */
function pastLimit(lines: number, chars: number): boolean {
  return lines > 0 && (lines > OPEN_QUOTE_LIMIT.lines || chars > OPEN_QUOTE_LIMIT.chars);
}
