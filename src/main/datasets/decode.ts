/**
 * Reading a dataset file into text. Files arrive in whatever encoding their authors used, so
 * the encoding is detected, in this order: a byte-order mark (UTF-8, UTF-16 LE/BE); UTF-16
 * without a mark (every other byte NUL); strict UTF-8; strict GBK where the result reads as
 * Chinese (see `CjkRuns`); and Windows-1252 (a superset of Latin-1, which TREC's and SUBJ's
 * files need) as the last resort. A note names what was detected and the first line that was
 * not UTF-8; finding a legacy encoding is no fault, so it is logged at info, not as a warning.
 * The user may override; where the chosen GBK or Windows-1252 meets bytes that are valid
 * UTF-8, a note says the text may come out garbled, as that choice is most likely a slip.
 * Node 20's full ICU gives TextDecoder all of these (Windows-1252's 0x80-0x9F row excepted, see
 * mixed-utf8.ts), so no decoding library is needed.
 *
 * A file that is UTF-8 but for a few lines (a Windows-1252 "café" pasted into a UTF-8 file) is
 * read line by line instead: UTF-8, and the lines that are not UTF-8 as Windows-1252, with a
 * note naming them. Read wholesale as Windows-1252, its UTF-8 lines would turn to mojibake
 * ("cafÃ©"). The evidence is a line of valid multi-byte UTF-8, which Windows-1252 prose almost
 * never forms by chance: a file is read this way when such lines are at least as many as the
 * lines that are not UTF-8 (checked before GBK, as UTF-8 Chinese often passes for GBK). TREC
 * and SUBJ have no such line and stay Windows-1252 throughout. A line that mixes both
 * encodings is read as Windows-1252 whole: the unit is the line.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';
import { decodeWindows1252, MixedDecoder, utf8Lines } from './mixed-utf8';

const log = logger('datasets');

export const TEXT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'gbk'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];
export type EncodingOption = 'auto' | TextEncoding;

export interface SourceText {
  text: string;
  encoding: TextEncoding;
  /** What detection saw, for the report: "no BOM", "detected GBK: not UTF-8 from line 2"... */
  notes: string[];
  /** UTF-8, but lines that are not UTF-8 are read as Windows-1252 (see the header). */
  mixed?: boolean;
}

/** Bytes sampled for the UTF-16 and binary checks: enough to judge, cheap on big files. */
export const PROBE_BYTES = 64 * 1024;

/** Share of C0 control characters (other than tab and newlines) above which text is binary. */
const MAX_CONTROL_SHARE = 0.01;

/**
 * Share of a GBK reading's CJK characters that must sit next to another for the file to be
 * Chinese. Measured: a GBK copy of ChnSentiCorp has 99.6% of them in runs (no line of its 7,765
 * below 80% but 5); Windows-1252 text that happens to be valid GBK has 25% (a short
 * "crème brûlée" file) to 30% (a French and German word list, whose "élément" and "répéter"
 * make pairs); TREC's one stray byte is a single isolated character (0%).
 */
const MIN_CJK_RUN_SHARE = 0.8;

/** 'utf-16le' / 'utf-16be' when the bytes carry that BOM, or look like UTF-16 without one. */
export function sniffUtf16(bytes: Uint8Array): TextEncoding | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';

  // ASCII-range text in UTF-16 has a NUL in every other byte; binary files do not line up so
  const n = Math.min(bytes.length, PROBE_BYTES) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

/** The 1-based line of position `at`, counting LF, CR and CRLF breaks as the parsers do. */
function lineAt(code: (i: number) => number, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) {
    const c = code(i);
    if (c === 10 || (c === 13 && code(i + 1) !== 10)) line++;
  }
  return line;
}

/**
 * A file that cannot be read as text (binary, or not in the encoding the user chose), thrown by
 * the checks below. `message` names the file for an import of that one file, which it refuses;
 * `problem` says the same without the path, for a class folder, whose reader sets the one file
 * aside as a malformed row instead (see `decodeEntry`).
 */
export class UnreadableTextError extends GraftError {
  constructor(
    message: string,
    readonly problem: string,
    /** Binary (NUL or control bytes), not bytes that are no text in the encoding chosen. */
    readonly binary: boolean,
  ) {
    super('bad-input', message);
  }
}

/** C0 controls other than tab and line breaks, which text does not hold. */
export function isControl(c: number): boolean {
  return c < 32 && c !== 9 && c !== 10 && c !== 13;
}

