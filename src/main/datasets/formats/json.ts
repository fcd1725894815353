/**
 * JSON Lines (one object a line) and JSON arrays of objects. Keys become columns, in the order
 * they are first met; numbers and booleans become their text; a list (a multi-label value)
 * stays a JSON list in its field, which the label reader recognises. A file is JSON Lines when
 * most lines of its head are JSON records (so a CSV is never taken for one); from then on a line
 * that is no record (not JSON, a bare value, or a list among objects) is set aside as malformed
 * with its line number, the way a CSV row of the wrong width is, for the user to drop.
 * Each record also keeps the kind of the values that were no strings or numbers, and the keys
 * it lacked (`RawRecord.kinds`): a missing label or an object where text belongs is the row
 * maker's to refuse (rows.ts), and it cannot tell them from the strings alone.
 */
import { GraftError } from '../../../shared/errors';
import { LineSplitter } from './incremental';
import {
  generatedColumnNames,
  type FormatReader,
  type JsonKind,
  type MalformedRecord,
  type RawRecord,
  type RawTable,
  type ReadOptions,
  type RecordSink,
  type RecordStream,
} from './types';

function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value);
  } catch (error) {
    // Only a value nested past the stack's depth fails here; it is no field a classifier reads
    if (error instanceof RangeError) return '(value nested too deeply)';
    throw error;
  }
}

class Columns {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  of(key: string): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(key);
      this.index.set(key, i);
    }
    return i;
  }
}

function kindOf(value: unknown): JsonKind | null {
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'list';
  return value !== null && typeof value === 'object' ? 'object' : null;
}

type Fields = Pick<RawRecord, 'fields' | 'kinds'>;

/** One JSON value as a record's fields, or a reason it cannot be one. */
function toFields(value: unknown, columns: Columns): Fields | string {
  if (value === null || typeof value !== 'object') {
    return `expected an object or a list of fields, got ${value === null ? 'null' : typeof value}`;
  }
  const entries: [number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value).map(([key, v]) => [columns.of(key), v]);
  const record: Fields = { fields: [] };
  for (const [i, v] of entries) {
    record.fields[i] = fieldText(v);
    const kind = kindOf(v);
    if (kind) (record.kinds ??= {})[i] = kind;
  }
  return record;
}

function table(
  format: 'jsonl' | 'json',
  records: RawRecord[],
  malformed: MalformedRecord[],
  columns: Columns,
): RawTable {
  // Records missing a key get '' there, so every record has one field per column
  const width = columns.names.length || Math.max(0, ...records.map((r) => r.fields.length));
  for (const r of records) {
    for (let i = 0; i < width; i++) {
      if (r.fields[i] !== undefined) continue;
      r.fields[i] = '';
      (r.kinds ??= {})[i] = 'missing';
    }
  }
  const keyed = columns.names.length > 0;
  return {
    format,
    columns: keyed ? columns.names : generatedColumnNames(width),
    hasHeader: keyed,
    records,
    malformed,
    notes: [],
  };
}

/** Non-blank lines at the start of a file that decide whether it is JSON Lines at all. */
const HEAD_LINES = 200;

/**
 * Whether `records` of the head's `lines` make the file JSON Lines: most of them. A CSV or
 * prose file has (almost) no line that is a JSON object; a JSONL file with a few bad lines
 * keeps them as malformed records, which the user can drop.
 */
function mostlyRecords(records: number, lines: number): boolean {
  return records * 2 > lines;
}

type Shape = 'object' | 'list';

/**
 * JSON Lines, line by line: each record becomes a record, each line that is not one is set
 * aside (or thrown, in strict mode). The shape (object or list) most of the head's records have
 * is the file's: a list's fields are by position, an object's by key, and mixing them would mix
 * up columns; a first line of the other shape is then one malformed line, not the rule. When
 * too few of the head's lines are records, the file is no JSON Lines and that is thrown. Keys
 * meet in the same order whether the file comes whole or in chunks, so column numbers agree.
 */
