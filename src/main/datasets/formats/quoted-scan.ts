/**
 * papaparse's RFC 4180 record rules (5.7, newline `\n`, quote and escape `"`), one record at a
 * time, so that a broken quote costs its own record and not a parse of all the text after it.
 *
 * A quote that is never closed properly runs on to the end of the text. Restarting papaparse on
 * the line after it, as the whole-file parse must to re-read the swallowed lines, scanned the
 * same text again for every later broken quote: some 2,000 of them in a 4 MiB file, 100,000 in
 * a 200 MB stream, each scanning to the end. Here each quoted field's scan is kept: a later
 * field's scan that meets, unpaired, a quote the kept scan met (any quote after its opening one
 * not preceded by a quote) follows the same path from there, so it ends where the kept one did.
 * The differential test in stream.test.ts pins these rules to papaparse's own.
 */

const QUOTE = 34;

export interface ScannedRecord {
  /** Offset just past the record: after its line break, or the end of the text. */
  end: number;
  /** papaparse's first complaint about the record's quotes, if any. */
  problem?: string;
  /** It ran to the end of the text, no line break after it: the text's last record. */
  final: boolean;
  /**
   * A quoted field in it meets no quote at all before the end of the text: nothing closes it,
   * not even wrongly (`"abc`, not `"abc"x`). Found only with `last` set.
   */
  unclosed?: boolean;
  /** Built on demand: a record a broken quote made long is not turned into strings. */
  fields(): string[];
}

/** How a quoted field's scan from its opening quote ended. */
interface QuoteEnd {
  /** 'none': no closing quote (runs to the end); 'eof': the text's last character. */
  kind: 'delim' | 'newline' | 'eof' | 'none';
  /** The closing quote. */
  at: number;
  /** Spaces papaparse allows between the closing quote and the delimiter or line break. */
  spaces: number;
  invalid: boolean;
}

/** A scan's path: from `from` to `to`, its last stray quote at `lastInvalid`. */
interface KeptScan extends QuoteEnd {
  from: number;
  to: number;
  lastInvalid: number;
}

const INVALID = 'Trailing quote on quoted field is malformed';
const MISSING = 'Quoted field unterminated';
const BAD_DELIMITERS = ['\r', '\n', '"', '\ufeff'];

export class QuotedScan {
  private readonly delim: string;
  private kept: KeptScan | undefined;
  /** The last line-break search: from `newlineFrom`, found at `newlineAt` (-1: none). */
  private newlineFrom = 0;
  private newlineAt = -2;

  constructor(
    private readonly input: string,
    delimiter: string,
  ) {
    this.delim = BAD_DELIMITERS.includes(delimiter) ? ',' : delimiter;
  }

  /** The record at `start`; undefined when it reaches the end unfinished and `last` is not set. */
  record(start: number, last: boolean): ScannedRecord | undefined {
    const { input, delim } = this;
    const len = input.length;
    // [start, end, quoted] per field; quoted ones have their doubled quotes undone
    const spans: number[] = [];
    let invalid = false;
    let cursor = start;
    let newlineEnded = false;
    const done = (end: number, problem?: string, unclosed = false): ScannedRecord => ({
      end,
      final: end === len && !newlineEnded,
      ...(problem ? { problem } : {}),
      ...(unclosed ? { unclosed } : {}),
      fields: () => fieldsOf(input, spans),
    });

    for (;;) {
      if (input.charCodeAt(cursor) === QUOTE) {
        const q = this.quoteEnd(cursor);
        invalid ||= q.invalid;
        if (q.kind === 'none' || q.kind === 'eof') {
          if (!last) return undefined;
          if (q.kind === 'none') spans.push(cursor + 1, len, 0);
          else spans.push(cursor + 1, q.at, 1);
          const problem = invalid ? INVALID : q.kind === 'none' ? MISSING : undefined;
          return done(len, problem, q.kind === 'none' && !q.invalid);
        }
        spans.push(cursor + 1, q.at, 1);
        if (q.kind === 'newline') {
          newlineEnded = true;
          return done(q.at + q.spaces + 2, invalid ? INVALID : undefined);
        }
        cursor = q.at + 1 + q.spaces + delim.length;
        continue;
      }
      const nextDelim = input.indexOf(delim, cursor);
      const nextNewline = this.nextNewline(cursor);
      if (nextDelim !== -1 && (nextDelim < nextNewline || nextNewline === -1)) {
        spans.push(cursor, nextDelim, 0);
        cursor = nextDelim + delim.length;
        continue;
      }
      if (nextNewline !== -1) {
        spans.push(cursor, nextNewline, 0);
        newlineEnded = true;
        return done(nextNewline + 1, invalid ? INVALID : undefined);
      }
      if (!last) return undefined;
      spans.push(cursor, len, 0);
      return done(len, invalid ? INVALID : undefined);
    }
  }