export function requireText(text: string, path: string, encoding: TextEncoding): void {
  const n = Math.min(text.length, PROBE_BYTES);
  let control = 0;
  let first = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (isControl(c) || c === 0xfffd) {
      control++;
      if (first < 0) first = i;
    }
  }
  if (n === 0 || control / n <= MAX_CONTROL_SHARE) return;

  const line = lineAt((i) => text.charCodeAt(i), first);
  const column = first - Math.max(text.lastIndexOf('\n', first), text.lastIndexOf('\r', first));
  const problem =
    `control bytes or undecodable sequences read as ${encoding}, the first at line ${line}, ` +
    `column ${column}`;
  throw new UnreadableTextError(
    `${path} looks binary (${problem}), not text; accepted encodings: ` + TEXT_ENCODINGS.join(', '),
    `looks binary, not text (${problem})`,
    true,
  );
}

/** A NUL byte in the head of a file that is not UTF-16 makes it binary, named by line. */
export function requireNoNul(bytes: Uint8Array, path: string): void {
  const at = bytes.subarray(0, PROBE_BYTES).indexOf(0);
  if (at < 0) return;
  const problem = byteProblem(bytes, at);
  throw new UnreadableTextError(
    `${path} looks binary, not text: ${problem}, which UTF-8, GBK and Windows-1252 text ` +
      'never does; for UTF-16 text without a BOM, choose the encoding utf-16le or utf-16be',
    `looks binary, not text: ${problem}`,
    true,
  );
}

/** "line 2 holds a NUL byte (byte offset 9)", for the byte at `at`, a NUL or a control. */
export function byteProblem(bytes: Uint8Array, at: number): string {
  const line = lineAt((i) => bytes[i], at);
  const what =
    bytes[at] === 0
      ? 'a NUL byte'
      : `control byte 0x${bytes[at].toString(16).padStart(2, '0').toUpperCase()}`;
  return `line ${line} holds ${what} (byte offset ${at})`;
}

function decodeAs(encoding: TextEncoding, bytes: Uint8Array): string {
  return encoding === 'windows-1252'
    ? decodeWindows1252(bytes)
    : new TextDecoder(encoding).decode(bytes);
}

