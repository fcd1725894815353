/**
 * Which reader handles a file: its extension when that is unambiguous, otherwise a sniff of the
 * first lines, in an order where the stricter shapes go first (a TSV line can never pass as
 * "label text"; a CSV must line up in two or more columns on every sampled line). Parquet and folders
 * are told apart before any text is decoded, in parse.ts.
 */
import { extname } from 'node:path';
import { GraftError } from '../../../shared/errors';
import { csvReader, tsvReader } from './delimited';
import { jsonlReader, jsonReader } from './json';
import { labelTextReader, labelTextTrouble } from './label-text';
import { FORMAT_NAMES, type FormatName, type FormatReader } from './types';

export const readers: readonly FormatReader[] = [
  jsonlReader,
  jsonReader,
  tsvReader,
  // Lines that all split into the same two or more fields are delimited, even where the first
  // word recurs as label text's would ("this is ...,pos"); label text rarely lines up so
  csvReader,
  labelTextReader,
];

export { FORMAT_NAMES };

const SNIFF_LINES = 200;

export function readerByName(name: FormatName): FormatReader {
  const reader = readers.find((r) => r.name === name);
  if (!reader) {
    throw new GraftError(
      'invalid-argument',
      `unknown text format ${JSON.stringify(name)}; accepted formats: ${FORMAT_NAMES.join(', ')}`,
    );
  }
  return reader;
}

export function chooseReader(path: string, text: string): FormatReader {
  const ext = extname(path).toLowerCase();
  const byExtension = readers.find((r) => r.extensions.includes(ext));
  if (byExtension) return byExtension;

  const lines: string[] = [];
  const numbers: number[] = [];
  text.split('\n', SNIFF_LINES * 4).some((line, i) => {
    if (line.trim() === '') return false;
    lines.push(line);
    numbers.push(i + 1);
    return lines.length === SNIFF_LINES;
  });

  const sniffed = readers.find((r) => r.sniff(lines));
  if (sniffed) return sniffed;
  // A file that is nearly "label text" is told where it is not, so the lines can be fixed
  const trouble = labelTextTrouble(lines, (i) => numbers[i]);
  throw new GraftError(
    'bad-input',
    `cannot tell the format of ${path}${trouble ? ` (${trouble})` : ''}: accepted are CSV ` +
      '(.csv, comma-separated with a header ' +
      'row, or ;/| separated), TSV (.tsv, tab-separated), JSON Lines (.jsonl), JSON arrays ' +
      '(.json), Parquet (.parquet), a folder of class sub-folders, and "label text" lines ' +
      '(like TREC\'s "DESC:manner How did ...")',
  );
}
