/**
 * One file of many read as text: a class folder's entry, which, when it is not text, is set
 * aside as that one row's problem rather than refusing the folder.
 */
import {
  byteProblem,
  decodeText,
  isControl,
  UnreadableTextError,
  type EncodingOption,
  type SourceText,
} from './decode';

/** Bytes of a file that cannot be read as text that its malformed row keeps (see below). */
export const MAX_UNREADABLE_RAW_BYTES = 1024;

/** A file that cannot be read as text: why, and its first bytes, one character each. */
export interface UnreadableText {
  problem: string;
  /**
   * The first `MAX_UNREADABLE_RAW_BYTES` bytes as Latin-1, so each character is one byte
   * ("\u0000\u0001bin"): the file itself is named by its place, and a large binary file (an
   * image named .txt) would otherwise be kept whole with the dataset.
   */
  raw: string;
}

/**
 * One file of many (a class folder's entry): its text as `decodeText` reads it, or, where it
 * cannot be read as text, why, so that the reader sets that one file aside as a malformed row
 * instead of refusing the folder. Why is said in the file's own bytes: a short file with a NUL
 * (`\0\x01bin`) passes for UTF-16 without a BOM, and "read as utf-16be" would only confuse;
 * "line 1 holds a NUL byte (byte offset 0)" is what is wrong with it. Where a BOM or the user
 * chose UTF-16, NUL bytes are its text's, so the problem is said in the decoded text's terms.
 */
export function decodeEntry(
  bytes: Uint8Array,
  path: string,
  encoding: EncodingOption,
): SourceText | UnreadableText {
  try {
    return decodeText(bytes, path, encoding);
  } catch (error) {
    if (!(error instanceof UnreadableTextError)) throw error;
    const raw = Buffer.from(bytes.subarray(0, MAX_UNREADABLE_RAW_BYTES)).toString('latin1');
    return { problem: entryProblem(bytes, encoding, error), raw };
  }
}

function entryProblem(
  bytes: Uint8Array,
  encoding: EncodingOption,
  error: UnreadableTextError,
): string {
  const chosen = encoding === 'utf-16le' || encoding === 'utf-16be';
  const bom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const utf16 = chosen || (encoding === 'auto' && bom);
  if (utf16 || !error.binary) return error.problem;
  // In the 8-bit encodings (UTF-8, GBK, Windows-1252) a control character is its own byte
  const at = bytes.findIndex(isControl);
  return at < 0 ? error.problem : `looks binary, not text: ${byteProblem(bytes, at)}`;
}
