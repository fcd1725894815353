/**
 * Text that is UTF-8 but for some lines, decoded line by line (see decode.ts for when): each
 * line as UTF-8 where it is valid, else as Windows-1252, with the lines that were not UTF-8
 * counted and named for the report. Bytes may arrive in chunks (source.ts); a line cut between
 * two chunks waits for its end, so a multi-byte sequence is never split.
 */
import { isAscii, isUtf8 } from 'node:buffer';

/**
 * Windows-1252's 0x80-0x9F. Node 20's TextDecoder('windows-1252') decodes these as Latin-1
 * control characters (U+0085 for SUBJ's ellipsis byte), against the WHATWG table, so the
 * table is applied here; bytes the code page leaves undefined keep their Latin-1 value.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\x80-\x9f]/g, (c) =>
    String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80]),
  );
}

/** Lines a note names by number before it says "and N more". */
const MAX_LINES_NOTED = 5;

/** Positions of each LF and CR in `bytes`, in order: the ends of lines as the parsers count. */
function* lineBreaks(bytes: Uint8Array): Generator<number> {
  // Each byte value is searched for once per occurrence: no rescans of CR-less chunks
  let lf = bytes.indexOf(10);
  let cr = bytes.indexOf(13);
  while (lf >= 0 || cr >= 0) {
    const at = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr;
    yield at;
    if (at === lf) lf = bytes.indexOf(10, at + 1);
    else cr = bytes.indexOf(13, at + 1);
  }
}

interface OpenLine {
  decoder: InstanceType<typeof TextDecoder>;
  bad: boolean;
  multi: boolean;
}

/**
 * Which lines of a file, fed in chunks, are not valid UTF-8 (the count, the first few
 * numbers) and how many hold valid multi-byte UTF-8. Lines end at LF, CR or CRLF, numbered as
 * the parsers number them; a line cut by a chunk's end is checked by a streaming decoder.
 */
export class Utf8Lines {
  multiByte = 0;
  bad = 0;
  readonly badLines: number[] = [];
  private line = 1;
  private afterCr = false;
  /** The line in progress, begun in an earlier chunk; null when none is. */
  private open: OpenLine | null = null;

  push(bytes: Uint8Array): void {
    let start = 0;
    for (const at of lineBreaks(bytes)) {
      const crlf = bytes[at] === 10 && at === start && this.afterCr && !this.open;
      if (!crlf) this.piece(bytes.subarray(start, at), true);
      this.afterCr = bytes[at] === 13;
      start = at + 1;
    }
    if (start < bytes.length) {
      this.afterCr = false;
      this.piece(bytes.subarray(start), false);
    }
  }

  end(): void {
    if (this.open) this.piece(new Uint8Array(0), true);
  }

  get firstBad(): number {
    return this.badLines[0] ?? 0;
  }

  /** A file that is UTF-8 but for a few lines (see the header). */
  get mixed(): boolean {
    return this.bad > 0 && this.multiByte >= this.bad;
  }

  get note(): string {
    const more = this.bad - this.badLines.length;
    const lines = this.badLines.join(', ') + (more > 0 ? ` and ${more} more` : '');
    return this.bad === 1
      ? `not UTF-8 at line ${lines} (that line read as Windows-1252)`
      : `not UTF-8 at lines ${lines} (those lines read as Windows-1252)`;
  }

  private piece(bytes: Uint8Array, ends: boolean): void {
    let bad: boolean;
    let multi: boolean;
    if (this.open || !ends) {
      const open = (this.open ??= {
        decoder: new TextDecoder('utf-8', { fatal: true }),
        bad: false,
        multi: false,
      });
      try {
        if (!open.bad) open.decoder.decode(bytes, { stream: !ends });
      } catch {
        open.bad = true;
      }
      open.multi ||= !isAscii(bytes);
      if (!ends) return;
      ({ bad, multi } = open);
      this.open = null;
    } else {
      bad = !isUtf8(bytes);
      multi = !isAscii(bytes);
    }
    if (bad) {
      this.bad++;
      if (this.badLines.length < MAX_LINES_NOTED) this.badLines.push(this.line);
    } else if (multi) {
      this.multiByte++;
    }
    this.line++;
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function lineText(bytes: Uint8Array): string {
  return isUtf8(bytes) ? asBuffer(bytes).toString('utf8') : decodeWindows1252(bytes);
}

/**
 * Decodes a mixed file (see the header) in chunks: UTF-8, but each line that is not UTF-8 as
 * Windows-1252. A line cut by a chunk's end waits, as bytes, for the rest of it.
 */
export class MixedDecoder {
  private carry: Buffer[] = [];

  decode(bytes: Uint8Array, last: boolean): string {
    const out: string[] = [];
    let start = 0;
    let run = 0;
    for (const at of lineBreaks(bytes)) {
      // Line breaks are ASCII: runs of UTF-8 lines decode as one, the others line by line
      if (this.carry.length > 0) {
        out.push(lineText(Buffer.concat([...this.carry, bytes.subarray(0, at + 1)])));
        this.carry = [];
        run = at + 1;
      } else if (!isUtf8(bytes.subarray(start, at + 1))) {
        out.push(asBuffer(bytes.subarray(run, start)).toString('utf8'));
        out.push(decodeWindows1252(bytes.subarray(start, at + 1)));
        run = at + 1;
      }
      start = at + 1;
    }
    out.push(asBuffer(bytes.subarray(run, start)).toString('utf8'));
    // byteChunks reuses its buffer: what waits is a copy
    if (start < bytes.length) this.carry.push(Buffer.from(bytes.subarray(start)));
    if (last && this.carry.length > 0) {
      out.push(lineText(Buffer.concat(this.carry)));
      this.carry = [];
    }
    return out.join('');
  }
}

export function utf8Lines(bytes: Uint8Array): Utf8Lines {
  const lines = new Utf8Lines();
  lines.push(bytes);
  lines.end();
  return lines;
}