function strict(encoding: TextEncoding, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function isCjk(c: number): boolean {
  const ideograph = (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
  const punctuation = (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef);
  return ideograph || punctuation;
}

/**
 * Whether a strict GBK reading of a file is Chinese. Chinese writes CJK characters next to
 * each other, while a Windows-1252 accented letter followed by an ASCII letter ("é" + "l")
 * decodes in GBK to one CJK character between ASCII ones: an isolated one. So CJK characters
 * with a CJK neighbour are counted against isolated ones. Text may arrive in chunks; a run cut
 * between two chunks is counted once whole. No share of all characters is asked for: a file of
 * ASCII rows with Chinese ones at its end is Chinese where it is not ASCII.
 */
export class CjkRuns {
  /** CJK characters with a CJK neighbour. */
  inRuns = 0;
  isolated = 0;
  /** Length of the run of CJK characters that the text so far ends with. */
  private run = 0;

  push(text: string): void {
    for (const ch of text) {
      if (isCjk(ch.codePointAt(0) as number)) this.run++;
      else if (this.run > 0) this.close();
    }
  }

  /** Whether the text so far, ended, reads as Chinese. */
  chinese(): boolean {
    if (this.run > 0) this.close();
    const cjk = this.inRuns + this.isolated;
    return cjk > 0 && this.inRuns >= cjk * MIN_CJK_RUN_SHARE;
  }

  private close(): void {
    if (this.run === 1) this.isolated++;
    else this.inRuns += this.run;
    this.run = 0;
  }
}

function chinese(text: string): boolean {
  const runs = new CjkRuns();
  runs.push(text);
  return runs.chinese();
}

/** The text with any leading BOM dropped, so it never sticks to the first column name. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The note for a file that detection reads wholly as GBK or Windows-1252. */
export function detectedNote(encoding: 'gbk' | 'windows-1252', line: number): string {
  const name = encoding === 'gbk' ? 'GBK' : 'Windows-1252';
  return `detected ${name}: not UTF-8 from line ${line}`;
}

/**
 * Whether bytes hold multi-byte UTF-8 and nothing else invalid. A head sample may end inside a
 * character, so a cut last sequence is let pass.
 */
function multiByteUtf8(bytes: Uint8Array): boolean {
  if (isAscii(bytes)) return false;
  if (isUtf8(bytes)) return true;
  let i = bytes.length - 1;
  while (i >= 0 && bytes.length - i <= 3 && (bytes[i] & 0xc0) === 0x80) i--;
  return i >= 0 && bytes[i] >= 0xc0 && isUtf8(bytes.subarray(0, i));
}

/** How UTF-8 text reads in each legacy encoding, for the note below. */
const GARBLED: Partial<Record<TextEncoding, string>> = {
  'windows-1252': 'its accented text may be garbled (é as Ã©)',
  gbk: 'its non-ASCII text may be garbled (中文 as 涓枃)',
};

/**
 * The notes for an encoding the user chose. Valid multi-byte UTF-8 is almost never GBK or
 * Windows-1252 text by chance, so such a choice is most likely a slip; the user chose, so
 * the file is still read as asked, but the report says what it will look like.
 */
export function chosenNotes(encoding: TextEncoding, bytes: Uint8Array): string[] {
  const notes = ['encoding chosen by the user'];
  const garbled = GARBLED[encoding];
  if (garbled && multiByteUtf8(bytes)) {
    notes.push(`the file is valid UTF-8 but is read as ${encoding} as asked: ${garbled}`);
  }
  return notes;
}

/** Picks the encoding of `bytes` (see the header) without decoding the whole file twice. */
export function detectEncoding(bytes: Uint8Array): { encoding: TextEncoding; notes: string[] } {
  // A UTF-8 BOM changes nothing about the rows, so it leaves no note: such a file and its
  // BOM-less twin parse to equal results
  const utf16 = sniffUtf16(bytes);
  if (utf16) {
    return { encoding: utf16, notes: bytes[0] === 0xff || bytes[0] === 0xfe ? [] : ['no BOM'] };
  }
  return { encoding: 'utf-8', notes: [] };
}

export function decodeText(bytes: Uint8Array, path: string, encoding: EncodingOption): SourceText {
  if (encoding !== 'auto') {
    if (encoding === 'utf-8') {
      const text = strict('utf-8', bytes);
      if (text === null) {
        const line = utf8Lines(bytes).firstBad;
        throw new UnreadableTextError(
          `${path} line ${line}: bytes that are not valid UTF-8, the encoding chosen; leave ` +
            'the encoding to detection (auto), or choose the one the file is in',
          `not UTF-8, the encoding chosen: line ${line} holds bytes that are not valid UTF-8`,
          false,
        );
      }
      requireText(text, path, encoding);
      return { text: withoutBom(text), encoding, notes: ['encoding chosen by the user'] };
    }
    const text = decodeAs(encoding, bytes);
    requireText(text, path, encoding);
    return { text: withoutBom(text), encoding, notes: chosenNotes(encoding, bytes) };
  }

  const detected = detectEncoding(bytes);
  if (detected.encoding !== 'utf-8') {
    const text = new TextDecoder(detected.encoding).decode(bytes);
    requireText(text, path, detected.encoding);
    return { text: withoutBom(text), ...detected };
  }
  requireNoNul(bytes, path);

  const utf8 = strict('utf-8', bytes);
  if (utf8 !== null) {
    requireText(utf8, path, 'utf-8');
    return { text: withoutBom(utf8), encoding: 'utf-8', notes: detected.notes };
  }

  const lines = utf8Lines(bytes);
  if (lines.mixed) {
    const text = new MixedDecoder().decode(bytes, true);
    requireText(text, path, 'utf-8');
    log.warn(`${path}: ${lines.note}`);
    return { text: withoutBom(text), encoding: 'utf-8', notes: [lines.note], mixed: true };
  }

  const line = lines.firstBad;
  const gbk = strict('gbk', bytes);
  if (gbk !== null && chinese(gbk)) {
    requireText(gbk, path, 'gbk');
    const note = detectedNote('gbk', line);
    log.info(`${path}: ${note}`);
    return { text: gbk, encoding: 'gbk', notes: [note] };
  }

  const text = decodeWindows1252(bytes);
  requireText(text, path, 'windows-1252');
  const note = detectedNote('windows-1252', line);
  log.info(`${path}: ${note}`);
  return { text, encoding: 'windows-1252', notes: [note] };
}

/** Line breaks become `\n`: CRLF files and their LF twins must parse (and hash) the same. */
export function normaliseNewlines(text: string): string {
  if (!text.includes('\r')) return text;
  return text.replace(/\r\n?/g, '\n');
}
