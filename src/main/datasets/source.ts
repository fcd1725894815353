/**
 * A text dataset file as a stream of decoded chunks, so that a 200 MB file is never in memory
 * whole. The head of the file (`sampleBytes`) decides what needs a look at the data: the
 * encoding here, and the format, delimiter, quoting, header and columns in the readers. A file no
 * larger than the head is read whole and decoded by decode.ts exactly as before streaming
 * existed, so small files (every dataset in ../shared) behave as they always did.
 *
 * Past the head, strict UTF-8 is checked as chunks are decoded. A byte that is not UTF-8 ends
 * the pass with `LateEncodingError`; the caller then starts the file again with the encoding
 * `fallbackEncoding` picks by one pass over the file (UTF-8 with its few other lines read as
 * Windows-1252, GBK, or Windows-1252), the same choice decode.ts makes for a file in memory.
 */
import { closeSync, readSync } from 'node:fs';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';
import {
  chosenNotes,
  CjkRuns,
  decodeText,
  detectedNote,
  detectEncoding,
  normaliseNewlines,
  requireNoNul,
  requireText,
  withoutBom,
  type EncodingOption,
  type TextEncoding,
} from './decode';
import { datasetFileSize, openForReading } from './dataset-files';
import { decodeWindows1252, MixedDecoder, Utf8Lines } from './mixed-utf8';
import { isParquet } from './formats/binary';

const log = logger('datasets');

export interface StreamTuning {
  /** Bytes read and decoded at a time. */
  chunkBytes: number;
  /** Bytes in the head sample; a file no larger than this is read whole, in memory. */
  sampleBytes: number;
}

/**
 * 256 KiB chunks keep each step short: the event loop gets a turn after each, some 1,300
 * typical rows, tens of milliseconds; larger chunks were no faster. A 4 MiB
 * head holds some 20,000 typical rows, plenty for sniffing and column guesses, and is larger
 * than every dataset in ../shared; it is parsed in one go, so a larger head would hold up the
 * event loop longer (16 MiB took over a second on a loaded 2-core machine).
 */
export const DEFAULT_TUNING: StreamTuning = { chunkBytes: 256 << 10, sampleBytes: 4 << 20 };

export interface EncodingChoice {
  encoding: TextEncoding;
  notes: string[];
  /** UTF-8, with the lines that are not UTF-8 read as Windows-1252 (see decode.ts). */
  mixed?: boolean;
}

export interface TextHead extends EncodingChoice {
  path: string;
  /** File size in bytes. */
  size: number;
  /** The head is the whole file. */
  whole: boolean;
  /** Decoded and newline-normalised; unless whole, cut after the head's last line break. */
  text: string;
  /** UTF-8 by detection only: a later byte that is not UTF-8 raises LateEncodingError. */
  tentative: boolean;
}

/** The file was read as UTF-8 by detection, and a byte past its head is not UTF-8. */
export class LateEncodingError extends Error {
  constructor(readonly path: string) {
    super(`${path} is not UTF-8 past its head`);
    this.name = 'LateEncodingError';
  }
}

interface ChunkDecoder {
  /** `last`: flush what an incomplete sequence left pending (and fail on it when fatal). */
  decode(bytes: Uint8Array, last: boolean): string;
}

function chunkDecoder(encoding: TextEncoding, fatal: boolean, mixed = false): ChunkDecoder {
  if (mixed) return new MixedDecoder();
  // Single-byte and stateless; TextDecoder's own windows-1252 is wrong, see decode.ts
  if (encoding === 'windows-1252') return { decode: (bytes) => decodeWindows1252(bytes) };
  const decoder = new TextDecoder(encoding, { fatal });
  return { decode: (bytes, last) => decoder.decode(bytes, { stream: !last }) };
}

/** The file's bytes from the start, chunk by chunk; the buffer is reused between chunks. */
function* byteChunks(path: string, chunkBytes: number): Generator<Uint8Array> {
  const fd = openForReading(path);
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    let position = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, chunkBytes, position);
      if (n === 0) return;
      position += n;
      yield buffer.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

function readStart(path: string, bytes: number): Buffer {
  for (const chunk of byteChunks(path, Math.max(1, bytes))) return Buffer.from(chunk);
  return Buffer.alloc(0);
}

/**
 * One pass over a file that is not UTF-8: which of its lines are not (see decode.ts's
 * Utf8Lines), and whether the file is valid GBK that reads as Chinese (decode.ts's CjkRuns,
 * the rule a file in memory is judged by). `firstOnly` stops at the first line that is not
 * UTF-8, when only its number is wanted.
 */
function scanNotUtf8(
  path: string,
  tuning: StreamTuning,
  firstOnly = false,
): { lines: Utf8Lines; chinese: boolean } {
  const lines = new Utf8Lines();
  const gbk = new TextDecoder('gbk', { fatal: true });
  const runs = new CjkRuns();
  let gbkValid = !firstOnly;

  for (const bytes of byteChunks(path, tuning.chunkBytes)) {
    lines.push(bytes);
    if (firstOnly && lines.bad > 0) return { lines, chinese: false };
    if (!gbkValid) continue;
    try {
      runs.push(gbk.decode(bytes, { stream: true }));
    } catch {
      gbkValid = false;
    }
  }
  lines.end();
  if (gbkValid) {
    try {
      runs.push(gbk.decode(new Uint8Array(0)));
    } catch {
      gbkValid = false;
    }
  }
  return { lines, chinese: gbkValid && runs.chinese() };
}

