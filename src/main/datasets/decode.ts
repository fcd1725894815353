/**
 * Reading a dataset file into text. Files arrive in whatever encoding their authors used, so
 * the encoding is detected, in this order: a byte-order mark (UTF-8, UTF-16 LE/BE); UTF-16
 * without a mark (every other byte NUL); strict UTF-8; strict GBK where the result is mostly
 * Chinese; and Windows-1252 (a superset of Latin-1, which TREC's and SUBJ's files need) as the
 * last resort, with a warning naming the first line that was not UTF-8. The user may override.
 * Node 20's full ICU gives TextDecoder every one of these, so no decoding library is needed.
 */
import { readFileSync, statSync } from 'node:fs';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';

const log = logger('datasets');

export const TEXT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'gbk'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];
export type EncodingOption = 'auto' | TextEncoding;

export interface SourceText {
  text: string;
  encoding: TextEncoding;
  /** What detection saw, for the report: "BOM", "not UTF-8 from line 66"... */
  notes: string[];
}

/** Bytes sampled for the UTF-16 and binary checks: enough to judge, cheap on big files. */
const PROBE_BYTES = 64 * 1024;

/** Share of C0 control characters (other than tab and newlines) above which text is binary. */
const MAX_CONTROL_SHARE = 0.01;

/** Share of CJK among non-ASCII characters that makes a strict GBK decoding credible. */
const MIN_CJK_SHARE = 0.6;

/** The file's bytes, with missing, unreadable and folder paths reported by name. */
export function readBytes(path: string): Buffer {
  try {
    if (statSync(path).isDirectory()) {
      throw new GraftError('bad-input', `${path} is a folder; expected a dataset file`);
    }
    return readFileSync(path);
  } catch (error) {
    if (error instanceof GraftError) throw error;
    throw fileError(path, error);
  }
}

/** A file-system failure as a GraftError naming the path. */
export function fileError(path: string, error: unknown): GraftError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new GraftError('not-found', `file not found: ${path}`);
  const reason = error instanceof Error ? error.message : String(error);
  return new GraftError('bad-input', `cannot read ${path}: ${reason}`, { cause: error });
}

function lineOfFirstReplacement(text: string): number {
  const at = text.indexOf('\uFFFD');
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

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

function controlShare(text: string): number {
  const n = Math.min(text.length, PROBE_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  return n === 0 ? 0 : control / n;
}

function requireText(text: string, path: string, encoding: TextEncoding): void {
  if (controlShare(text) > MAX_CONTROL_SHARE) {
    throw new GraftError(
      'bad-input',
      `${path} looks binary (control bytes or undecodable sequences read as ${encoding}), ` +
        'not text; accepted encodings: ' + TEXT_ENCODINGS.join(', '),
    );
  }
}

function strict(encoding: TextEncoding, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function mostlyChinese(text: string): boolean {
  let nonAscii = 0;
  let cjk = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (c < 128) continue;
    nonAscii++;
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef)) {
      cjk++;
    }
  }
  return nonAscii > 0 && cjk >= nonAscii * MIN_CJK_SHARE;
}

/** The text with any leading BOM dropped, so it never sticks to the first column name. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Picks the encoding of `bytes` (see the header) without decoding the whole file twice. */
export function detectEncoding(bytes: Uint8Array): { encoding: TextEncoding; notes: string[] } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { encoding: 'utf-8', notes: ['BOM'] };
  }
  const utf16 = sniffUtf16(bytes);
  if (utf16) return { encoding: utf16, notes: bytes[0] === 0xff || bytes[0] === 0xfe ? ['BOM'] : [] };
  return { encoding: 'utf-8', notes: [] };
}

export function decodeText(bytes: Uint8Array, path: string, encoding: EncodingOption): SourceText {
  if (encoding !== 'auto') {
    if (encoding === 'utf-8') {
      const text = strict('utf-8', bytes);
      if (text === null) {
        const line = lineOfFirstReplacement(new TextDecoder('utf-8').decode(bytes));
        throw new GraftError('bad-input', `${path} line ${line}: bytes that are not valid UTF-8`);
      }
      requireText(text, path, encoding);
      return { text: withoutBom(text), encoding, notes: ['encoding chosen by the user'] };
    }
    const text = new TextDecoder(encoding).decode(bytes);
    requireText(text, path, encoding);
    return { text: withoutBom(text), encoding, notes: ['encoding chosen by the user'] };
  }

  const detected = detectEncoding(bytes);
  if (detected.encoding !== 'utf-8') {
    const text = new TextDecoder(detected.encoding).decode(bytes);
    requireText(text, path, detected.encoding);
    return { text: withoutBom(text), ...detected };
  }

  // A NUL byte never occurs in UTF-8, GBK or Windows-1252 text: this is a binary file
  if (bytes.subarray(0, PROBE_BYTES).includes(0)) {
    throw new GraftError('bad-input', `${path} looks binary (it contains NUL bytes), not text`);
  }

  const utf8 = strict('utf-8', bytes);
  if (utf8 !== null) {
    requireText(utf8, path, 'utf-8');
    return { text: withoutBom(utf8), encoding: 'utf-8', notes: detected.notes };
  }

  const line = lineOfFirstReplacement(new TextDecoder('utf-8').decode(bytes));
  const gbk = strict('gbk', bytes);
  if (gbk !== null && mostlyChinese(gbk)) {
    requireText(gbk, path, 'gbk');
    log.info(`${path} is not UTF-8 (first at line ${line}); it decodes as GBK`);
    return { text: gbk, encoding: 'gbk', notes: [`not UTF-8 from line ${line}`] };
  }

  const text = new TextDecoder('windows-1252').decode(bytes);
  requireText(text, path, 'windows-1252');
  log.warn(`${path} is not UTF-8 (first at line ${line}); reading it as Windows-1252`);
  return { text, encoding: 'windows-1252', notes: [`not UTF-8 from line ${line}`] };
}

/** Line breaks become `\n`: CRLF files and their LF twins must parse (and hash) the same. */
export function normaliseNewlines(text: string): string {
  if (!text.includes('\r')) return text;
  return text.replace(/\r\n?/g, '\n');
}
