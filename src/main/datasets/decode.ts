/**
 * Reading a dataset file into text. Files arrive in whatever encoding their authors used:
 * UTF-8 is tried strictly first and, where it fails, Windows-1252 (a superset of Latin-1 that
 * TREC's files need) takes over with a warning naming the first line that was not UTF-8.
 * More encodings slot in as further entries of `TextEncoding`.
 */
import { readFileSync, statSync } from 'node:fs';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';

const log = logger('datasets');

export type TextEncoding = 'utf-8' | 'windows-1252';
export type EncodingOption = 'auto' | TextEncoding;

export interface SourceText {
  text: string;
  encoding: TextEncoding;
}

/** The file's bytes, with missing, unreadable and folder paths reported by name. */
export function readBytes(path: string): Buffer {
  try {
    if (statSync(path).isDirectory()) {
      throw new GraftError('bad-input', `${path} is a folder; expected a dataset file`);
    }
    return readFileSync(path);
  } catch (error) {
    if (error instanceof GraftError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new GraftError('not-found', `file not found: ${path}`);
    const reason = error instanceof Error ? error.message : String(error);
    throw new GraftError('bad-input', `cannot read ${path}: ${reason}`, { cause: error });
  }
}

function lineOfFirstReplacement(text: string): number {
  const at = text.indexOf('\uFFFD');
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Decodes bytes; the BOM, if any, is dropped so it never sticks to the first column name. */
export function decodeText(bytes: Buffer, path: string, encoding: EncodingOption): SourceText {
  const head = bytes.subarray(0, 2);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new GraftError(
      'unsupported',
      `${path} is UTF-16; accepted encodings are UTF-8 and Windows-1252 (save it as UTF-8)`,
    );
  }

  // A NUL byte never occurs in text in these encodings: this is a binary file
  const probe = bytes.subarray(0, 64 * 1024);
  if (probe.includes(0)) {
    throw new GraftError('bad-input', `${path} looks binary (it contains NUL bytes), not text`);
  }

  if (encoding === 'windows-1252') {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding };
  }

  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch (cause) {
    const line = lineOfFirstReplacement(new TextDecoder('utf-8').decode(bytes));
    if (encoding === 'utf-8') {
      throw new GraftError('bad-input', `${path} line ${line}: bytes that are not valid UTF-8`, {
        cause,
      });
    }
    log.warn(`${path} is not UTF-8 (first at line ${line}); reading it as Windows-1252`);
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/** Line breaks become `\n`: CRLF files and their LF twins must parse (and hash) the same. */
export function normaliseNewlines(text: string): string {
  if (!text.includes('\r')) return text;
  return text.replace(/\r\n?/g, '\n');
}
