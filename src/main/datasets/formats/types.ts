/**
 * What every file format produces: a table of raw string fields with the line each record
 * starts on, so that every later error can point at a line. A new format (JSONL, Parquet...)
 * is one more `FormatReader` in `registry.ts`; column choice, validation, splitting and storage
 * do not change.
 */

export type FormatName = 'csv' | 'tsv' | 'label-text';

export type QuotingOption = 'auto' | 'rfc4180' | 'none';

/** How to read labels like TREC's `DESC:manner`: the part before ':' or the whole token. */
export type LabelLevel = 'coarse' | 'fine';

export interface RawRecord {
  /** 1-based line where the record starts (a quoted field may span several lines). */
  line: number;
  fields: string[];
}

export interface RawTable {
  format: FormatName;
  /** Column names; `column1`, `column2`... when the file has no header row. */
  columns: string[];
  hasHeader: boolean;
  /** Data records only, in file order, blank lines left out. */
  records: RawRecord[];
  /** How the file was read, for the log: 'quoting off', 'labels coarse'... */
  notes: string[];
}

export interface ReadOptions {
  header: 'auto' | boolean;
  quoting: QuotingOption;
  labelLevel: LabelLevel;
}

export interface FormatReader {
  name: FormatName;
  /** Lower-case extensions (with the dot) that select this reader without sniffing. */
  extensions: readonly string[];
  /** Whether these first lines of a file (non-blank, newline-normalised) look like this format. */
  sniff(lines: readonly string[]): boolean;
  read(path: string, text: string, options: ReadOptions): RawTable;
}

export function generatedColumnNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `column${i + 1}`);
}