  /**
   * The first line break at or after `from`. Searching afresh for every field made a line of
   * n fields cost n searches to its end: a million commas on one line took 5 s, two million 22.
   * The last search's answer holds for any later `from` up to the break it found.
   */
  private nextNewline(from: number): number {
    const at = this.newlineAt;
    if (from >= this.newlineFrom && (at === -1 || at >= from)) return at;
    this.newlineFrom = from;
    this.newlineAt = this.input.indexOf('\n', from);
    return this.newlineAt;
  }

  /** papaparse's closing-quote search from the quote at `open`, cut short by the kept scan. */
  private quoteEnd(open: number): QuoteEnd {
    const { input, delim } = this;
    const len = input.length;
    const kept = this.kept;
    let lastInvalid = -1;
    let x = open;
    for (;;) {
      x = input.indexOf('"', x + 1);
      if (x === -1) return this.keep(open, len, { kind: 'none', at: len, spaces: 0 }, lastInvalid);
      if (kept && x >= kept.from && x <= kept.to && input.charCodeAt(x - 1) !== QUOTE) {
        return { ...kept, invalid: lastInvalid >= 0 || kept.lastInvalid >= x };
      }
      if (x === len - 1) return this.keep(open, x, { kind: 'eof', at: x, spaces: 0 }, lastInvalid);
      if (input.charCodeAt(x + 1) === QUOTE) {
        x++;
        continue;
      }

      const nextDelim = input.indexOf(delim, x + 1);
      const nextNewline = this.nextNewline(x + 1);
      const upTo = nextNewline === -1 ? nextDelim : Math.min(nextDelim, nextNewline);
      const toDelim = spacesBetween(input, x, upTo);
      if (input.substr(x + 1 + toDelim, delim.length) === delim) {
        return this.keep(open, x, { kind: 'delim', at: x, spaces: toDelim }, lastInvalid);
      }
      const toNewline = spacesBetween(input, x, nextNewline);
      if (input.charCodeAt(x + 1 + toNewline) === 10) {
        return this.keep(open, x, { kind: 'newline', at: x, spaces: toNewline }, lastInvalid);
      }
      lastInvalid = x;
    }
  }

  /** Keeps the scan that reaches furthest: scans only go forward, the others are no use. */
  private keep(
    open: number,
    to: number,
    end: Omit<QuoteEnd, 'invalid'>,
    lastInvalid: number,
  ): QuoteEnd {
    const found = { ...end, invalid: lastInvalid >= 0 };
    if (!this.kept || to > this.kept.to) this.kept = { ...found, from: open + 1, to, lastInvalid };
    return found;
  }
}

/** What is wrong with the quotes of one line, read on its own (see lineQuotes). */
export interface LineQuotes {
  /** A quoted field's closing quote is followed by more text: `"abc"x,1`. */
  trailing: boolean;
  /** A quoted field's opening quote meets no other quote on the line: `"abc,1`. */
  unclosed: boolean;
}

/**
 * The quote problems of one line (no line break in it), by papaparse's rules, as if the line
 * ended the text. A broken quote's record may run on over many lines; this is what the first
 * of them, which the report sets aside, does wrong itself. A line may have both problems.
 */
export function lineQuotes(line: string, delimiter: string): LineQuotes {
  const record = new QuotedScan(`${line}\n`, delimiter).record(0, true);
  return { trailing: record?.problem === INVALID, unclosed: record?.unclosed === true };
}

/** papaparse's extraSpaces: only spaces between the quote at `x` and `index`. */
function spacesBetween(input: string, x: number, index: number): number {
  if (index === -1) return 0;
  const between = input.substring(x + 1, index);
  return between && between.trim() === '' ? between.length : 0;
}

function fieldsOf(input: string, spans: readonly number[]): string[] {
  const fields: string[] = [];
  for (let i = 0; i < spans.length; i += 3) {
    const text = input.substring(spans[i], spans[i + 1]);
    fields.push(spans[i + 2] ? text.replace(/""/g, '"') : text);
  }
  return fields;
}

/** Offsets of the line breaks in a text, for counting those between two offsets at once. */
export class LineBreaks {
  private readonly at: number[] = [];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.at.push(i);
  }

  /** Line breaks in [start, end). */
  between(start: number, end: number): number {
    return this.before(end) - this.before(start);
  }

  private before(offset: number): number {
    let lo = 0;
    let hi = this.at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.at[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
