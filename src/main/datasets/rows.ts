/**
 * Records to rows: the chosen columns' fields, labels transformed and named, the split column
 * read. A `RowMaker` is built once from a file's head table, whose columns it maps (by name,
 * else by guess), and then applied to every record of the file, whether the file came whole or
 * in chunks; a record it cannot turn into a row comes back as malformed, with the reason.
 *
 * JSON records carry what their values were (json.ts): a missing key, a boolean or an object
 * label, an object text are malformed rows. A list label is a label set when the request is
 * multi-label, and refused otherwise rather than turning the import multi-label on its own:
 * the importer stages single labels or label sets from the request, before any row is read.
 */
import type { SplitName } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { SPLIT_OF_VALUE, SPLIT_VALUES } from '../../shared/split-column';
import {
  chooseColumns,
  chooseTextColumn,
  describeLabelColumns,
  labelColumnIndices,
  splitColumnIndex,
} from './columns';
import type { EncodingOption } from './decode';
import { rawText } from './formats/delimited';
import type {
  FormatName,
  JsonKind,
  LabelLevel,
  MalformedRecord,
  QuotingOption,
  RawRecord,
  RawTable,
} from './formats/types';
import { labelTransform, splitLabels } from './labels';

export interface ParseOptions {
  textColumn?: string;
  labelColumn?: string;
  /** A column whose values (train, validation/dev, test) assign each row its split. */
  splitColumn?: string;
  /** Keep only the first N data rows. */
  limit?: number;
  /** 'auto' (default): from the extension, else sniffed from the first lines. */
  format?: 'auto' | FormatName;
  /** 'auto' (default): BOM, UTF-16, UTF-8, GBK, then Windows-1252 with a warning. */
  encoding?: EncodingOption;
  /** 'auto' (default): a first row is a header unless its values recur as data below it. */
  header?: 'auto' | boolean;
  /** 'auto' (default): RFC 4180 for CSV; off for TSV unless the file is plainly RFC-quoted. */
  quoting?: QuotingOption;
  /** A delimiter for delimited files; sniffed among , TAB ; | otherwise. */
  delimiter?: string;
  /** Older spelling of labelTransform for "label text" files: 'coarse' or 'fine'. */
  labelLevel?: LabelLevel;
  /** See labels.ts; default 'coarse' for "label text" files, 'none' for the rest. */
  labelTransform?: string;
  /** Multi-label: the separator between a row's labels (a JSON list field also works). */
  multiLabel?: string;
  /** Multi-label, one 0/1 column per label: names or `first..last` ranges (columns.ts). */
  labelColumns?: readonly string[];
  /** Names for integer label ids: id i is names[i] (GoEmotions' labels.txt). */
  labelNames?: readonly string[];
  /** Keep empty and malformed rows, flagged, instead of throwing at the first. */
  lenient?: boolean;
  /** See ReadOptions; an import sets it from its drops (formats/malformed-share.ts). */
  maxMalformedShare?: number;
}

export interface ParsedRow {
  text: string;
  label: string;
  /** 1-based line of the record in the file. */
  line: number;
  /** Where the row is when a line cannot say: a class folder's file, "pos/0001.txt". */
  source?: string;
  /** Multi-label rows: every label of the row, transformed and named; `label` is the first. */
  labels?: string[];
  /** From the split column, when one was named. */
  split?: SplitName;
}

export interface RowMaker {
  textColumn: string;
  labelColumn: string;
  /** Rows carry a list of labels (a separator or label columns). */
  multi: boolean;
  make(record: RawRecord): ParsedRow | MalformedRecord;
}

/** Formats whose records say which values are no text (RawRecord.kinds): json.ts, Parquet. */
function carriesKinds(table: RawTable): boolean {
  return table.format === 'json' || table.format === 'jsonl' || table.format === 'parquet';
}

/** Text as stored and hashed: NFC (so that é typed two ways is one string), ends trimmed. */
export function normaliseText(value: string): string {
  return value.normalize('NFC').trim();
}

export function isMalformed(value: ParsedRow | MalformedRecord): value is MalformedRecord {
  return (value as MalformedRecord).reason !== undefined;
}

function transformFor(table: RawTable, options: ParseOptions): (l: string) => string {
  if (options.labelTransform) return labelTransform(options.labelTransform);
  if (table.format === 'label-text') {
    return labelTransform(options.labelLevel === 'fine' ? 'fine' : 'coarse');
  }
  return (l) => l;
}

/** Several integer ids in one label, and the separator between them. */
const ID_LIST = /^\d+\s*([,;|])\s*\d+(?:\s*[,;|]\s*\d+)*$/;

