/**
 * Which column holds the text and which the label: named by the user, else guessed from the
 * column names, else (two-column files only) from the content. Every failure lists the columns
 * that do exist, since the user's next step is to pick one of them.
 */
import { GraftError } from '../../shared/errors';
import type { RawTable } from './formats/types';

export const KNOWN_TEXT_NAMES: readonly string[] = [
  'text',
  'sentence',
  'sms',
  'review',
  'content',
  'message',
];

export const KNOWN_LABEL_NAMES: readonly string[] = [
  'label',
  'labels',
  'class',
  'category',
  'target',
  'y',
];

/** A label column has few distinct values; more than this and it is not a class label. */
const MAX_GUESSED_CLASSES = 1000;

export interface ColumnChoice {
  text: number;
  label: number;
}

type Role = 'text' | 'label' | 'split';

/** Columns named in an error before "and N more": a wide file has hundreds of thousands. */
const MAX_COLUMNS_NAMED = 50;

function available(table: RawTable): string {
  const { columns } = table;
  const shown = columns.slice(0, MAX_COLUMNS_NAMED).map((c) => JSON.stringify(c));
  const more = columns.length - shown.length;
  if (more > 0) shown.push(`and ${more.toLocaleString('en-US')} more`);
  const names = shown.join(', ');
  const generated = table.hasHeader ? '' : ' (the file has no header row)';
  return `available columns: ${names}${generated}`;
}

/** The user's split column, found as the others are, and neither the text nor a label column. */
export function splitColumnIndex(
  table: RawTable,
  name: string,
  path: string,
  taken: { text: number; labels: readonly number[] },
): number {
  const col = byName(table, name, 'split', path);
  const clash = col === taken.text ? 'text' : taken.labels.includes(col) ? 'label' : null;
  if (clash) {
    const column = JSON.stringify(table.columns[col]);
    throw new GraftError(
      'invalid-argument',
      `${path}: split and ${clash} are both column ${column}`,
    );
  }
  return col;
}

function byName(table: RawTable, name: string, role: Role, path: string): number {
  const exact = table.columns.indexOf(name);
  if (exact >= 0) return exact;

  const folded = table.columns.findIndex((c) => c.trim().toLowerCase() === name.toLowerCase());
  if (folded >= 0) return folded;
  throw new GraftError(
    'invalid-argument',
    `${path} has no ${role} column ${JSON.stringify(name)}; ${available(table)}`,
  );
}

/**
 * The single column whose name is a known one for this role; -1 for none; throws for several.
 * A header naming two columns `text` has the second read as `text_2` (see headerColumns): that
 * one qualifies too, beside a `text`, so that neither is taken on a guess.
 */
function guessByName(table: RawTable, role: Role, path: string): number {
  const known = role === 'text' ? KNOWN_TEXT_NAMES : KNOWN_LABEL_NAMES;
  const lower = new Set(table.columns.map((c) => c.trim().toLowerCase()));
  const qualifies = (name: string): boolean => {
    if (known.includes(name)) return true;
    const base = /^(.+)_\d+$/.exec(name)?.[1];
    return base !== undefined && known.includes(base) && lower.has(base);
  };
  const hits = table.columns
    .map((c, i) => ({ i, name: c.trim().toLowerCase() }))
    .filter((c) => qualifies(c.name));
  if (hits.length <= 1) return hits[0]?.i ?? -1;

  const names = hits.map((h) => JSON.stringify(table.columns[h.i]));
  const listed = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  throw new GraftError(
    'bad-input',
    `${path}: cannot decide the ${role} column, ${listed} ${hits.length === 2 ? 'both' : 'all'} ` +
      `qualify; name it with ${role}Column; ${available(table)}`,
  );
}

interface ColumnStats {
  distinct: number;
  meanLength: number;
}

function stats(table: RawTable, col: number): ColumnStats {
  const values = new Set<string>();
  let length = 0;
  for (const r of table.records) {
    const v = (r.fields[col] ?? '').trim();
    values.add(v);
    length += v.length;
  }
  return { distinct: values.size, meanLength: length / Math.max(1, table.records.length) };
}

/**
 * More than two unnamed columns (GoEmotions: text, label ids, comment id): the text is the
 * longest on average, the label the one with the fewest distinct values among the rest.
 */
function guessAmongMany(table: RawTable): ColumnChoice | null {
  const all = table.columns.map((_, i) => ({ i, ...stats(table, i) }));
  const text = all.reduce((a, b) => (b.meanLength > a.meanLength ? b : a));
  const rest = all.filter((c) => c.i !== text.i);
  const label = rest.reduce((a, b) => (b.distinct < a.distinct ? b : a));
  const fewClasses =
    label.distinct <= MAX_GUESSED_CLASSES && label.distinct * 2 <= table.records.length;
  return fewClasses && label.distinct < text.distinct ? { text: text.i, label: label.i } : null;
}

