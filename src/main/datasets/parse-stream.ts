/**
 * One source file to rows, delivered to a sink as they are read, so the caller decides what to
 * keep: parse.ts keeps them all (small files, direct callers), the importer stages them on disk
 * and keeps a few numbers per row (import.ts).
 *
 * A text file larger than its head is read in chunks (source.ts), every chunk through the
 * reader plan its head decided (formats/stream.ts) and the row maker its head's columns built
 * (rows.ts). Formats that cannot be streamed stay in memory: JSON arrays (one JSON.parse),
 * Parquet (hyparquet reads whole files) and class folders (one file per row).
 *
 * The work comes as steps: each `yield` ends a chunk, a moment for the async driver to report
 * progress and give the event loop a turn; the sync driver just runs them through.
 */
import { closeSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { GraftError } from '../../shared/errors';
import { openForReading, sourceKind } from './dataset-files';
import { isParquet, readFolder, readParquet } from './formats/binary';
import { rawText } from './formats/delimited';
import { chooseReader, readerByName } from './formats/registry';
import { streamRecords } from './formats/stream';
import { allowedShare, HINT_LINES, tooManyHint, tooManyMalformed } from './formats/malformed-share';
import type {
  MalformedRecord,
  RawTable,
  ReadOptions,
  StreamOptions,
  StreamPlan,
} from './formats/types';
import { isMalformed, rowMaker, type ParsedRow, type ParseOptions, type RowMaker } from './rows';
import { detach } from './detach';
import {
  DEFAULT_TUNING,
  fallbackEncoding,
  LateEncodingError,
  readHead,
  textChunks,
  type EncodingChoice,
  type StreamTuning,
} from './source';

export interface RowSink {
  row(row: ParsedRow): void;
  malformed(record: MalformedRecord): void;
  /** The file is read again from its first byte (a late change of encoding): drop its rows. */
  restart(): void;
}

/** What was read, without the rows themselves (those went to the sink). */
export interface FileSummary {
  path: string;
  format: RawTable['format'];
  encoding: string;
  columns: string[];
  textColumn: string;
  labelColumn: string;
  multi: boolean;
  notes: string[];
  rows: number;
  malformed: number;
}

export interface StreamHooks {
  tuning?: StreamTuning;
  /** Bytes of the file read so far, after each chunk. */
  onBytes?(bytes: number): void;
  /** Awaited after each step (the importer reports progress and yields to the event loop). */
  pause?(): Promise<void>;
}

/** Rows handed to the sink between two steps when a table is already in memory. */
const TABLE_STEP_ROWS = 10_000;

type Steps = Generator<void, FileSummary>;

/**
 * Counts what passes to the sink, and stops at the limit: the first N records of the file, in
 * file order, malformed or not, so "records read" says N however the file was read. Past them
 * nothing counts, so the share of malformed records is judged here, on those N (see
 * streamOptions), and a strict read fails at the first of them that is malformed.
 */
class Delivery {
  rows = 0;
  malformed = 0;
  private readonly limit: number;
  /** Records the reader set aside (the maker's malformed rows are not its fault). */
  private misread = 0;
  private firstMisread: MalformedRecord | null = null;
  /** The first records' text, good and bad, for the delimiter a refusal suggests. */
  private readonly sample: string[] = [];

  constructor(
    private readonly path: string,
    private readonly sink: RowSink,
    private readonly maker: RowMaker,
    private readonly options: ParseOptions,
  ) {
    this.limit = options.limit ?? Infinity;
  }

  get full(): boolean {
    return this.rows + this.malformed >= this.limit;
  }

  private sampled(raw: string): void {
    if (this.limit !== Infinity && this.sample.length < HINT_LINES) {
      this.sample.push(detach(raw));
    }
  }

  record(record: Parameters<RowMaker['make']>[0]): void {
    if (this.full) return;
    this.sampled(rawText(record));
    const made = this.maker.make(record);
    if (isMalformed(made)) {
      this.malformed++;
      this.sink.malformed(made);
    } else {
      this.rows++;
      this.sink.row(made);
    }
  }

  /** A record the reader set aside. */
  bad(record: MalformedRecord): void {
    if (this.full) return;
    // A limited file is read leniently, so that what lies past the limit cannot fail it
    if (this.limit !== Infinity && !this.options.lenient) {
      throw new GraftError('bad-input', `${this.path} line ${record.line}: ${record.reason}`);
    }
    this.sampled(record.raw);
    this.misread++;
    this.firstMisread ??= record;
    this.malformed++;
    this.sink.malformed(record);
  }

  /** A limited delimited file: refused, as its reader refuses a whole one, for too many bad. */
  finish(plan: StreamPlan | undefined): void {
    const first = this.firstMisread;
    if (this.limit === Infinity || plan?.kind !== 'delimited' || !first) return;
    const share = allowedShare(this.options.maxMalformedShare);
    const total = this.rows + this.malformed;
    if (!tooManyMalformed(this.misread, total, share)) return;
    const hint = tooManyHint(this.misread, total, this.sample, plan.delimiter, share);
    throw new GraftError('bad-input', `${this.path} line ${first.line}: ${first.reason}; ${hint}`);
  }
}

function summary(path: string, table: RawTable, encoding: string, d: Delivery, m: RowMaker) {
  return {
    path,
    format: table.format,
    encoding,
    columns: table.columns,
    textColumn: m.textColumn,
    labelColumn: m.labelColumn,
    multi: m.multi,
    notes: table.notes,
    rows: d.rows,
    malformed: d.malformed,
  } satisfies FileSummary;
}

/** Rows of a table already in memory. */
function* tableSteps(
  path: string,
  table: RawTable,
  encoding: string,
  options: ParseOptions,
  sink: RowSink,
): Steps {
  const maker = rowMaker(path, table, options);
  const delivery = new Delivery(path, sink, maker, options);
  const { records, malformed } = table;
  // In file order, as a streamed file delivers them: the limit counts malformed records too
  let m = 0;
  const badBefore = (line: number): void => {
    while (m < malformed.length && malformed[m].line < line && !delivery.full) {
      delivery.bad(malformed[m++]);
    }
  };
  for (let i = 0; i < records.length && !delivery.full; i++) {
    badBefore(records[i].line);
    delivery.record(records[i]);
    if (i % TABLE_STEP_ROWS === TABLE_STEP_ROWS - 1) yield;
  }
  badBefore(Infinity);
  delivery.finish(table.plan);
  return summary(path, table, encoding, delivery, maker);
}

/**
 * With a limit, records past it must not fail the file: it is read leniently and with no
 * bound on malformed records, and Delivery applies both to the records it keeps.
 */
function streamOptions(options: ParseOptions): StreamOptions {
  const limited = options.limit !== undefined;
  return {
    lenient: limited || (options.lenient ?? false),
    maxMalformedShare: limited ? 1 : options.maxMalformedShare,
  };
}

function readOptions(options: ParseOptions, partial: boolean): ReadOptions {
  const reading = streamOptions(options);
  return {
    header: options.header ?? 'auto',
    quoting: options.quoting ?? 'auto',
    labelLevel: options.labelLevel ?? 'coarse',
    delimiter: options.delimiter,
    maxMalformedShare: reading.maxMalformedShare,
    // A head is read leniently: the decisions need it whole, the stream applies strictness
    lenient: partial || reading.lenient,
    partial,
  };
}

/** Rows of a text file: whole when small, else streamed with its head's decisions. */
function* textSteps(path: string, options: ParseOptions, sink: RowSink, hooks: StreamHooks): Steps {
  const tuning = hooks.tuning ?? DEFAULT_TUNING;
  const encodingOption = options.encoding ?? 'auto';
  const format = options.format ?? 'auto';
  let decided: EncodingChoice | undefined;

  for (;;) {
    const head = readHead(path, encodingOption, tuning, decided);
    const reader = format !== 'auto' ? readerByName(format) : chooseReader(path, head.text);
    const table = reader.read(path, head.text, readOptions(options, !head.whole));
    table.notes.unshift(...head.notes);

    // JSON arrays are parsed whole, and a head without a whole record decides nothing
    if (!head.whole && (!table.plan || table.records.length === 0)) {
      const all = readHead(path, encodingOption, { ...tuning, sampleBytes: Infinity });
      const whole = reader.read(path, all.text, readOptions(options, false));
      whole.notes.unshift(...all.notes);
      hooks.onBytes?.(all.size);
      return yield* tableSteps(path, whole, all.encoding, options, sink);
    }
    if (head.whole || !table.plan) {
      hooks.onBytes?.(head.size);
      return yield* tableSteps(path, table, head.encoding, options, sink);
    }

    // Column names are cut from the head's text: copies let the head go
    table.columns = table.columns.map(detach);
    const maker = rowMaker(path, table, options);
    // The head's records and text have done their job; the pass reads from byte 0
    table.records = [];
    head.text = '';
    const delivery = new Delivery(path, sink, maker, options);
    const records = streamRecords(path, table.plan, streamOptions(options), {
      record: (r) => delivery.record(r),
      malformed: (m) => delivery.bad(m),
    });
    try {
      for (const text of textChunks(head, tuning, hooks.onBytes)) {
        records.push(text);
        if (delivery.full) break;
        yield;
      }
      // At the limit the rest is left unread: the end's checks would judge what was not read
      if (!delivery.full) records.end();
      delivery.finish(table.plan);
      const columns = records.columns?.();
      if (columns && columns.length > table.columns.length) table.columns = columns;
      return summary(path, table, head.encoding, delivery, maker);
    } catch (error) {
      if (!(error instanceof LateEncodingError)) throw error;
      decided = fallbackEncoding(path, tuning);
      sink.restart();
    }
  }
}

function isParquetFile(path: string): boolean {
  if (extname(path).toLowerCase() === '.parquet') return true;
  const head = new Uint8Array(4);
  const fd = openForReading(path);
  try {
    return readSync(fd, head, 0, 4, 0) === 4 && isParquet(head);
  } finally {
    closeSync(fd);
  }
}

/** Steps for any source but Parquet, which must be read (async) beforehand: `parquet`. */
export function* fileSteps(
  path: string,
  options: ParseOptions,
  sink: RowSink,
  hooks: StreamHooks = {},
  parquet?: RawTable,
): Steps {
  const format = options.format ?? 'auto';
  if (parquet) return yield* tableSteps(path, parquet, 'binary', options, sink);
  if (sourceKind(path) === 'folder') {
    if (format !== 'auto' && format !== 'folder') {
      throw new GraftError('bad-input', `${path} is a folder; expected a ${format} file`);
    }
    const table = readFolder(path, options.encoding ?? 'auto', options.maxMalformedShare);
    const encoding = table.notes[1]?.replace('file encodings: ', '') ?? 'utf-8';
    return yield* tableSteps(path, table, encoding, options, sink);
  }
  if (format === 'folder') {
    throw new GraftError('bad-input', `${path} is a file; the folder format needs a folder`);
  }
  return yield* textSteps(path, options, sink, hooks);
}

/** Any source, text file, Parquet file or class folder, to the sink; see StreamHooks. */
export async function streamDatasetFile(
  path: string,
  options: ParseOptions,
  sink: RowSink,
  hooks: StreamHooks = {},
): Promise<FileSummary> {
  const format = options.format ?? 'auto';
  const folder = sourceKind(path) === 'folder';
  const parquet =
    !folder && (format === 'parquet' || (format === 'auto' && isParquetFile(path)))
      ? await readParquet(path)
      : undefined;
  const steps = fileSteps(path, options, sink, hooks, parquet);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await hooks.pause?.();
  }
}

/** The same, synchronously, for text files only. */
export function streamTextFileSync(
  path: string,
  options: ParseOptions,
  sink: RowSink,
  hooks: StreamHooks = {},
): FileSummary {
  const steps = textSteps(path, options, sink, hooks);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