/** Maps an integer id to its name; a reason string when the id has none. */
function namer(names: readonly string[] | undefined): (l: string) => string | { bad: string } {
  if (!names) return (l) => l;
  return (l) => {
    const id = /^\d+$/.test(l) ? Number(l) : -1;
    if (id >= 0 && id < names.length) return names[id];
    const bad = `label ${JSON.stringify(l)} is not an id of the ${names.length} label names`;
    // GoEmotions' "8,20" read without a label separator: say how to read it
    const list = ID_LIST.exec(l);
    return { bad: list ? `${bad}; read as multi-label, separated by "${list[1]}"?` : bad };
  };
}

function requireOneLabelForm(options: ParseOptions, path: string): void {
  const others = (
    [
      ['labelColumn', options.labelColumn],
      ['multiLabel', options.multiLabel],
      ['labelNames', options.labelNames],
      ['labelTransform', options.labelTransform],
    ] as const
  ).filter(([, value]) => value !== undefined);
  if (others.length === 0) return;
  throw new GraftError(
    'invalid-argument',
    `${path}: labelColumns (one 0/1 column per label) takes the labels from the column names; ` +
      `it cannot be combined with ${others.map(([name]) => name).join(', ')}`,
  );
}

/** Rows of a file whose labels are 0/1 columns, one per label. */
function wideMaker(path: string, table: RawTable, options: ParseOptions): RowMaker {
  requireOneLabelForm(options, path);
  const labels = labelColumnIndices(table, options.labelColumns ?? [], path);
  const text = chooseTextColumn(table, options.textColumn, labels, path);
  const names = labels.map((i) => table.columns[i]);
  const split = splitReader(table, options, path, { text, labels });

  return {
    textColumn: table.columns[text],
    labelColumn: describeLabelColumns(table, labels),
    multi: true,
    make(r) {
      const row: ParsedRow = { text: normaliseText(r.fields[text] ?? ''), label: '', line: r.line };
      if (r.source !== undefined) row.source = r.source;
      const on: string[] = [];
      for (let k = 0; k < labels.length; k++) {
        const value = (r.fields[labels[k]] ?? '').trim();
        if (value === '1') on.push(names[k]);
        else if (value !== '0') {
          const reason =
            `label column ${JSON.stringify(names[k])} holds ${JSON.stringify(value)}; ` +
            'accepted values: 0, 1';
          return malformed(r, reason);
        }
      }
      row.labels = on;
      row.label = on[0] ?? '';
      return split(r, row);
    },
  };
}

/** A malformed record with its line, source and raw fields. */
function malformed(r: RawRecord, reason: string): MalformedRecord {
  const m: MalformedRecord = { line: r.line, reason, raw: rawText(r) };
  if (r.source !== undefined) m.source = r.source;
  return m;
}

const ARTICLE: Record<JsonKind, string> = {
  missing: '',
  boolean: 'a boolean',
  object: 'an object',
  list: 'a list',
};

