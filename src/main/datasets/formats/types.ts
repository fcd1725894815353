/**
 * What every file format produces: a table of raw string fields with the line each record
 * starts on, so that every later error can point at a line. A new format is one more
 * `FormatReader` in `registry.ts`; column choice, validation, splitting and storage do not
 * change. Records a reader could not make sense of are kept as `malformed`, with their line
 * and raw text, so the user can decide to drop them and still recover them from the report.
 */

export const FORMAT_NAMES = [
  'csv',
  'tsv',
  'label-text',
  'jsonl',
  'json',
  'parquet',
  'folder',
] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export type QuotingOption = 'auto' | 'rfc4180' | 'none';

/** How to read labels like TREC's `DESC:manner`: the part before ':' or the whole token. */
export type LabelLevel = 'coarse' | 'fine';

/** A JSON value that is no string, number or null; its field holds '' or the JSON text. */
export type JsonKind = 'missing' | 'boolean' | 'object' | 'list';

export interface RawRecord {
  /** 1-based line where the record starts (a quoted field may span several lines). */
  line: number;
  fields: string[];
  /** Where the record is when a line cannot say: a class folder's file, "pos/0001.txt". */
  source?: string;
  /** JSON records: field index -> kind, for the fields that held such a value. */
  kinds?: Record<number, JsonKind>;
  /**
   * The record as the file has it (decoded, line breaks as `\n`), for a malformed row's text:
   * the fields alone lose the quoting. Absent for formats with no text lines (Parquet).
   */
  raw?: string;
}

export interface MalformedRecord {
  line: number;
  reason: string;
  /**
   * The record's text as the file has it (or as much as was read), so a dropped row can be
   * recovered; where there is none (Parquet), its fields separated by U+241F.
   */
  raw: string;
  /** As RawRecord's. */
  source?: string;
}

export interface RawTable {
  format: FormatName;
  /** Column names; `column1`, `column2`... when the file has no header row. */
  columns: string[];
  hasHeader: boolean;
  /** Data records only, in file order, blank lines left out. */
  records: RawRecord[];
  /** Records that could not be read as rows of this table; empty for a clean file. */
  malformed: MalformedRecord[];
  /** How the file was read, for the log and report: 'quoting off', 'no header row'... */
  notes: string[];
  /** How to read the rest of the file the same way; absent for formats read whole. */
  plan?: StreamPlan;
}

/**
 * The decisions a reader took on a file's head (delimiter, quoting, header row), so that the
 * whole of a large file is read chunk by chunk the same way.
 */
export type StreamPlan =
  | { kind: 'delimited'; quoted: boolean; delimiter: string; header: boolean }
  | { kind: 'jsonl' }
  | { kind: 'label-text' };

/** Where a streamed reader delivers what it reads, in file order. */
export interface RecordSink {
  record(record: RawRecord): void;
  malformed(record: MalformedRecord): void;
}

/** A reader working through a file chunk by chunk (newline-normalised text). */
export interface RecordStream {
  push(text: string): void;
  /** The end of the file: the last record, then checks that need the whole file. */
  end(): void;
  /** Columns met in the whole file, where records name them (JSON Lines keys). */
  columns?(): string[];
}

export interface ReadOptions {
  header: 'auto' | boolean;
  quoting: QuotingOption;
  labelLevel: LabelLevel;
  /** A delimiter the user chose; otherwise the format's own or a sniffed one. */
  delimiter?: string;
  /** Collect malformed records instead of throwing at the first (the importer's mode). */
  lenient: boolean;
  /**
   * Lenient delimited files: the share of data records that may be malformed before the file
   * is refused as not of its shape; malformed-share.ts (0.1 unless malformed rows are dropped).
   */
  maxMalformedShare?: number;
  /** The text is the head of a longer file: its last record may be cut short. */
  partial?: boolean;
}

/** What a streamed reader takes of the ReadOptions: the decisions are in its StreamPlan. */
export type StreamOptions = Pick<ReadOptions, 'lenient' | 'maxMalformedShare'>;

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