function jsonlLines(
  path: string,
  lenient: boolean,
  columns: Columns,
  sink: RecordSink,
): RecordStream {
  let lines = 0;
  let records = 0;
  let first: MalformedRecord | null = null;
  let shape: { kind: Shape; line: number } | null = null;

  // Checked once, on the head's lines: past them the file is JSON Lines whatever it holds
  const checkHead = (): void => {
    if (!first || mostlyRecords(records, lines)) return;
    throw new GraftError(
      'bad-input',
      `${path} line ${first.line}: ${first.reason} (${lines - records} of the first ${lines} ` +
        'lines are not JSON records, so this is not JSON Lines)',
    );
  };

  const reasonFor = (value: unknown, line: number): Fields | string => {
    if (value !== null && typeof value === 'object') {
      const kind: Shape = Array.isArray(value) ? 'list' : 'object';
      shape ??= { kind, line };
      const { kind: first, line: at } = shape;
      if (kind !== first) {
        return `a JSON ${kind} where the records are JSON ${first}s (as on line ${at})`;
      }
    }
    return toFields(value, columns);
  };

  // The head's lines wait until their shapes are counted (HEAD_LINES of them at most)
  let head: { raw: string; line: number }[] | null = [];
  const flushHead = (): void => {
    const waiting = head ?? [];
    head = null;
    shape ??= mostCommonShape(waiting);
    for (const { raw, line } of waiting) take(raw, line);
  };

  const take = (raw: string, line: number): void => {
    lines++;
    let fields: Fields | string;
    try {
      fields = reasonFor(JSON.parse(raw), line);
    } catch (error) {
      fields = `not JSON (${error instanceof Error ? error.message : String(error)})`;
    }
    if (typeof fields !== 'string') {
      records++;
      sink.record({ line, ...fields, raw });
    } else {
      if (!lenient) throw new GraftError('bad-input', `${path} line ${line}: ${fields}`);
      const record = { line, reason: fields, raw };
      first ??= record;
      sink.malformed(record);
    }
    if (lines === HEAD_LINES) checkHead();
  };

  const splitter = new LineSplitter((text, line) => {
    const raw = text.trim();
    if (raw === '') return;
    if (!head) return take(raw, line);
    head.push({ raw, line });
    if (head.length === HEAD_LINES) flushHead();
  });
  return {
    push: (text) => splitter.push(text),
    end: () => {
      splitter.end();
      if (head) flushHead();
      if (lines < HEAD_LINES) checkHead();
    },
  };
}

/** The shape most of these lines' JSON values have, with its first line; null for none. */
function mostCommonShape(
  lines: { raw: string; line: number }[],
): { kind: Shape; line: number } | null {
  const seen: Record<Shape, { count: number; line: number }> = {
    object: { count: 0, line: 0 },
    list: { count: 0, line: 0 },
  };
  for (const { raw, line } of lines) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const entry = seen[Array.isArray(value) ? 'list' : 'object'];
    if (entry.count++ === 0) entry.line = line;
  }
  if (seen.object.count + seen.list.count === 0) return null;
  const kind: Shape = seen.list.count > seen.object.count ? 'list' : 'object';
  return { kind, line: seen[kind].line };
}

/** A large JSON Lines file, streamed; its column numbers match those of its head's table. */
export function streamJsonl(path: string, lenient: boolean, sink: RecordSink): RecordStream {
  const columns = new Columns();
  const stream = jsonlLines(path, lenient, columns, sink);
  // Keys first met past the head are columns too (of no use to rows: those map head columns)
  return { ...stream, columns: () => [...columns.names] };
}

function readJsonl(path: string, text: string, options: ReadOptions): RawTable {
  const columns = new Columns();
  const records: RawRecord[] = [];
  const malformed: MalformedRecord[] = [];
  const lines = jsonlLines(path, options.lenient, columns, {
    record: (r) => records.push(r),
    malformed: (m) => malformed.push(m),
  });
  lines.push(text);
  lines.end();
  const result = table('jsonl', records, malformed, columns);
  result.plan = { kind: 'jsonl' };
  return result;
}

/** Line and column of a character offset, for JSON syntax errors that give only a position. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return `line ${line}, column ${offset - start + 1}`;
}

function readJsonArray(path: string, text: string): RawTable {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    const where = at ? ` at ${lineColumn(text, Number(at[1]))}` : '';
    throw new GraftError('bad-input', `${path}: not valid JSON${where} (${message})`);
  }

  // `{ "data": [...] }` is as common as a bare list: take the one list-valued property
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const lists = Object.entries(value).filter(([, v]) => Array.isArray(v));
    if (lists.length === 1) value = lists[0][1];
  }
  if (!Array.isArray(value)) {
    throw new GraftError(
      'bad-input',
      `${path}: expected a JSON list of records (or an object holding one list); ` +
        'accepted shapes: [{"text": ..., "label": ...}, ...] or one such object per line (JSONL)',
    );
  }

  const columns = new Columns();
  const records: RawRecord[] = [];
  for (let i = 0; i < value.length; i++) {
    const fields = toFields(value[i], columns);
    if (typeof fields === 'string') {
      throw new GraftError('bad-input', `${path} record ${i + 1}: ${fields}`);
    }
    // A JSON array has no useful line per record; the record's position stands in for it
    records.push({ line: i + 1, ...fields });
  }
  const result = table('json', records, [], columns);
  result.notes.push('record numbers stand for lines');
  return result;
}

/** A line that is a JSON object or list, as JSON Lines records are. */
function isRecordLine(line: string): boolean {
  if (!/^\s*[{[].*[}\]]\s*$/.test(line)) return false;
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
}

export const jsonlReader: FormatReader = {
  name: 'jsonl',
  extensions: ['.jsonl', '.ndjson'],
  sniff: (lines) =>
    lines.length > 0 && mostlyRecords(lines.filter(isRecordLine).length, lines.length),
  read: readJsonl,
};

export const jsonReader: FormatReader = {
  name: 'json',
  extensions: ['.json'],
  sniff: (lines) => /^\s*[[{]/.test(lines[0] ?? ''),
  read: (path, text) => readJsonArray(path, text),
};