/** A field's value as an error shows it: JSON text, cut short. */
function shown(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

function holds(r: RawRecord, col: number, name: string, kind: JsonKind): string {
  return `field ${JSON.stringify(name)} holds ${ARTICLE[kind]} (${shown(r.fields[col])})`;
}

/**
 * Why a JSON record's text or label field cannot make a row, or null. Texts must be strings
 * or numbers; labels strings or integers, or a list of those for a multi-label row. A missing
 * key is no empty value: it is reported by name (JSON's `null` stays an empty value).
 */
function jsonProblem(
  r: RawRecord,
  col: number,
  name: string,
  role: 'text' | 'label',
  multi: boolean,
): string | null {
  const kind = r.fields[col] === undefined ? 'missing' : r.kinds?.[col];
  if (!kind) return null;
  if (kind === 'missing') return `no field ${JSON.stringify(name)}`;
  if (role === 'text') {
    return kind === 'boolean' ? null : `${holds(r, col, name, kind)}, not text`;
  }
  if (kind !== 'list') {
    return `${holds(r, col, name, kind)}; a label is a string or an integer`;
  }
  if (!multi) {
    return (
      `${holds(r, col, name, kind)}; a list of labels is a multi-label row: set multiLabel ` +
      '(JSON lists are read as lists whatever its separator)'
    );
  }
  let items: unknown[];
  try {
    items = JSON.parse(r.fields[col]) as unknown[];
  } catch {
    // json.ts wrote '(value nested too deeply)' for a list past the stack's depth
    items = [[]];
  }
  const odd = items.find((v) => typeof v !== 'string' && !Number.isInteger(v));
  if (odd === undefined) return null;
  const type = Array.isArray(odd)
    ? 'a list'
    : odd === null
      ? 'null'
      : typeof odd === 'object'
        ? 'an object'
        : `a ${typeof odd}`;
  return `${holds(r, col, name, kind)} with ${type} in it; labels are strings or integers`;
}

/**
 * Refuses a JSON column whose head records mostly hold what cannot be this role, before every
 * row is set aside one by one: a text column of objects or lists, or list labels without
 * multi-label. A few such records among good ones are malformed rows instead.
 */
function requireJsonColumn(
  table: RawTable,
  col: number,
  role: 'text' | 'label',
  multi: boolean,
  path: string,
): void {
  if (!carriesKinds(table)) return;
  const name = table.columns[col];
  const bad = table.records.filter((r) => {
    const kind = r.kinds?.[col];
    return role === 'text' ? kind === 'object' || kind === 'list' : kind === 'list' && !multi;
  });
  if (bad.length === 0 || bad.length * 2 < table.records.length) return;

  const first = bad[0];
  const where =
    `in ${bad.length} of ${table.records.length} records ` +
    `(the first at line ${first.line}: ${shown(first.fields[col])})`;
  const others = table.columns.filter((c) => c !== name).map((c) => JSON.stringify(c));
  throw new GraftError(
    'bad-input',
    role === 'text'
      ? `${path}: text column ${JSON.stringify(name)} holds objects or lists, not text, ` +
          `${where}; name the text column with textColumn; other columns: ${others.join(', ')}`
      : `${path}: label column ${JSON.stringify(name)} holds lists ${where}; a list of labels ` +
          'is a multi-label row: set multiLabel (JSON lists are read as lists whatever its ' +
          'separator)',
  );
}

/** Sets `row.split` from the split column, when one was named; malformed for a bad value. */
function splitReader(
  table: RawTable,
  options: ParseOptions,
  path: string,
  taken: { text: number; labels: readonly number[] },
): (r: RawRecord, row: ParsedRow) => ParsedRow | MalformedRecord {
  if (!options.splitColumn) return (_r, row) => row;
  const col = splitColumnIndex(table, options.splitColumn, path, taken);

  return (r, row) => {
    const value = r.fields[col] ?? '';
    const split = SPLIT_OF_VALUE[value.trim().toLowerCase()];
    if (split) {
      row.split = split;
      return row;
    }
    return malformed(
      r,
      `split value ${JSON.stringify(value)}; accepted: ` + SPLIT_VALUES.join(', '),
    );
  };
}

/**
 * The maker for a file whose head (limited to `limit` records, as the import keeps) is `table`.
 * Throws when the head has no data rows or its columns cannot be mapped.
 */
export function rowMaker(path: string, table: RawTable, options: ParseOptions): RowMaker {
  if (table.records.length === 0) {
    const header = table.hasHeader ? 'a header row but ' : '';
    throw new GraftError('bad-input', `${path} has ${header}no data rows`);
  }
  const records =
    options.limit !== undefined ? table.records.slice(0, options.limit) : table.records;
  const kept: RawTable = { ...table, records };
  if (options.labelColumns) return wideMaker(path, kept, options);

  const cols = chooseColumns(kept, options, path);
  const split = splitReader(kept, options, path, { text: cols.text, labels: [cols.label] });
  const transform = transformFor(table, options);
  const name = namer(options.labelNames);
  const separator = options.multiLabel;
  const multi = separator !== undefined;
  const [textName, labelName] = [table.columns[cols.text], table.columns[cols.label]];
  const json = carriesKinds(table);
  requireJsonColumn(kept, cols.text, 'text', multi, path);
  requireJsonColumn(kept, cols.label, 'label', multi, path);

  return {
    textColumn: textName,
    labelColumn: labelName,
    multi,
    make(r) {
      if (json) {
        const problem =
          jsonProblem(r, cols.text, textName, 'text', multi) ??
          jsonProblem(r, cols.label, labelName, 'label', multi);
        if (problem) return malformed(r, problem);
      }
      const text = normaliseText(r.fields[cols.text] ?? '');
      const field = normaliseText(r.fields[cols.label] ?? '');
      const raw = separator ? splitLabels(field, separator) : field ? [field] : [];
      const labels: string[] = [];
      for (const l of raw) {
        const named = name(transform(l));
        if (typeof named !== 'string') return malformed(r, named.bad);
        // Two ids given one name are one label, as a rename makes them (LabelSets.rename)
        if (!labels.includes(named)) labels.push(named);
      }
      const row: ParsedRow = { text, label: labels[0] ?? '', line: r.line };
      if (r.source !== undefined) row.source = r.source;
      if (separator) row.labels = labels;
      return split(r, row);
    },
  };
}