/** Two unnamed columns: the label is the one with few distinct, short values. */
function guessByContent(table: RawTable): ColumnChoice | null {
  if (table.columns.length > 2 && !table.hasHeader) return guessAmongMany(table);
  if (table.columns.length !== 2) return null;

  const [a, b] = [stats(table, 0), stats(table, 1)];
  const label = a.distinct < b.distinct && a.meanLength < b.meanLength ? 0 : 1;
  const l = label === 0 ? a : b;
  const t = label === 0 ? b : a;
  const fewClasses = l.distinct <= MAX_GUESSED_CLASSES && l.distinct * 2 <= table.records.length;
  if (!fewClasses || l.distinct >= t.distinct || l.meanLength >= t.meanLength) return null;
  return { text: 1 - label, label };
}

export function chooseColumns(
  table: RawTable,
  requested: { textColumn?: string; labelColumn?: string },
  path: string,
): ColumnChoice {
  let text = requested.textColumn ? byName(table, requested.textColumn, 'text', path) : -1;
  let label = requested.labelColumn ? byName(table, requested.labelColumn, 'label', path) : -1;

  if (text < 0) text = guessByName(table, 'text', path);
  if (label < 0) label = guessByName(table, 'label', path);

  // One known, two columns in all: the other one is the only candidate left
  if (table.columns.length === 2 && text < 0 !== label < 0) {
    if (text < 0) text = 1 - label;
    else label = 1 - text;
  }

  if (text < 0 && label < 0) {
    const guess = guessByContent(table);
    if (guess) return guess;
  }

  if (text < 0 || label < 0) {
    const missing = text < 0 ? 'text' : 'label';
    throw new GraftError(
      'bad-input',
      `${path}: cannot tell which column holds the ${missing}; name it with ${missing}Column ` +
        `(recognised names: ${(missing === 'text' ? KNOWN_TEXT_NAMES : KNOWN_LABEL_NAMES).join(
          ', ',
        )}); ${available(table)}`,
    );
  }
  if (text === label) {
    throw new GraftError(
      'invalid-argument',
      `${path}: text and label are both column ${JSON.stringify(table.columns[text])}`,
    );
  }
  return { text, label };
}

/**
 * The 0/1 columns of a multi-label file with one column per label: each spec is a column name
 * or a range `first..last` of consecutive columns, in file order. Duplicates count once.
 */
export function labelColumnIndices(
  table: RawTable,
  specs: readonly string[],
  path: string,
): number[] {
  const indices: number[] = [];
  for (const spec of specs) {
    const range = /^(.+?)\.\.(.+)$/s.exec(spec);
    if (!range || table.columns.includes(spec)) {
      indices.push(byName(table, spec, 'label', path));
      continue;
    }
    const from = byName(table, range[1], 'label', path);
    const to = byName(table, range[2], 'label', path);
    if (to < from) {
      throw new GraftError(
        'invalid-argument',
        `${path}: label column range ${JSON.stringify(spec)} runs backwards ` +
          `(${JSON.stringify(table.columns[from])} comes after ` +
          `${JSON.stringify(table.columns[to])})`,
      );
    }
    for (let i = from; i <= to; i++) indices.push(i);
  }
  return [...new Set(indices)];
}

/**
 * The text column when the labels are columns of their own: named, else a known text name,
 * else the column with the longest values among the others.
 */
export function chooseTextColumn(
  table: RawTable,
  requested: string | undefined,
  labels: readonly number[],
  path: string,
): number {
  const text = requested
    ? byName(table, requested, 'text', path)
    : guessByName(table, 'text', path);
  if (text >= 0) {
    if (labels.includes(text)) {
      throw new GraftError(
        'invalid-argument',
        `${path}: column ${JSON.stringify(table.columns[text])} is both the text and ` +
          'a label column',
      );
    }
    return text;
  }
  const others = table.columns.map((_, i) => i).filter((i) => !labels.includes(i));
  if (others.length === 0) {
    throw new GraftError(
      'bad-input',
      `${path}: every column is a label column; ${available(table)}`,
    );
  }
  return others.reduce((a, b) => (stats(table, b).meanLength > stats(table, a).meanLength ? b : a));
}

/** How a set of label columns is named in the report and the dataset record. */
export function describeLabelColumns(table: RawTable, indices: readonly number[]): string {
  const names = indices.map((i) => table.columns[i]);
  if (names.length <= 4) return names.join(',');
  return `${names[0]} … ${names[names.length - 1]} (${names.length} columns)`;
}
