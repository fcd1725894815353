/**
 * Whether the first record of a delimited file is a header row. Real files come both ways:
 * GLUE TSVs start with `sentence\tlabel`, the SMS Spam Collection starts with data
 * (`ham\tGo until jurong point...`). A first row is data when one of its cells recurs as a value
 * of its column below (a label like `ham` does; a column name does not).
 */
import { KNOWN_LABEL_NAMES, KNOWN_TEXT_NAMES } from '../columns';
import type { RawRecord } from './types';

/** Column names are short; a long first cell is a sentence, so the row is data. */
const MAX_NAME_LENGTH = 64;

/** Rows scanned for a recurring first-row value: enough for labels, cheap on big files. */
const SCAN_ROWS = 5000;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export function looksLikeHeader(first: RawRecord, rest: readonly RawRecord[]): boolean {
  const cells = first.fields.map((f) => f.trim());
  const lower = cells.map((c) => c.toLowerCase());

  if (lower.some((c) => KNOWN_TEXT_NAMES.includes(c) || KNOWN_LABEL_NAMES.includes(c))) {
    return true;
  }
  if (cells.every((c) => c === '')) return false;
  if (cells.some((c) => c.length > MAX_NAME_LENGTH || NUMBER.test(c))) return false;

  const scan = rest.slice(0, SCAN_ROWS);
  for (let col = 0; col < cells.length; col++) {
    if (cells[col] === '') continue;
    if (scan.some((r) => (r.fields[col] ?? '').trim() === cells[col])) return false;
  }
  return true;
}

/** Duplicated names a header note spells out one by one; a wide file may have thousands. */
const MAX_NAMED_DUPLICATES = 5;

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];

function ordinal(n: number): string {
  return ORDINALS[n - 1] ?? `${n}th`;
}

function listed(items: readonly string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The note on one name shared by the columns at `at` (0-based), renamed to `names`. */
function duplicateNote(name: string, at: readonly number[], names: readonly string[]): string {
  const quoted = JSON.stringify(name);
  const shown = at.slice(0, MAX_NAMED_DUPLICATES).map((i) => String(i + 1));
  if (at.length > shown.length)
    shown.push(`${(at.length - shown.length).toLocaleString('en-US')} more`);
  if (at.length === 2) {
    return (
      `columns ${listed(shown)} are both named ${quoted}: the second is ` +
      JSON.stringify(names[at[1]])
    );
  }
  const renamed = at.slice(1, MAX_NAMED_DUPLICATES).map((i, k) => {
    const what = JSON.stringify(names[i]);
    return k === 0 ? `the second is ${what}` : `the ${ordinal(k + 2)} ${what}`;
  });
  if (at.length > MAX_NAMED_DUPLICATES) {
    renamed.push(`and so on, to ${JSON.stringify(names[at[at.length - 1]])}`);
  }
  return `columns ${listed(shown)} are all named ${quoted}: ${renamed.join(', ')}`;
}

/**
 * The column names of a header row: trimmed, an empty cell named by its place (`column3`), and
 * every name unique, so that any column can be chosen by name. A name the header repeats keeps
 * it on its first column; the later ones get `_2`, `_3`, ... (skipping names the header has
 * already), and a note in `notes` says so, for the report and the preview.
 */
export function headerColumns(fields: readonly string[], notes: string[]): string[] {
  const names = fields.map((f) => f.trim());
  const taken = new Set(names);
  const unique = (name: string, from: number): string => {
    let suffix = from;
    while (taken.has(`${name}_${suffix}`)) suffix++;
    taken.add(`${name}_${suffix}`);
    return `${name}_${suffix}`;
  };

  const seen = new Map<string, number[]>();
  names.forEach((name, i) => {
    if (name === '') return;
    const at = seen.get(name);
    if (at) at.push(i);
    else seen.set(name, [i]);
  });
  for (const [name, at] of seen) {
    if (at.length < 2) continue;
    let suffix = 2;
    for (const i of at.slice(1)) {
      names[i] = unique(name, suffix);
      suffix = Number(names[i].slice(name.length + 1)) + 1;
    }
    notes.push(duplicateNote(name, at, names));
  }

  // An unnamed column is named by its place, unless the header gave that name to another
  return names.map((name, i) => {
    if (name !== '') return name;
    const place = `column${i + 1}`;
    if (!taken.has(place)) {
      taken.add(place);
      return place;
    }
    return unique(place, 2);
  });
}