/**
 * UTF-8 with a few lines read as Windows-1252 for a file that is UTF-8 but for those lines;
 * else GBK for one that is valid GBK and reads as Chinese; else Windows-1252; as decode.ts.
 */
export function fallbackEncoding(path: string, tuning: StreamTuning): EncodingChoice {
  const { lines, chinese } = scanNotUtf8(path, tuning);
  if (lines.mixed) {
    log.warn(`${path}: ${lines.note}`);
    return { encoding: 'utf-8', notes: [lines.note], mixed: true };
  }
  // Finding a legacy encoding is no fault: info, as decode.ts logs it
  const encoding = chinese ? 'gbk' : 'windows-1252';
  const note = detectedNote(encoding, lines.firstBad);
  log.info(`${path}: ${note}`);
  return { encoding, notes: [note] };
}

function notUtf8(path: string, tuning: StreamTuning): GraftError {
  const line = scanNotUtf8(path, tuning, true).lines.firstBad;
  return new GraftError('bad-input', `${path} line ${line}: bytes that are not valid UTF-8`);
}

/** The encoding a big file's head implies (BOM, UTF-16, or UTF-8 to be confirmed). */
function headChoice(bytes: Uint8Array, path: string, option: EncodingOption): EncodingChoice {
  if (option !== 'auto') return { encoding: option, notes: chosenNotes(option, bytes) };
  const detected = detectEncoding(bytes);
  if (detected.encoding !== 'utf-8') return detected;
  requireNoNul(bytes, path);
  return detected;
}

/**
 * The head of a text file: the whole file when it fits, decoded as decode.ts always did;
 * otherwise its first `sampleBytes`, decoded by the head's encoding (or by `decided`, the
 * fallback after a LateEncodingError).
 */
export function readHead(
  path: string,
  option: EncodingOption,
  tuning: StreamTuning,
  decided?: EncodingChoice,
): TextHead {
  const size = datasetFileSize(path);
  if (size === 0) throw new GraftError('bad-input', `${path} is empty`);
  const whole = size <= tuning.sampleBytes && !decided;
  const bytes = readStart(path, whole ? size : tuning.sampleBytes);
  if (isParquet(bytes)) {
    throw new GraftError('invalid-argument', `${path} is Parquet; it is read by loadDatasetFile`);
  }

  if (whole) {
    const decoded = decodeText(bytes, path, option);
    const text = normaliseNewlines(decoded.text);
    if (text.trim() === '') throw new GraftError('bad-input', `${path} is empty`);
    return { ...decoded, path, size, whole, text, tentative: false };
  }

  let choice = decided ?? headChoice(bytes, path, option);
  const tentative = !decided && option === 'auto' && choice.encoding === 'utf-8';
  let text: string;
  try {
    const fatal = choice.encoding === 'utf-8' && !choice.mixed;
    text = chunkDecoder(choice.encoding, fatal, choice.mixed).decode(bytes, false);
  } catch {
    if (!tentative) throw notUtf8(path, tuning);
    choice = fallbackEncoding(path, tuning);
    text = chunkDecoder(choice.encoding, false, choice.mixed).decode(bytes, false);
  }
  requireText(text, path, choice.encoding);

  // The sample ends mid-line: keep whole lines, so sniffers never see a cut-off row
  text = normaliseNewlines(withoutBom(text));
  const lastBreak = text.lastIndexOf('\n');
  if (lastBreak >= 0) text = text.slice(0, lastBreak + 1);
  return {
    path,
    size,
    whole,
    text,
    tentative: tentative && choice.encoding === 'utf-8' && !choice.mixed,
    ...choice,
  };
}

/**
 * The file as decoded, newline-normalised text chunks, from its first byte. `onBytes` hears
 * how many bytes have been read after each chunk. A CR at a chunk's end waits for the next
 * chunk, so a CRLF split across two chunks still becomes one line break.
 */
export function* textChunks(
  head: TextHead,
  tuning: StreamTuning,
  onBytes?: (bytes: number) => void,
): Generator<string> {
  const fatal = head.encoding === 'utf-8' && !head.mixed;
  const decoder = chunkDecoder(head.encoding, fatal, head.mixed);
  let read = 0;
  let pendingCr = false;
  let started = false;

  const next = (bytes: Uint8Array, last: boolean): string => {
    let text: string;
    try {
      text = decoder.decode(bytes, last);
    } catch {
      if (head.tentative) throw new LateEncodingError(head.path);
      throw notUtf8(head.path, tuning);
    }
    if (pendingCr) text = '\r' + text;
    pendingCr = !last && text.endsWith('\r');
    if (pendingCr) text = text.slice(0, -1);
    text = normaliseNewlines(text);
    if (!started && text !== '') {
      started = true;
      text = withoutBom(text);
    }
    return text;
  };

  for (const bytes of byteChunks(head.path, tuning.chunkBytes)) {
    read += bytes.length;
    const text = next(bytes, false);
    onBytes?.(read);
    if (text !== '') yield text;
  }
  const rest = next(new Uint8Array(0), true);
  if (rest !== '') yield rest;
}
