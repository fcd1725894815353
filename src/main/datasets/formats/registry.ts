/**
 * Which reader handles a file: its extension when that is unambiguous, otherwise a sniff of the
 * first lines, in an order where the stricter shapes go first (a TSV line can never pass as
 * "label text", while almost any prose line passes as a one-column CSV).
 */
import { extname } from 'node:path';
import { GraftError } from '../../../shared/errors';
import { csvReader, tsvReader } from './delimited';
import { labelTextReader } from './label-text';
import type { FormatName, FormatReader } from './types';

export const readers: readonly FormatReader[] = [tsvReader, labelTextReader, csvReader];

export const FORMAT_NAMES: readonly FormatName[] = readers.map((r) => r.name);

const SNIFF_LINES = 200;

export function readerByName(name: FormatName): FormatReader {
  const reader = readers.find((r) => r.name === name);
  if (!reader) {
    throw new GraftError(
      'invalid-argument',
      `unknown format ${JSON.stringify(name)}; accepted formats: ${FORMAT_NAMES.join(', ')}`,
    );
  }
  return reader;
}

export function chooseReader(path: string, text: string): FormatReader {
  const ext = extname(path).toLowerCase();
  const byExtension = readers.find((r) => r.extensions.includes(ext));
  if (byExtension) return byExtension;

  const lines: string[] = [];
  for (const line of text.split('\n', SNIFF_LINES * 4)) {
    if (line.trim() !== '') lines.push(line);
    if (lines.length === SNIFF_LINES) break;
  }

  const sniffed = readers.find((r) => r.sniff(lines));
  if (sniffed) return sniffed;
  throw new GraftError(
    'bad-input',
    `cannot tell the format of ${path}: accepted are CSV (.csv, comma-separated with a header ` +
      'row), TSV (.tsv, tab-separated) and "label text" lines (like TREC\'s "DESC:manner How ' +
      'did ...")',
  );
}
