/**
 * The checks that refuse an import outright, each saying why in the user's terms: no usable
 * row, a single class, labels the training file lacks, rows the user must decide about.
 */
import type { ReportIssue } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { ImportRequest } from './import-read';
import { lineList } from './parse';
import type { FileSummary } from './parse-stream';
import { loadLabelNames } from './labels';
import type { Staging } from './staging';
import type { Validation } from './validate';

function quotedList(values: readonly string[], max: number): string {
  const shown = values.slice(0, max).map((v) => JSON.stringify(v));
  if (values.length > max) shown.push(`... (${values.length} in all)`);
  return shown.join(', ');
}

/** Labels that are classes: an empty label is a row's problem (empty-label), not a class. */
export function classes(labels: readonly string[]): string[] {
  return labels.filter((l) => l !== '');
}

export function requireTwoClasses(
  train: FileSummary,
  labels: readonly string[],
  rows: number,
): void {
  if (labels.length >= 2) return;
  const column = `label column ${JSON.stringify(train.labelColumn)}`;
  throw new GraftError(
    'bad-input',
    labels.length === 0
      ? `${train.path}: ${column} is empty in all ${rows} rows; a classifier needs two classes`
      : `${train.path}: ${column} has a single class, ${JSON.stringify(labels[0])}, in all ` +
          `${rows} rows; a classifier needs two`,
  );
}

/** What made the rows unusable, by issue kind: "N are ..." phrases, plural and singular. */
const UNUSABLE: Partial<Record<ReportIssue['kind'], [string, string]>> = {
  malformed: ['are malformed', 'is malformed'],
  'empty-text': ['have an empty text', 'has an empty text'],
  'empty-label': ['have an empty label', 'has an empty label'],
  duplicate: ['were dropped as duplicates', 'was dropped as a duplicate'],
  'conflicting-duplicate': [
    'were dropped as conflicting duplicates',
    'was dropped as a conflicting duplicate',
  ],
};

function unusable(kind: ReportIssue['kind'], count: number): string {
  const [many, one] = UNUSABLE[kind]!;
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/**
 * No training row with a label is left (all malformed, dropped or unlabelled): says why from
 * the rows themselves, not as "a single class in 0 rows", with the first malformed row's reason
 * and, where label names were given for word labels, the cause.
 */
export function requireUsableRows(
  req: ImportRequest,
  st: Staging,
  v: Validation,
  anyLabelled: boolean,
): void {
  if (anyLabelled) return;
  const read = st.count + st.malformed.count;
  const counted = v.issues.filter((i) => UNUSABLE[i.kind] && i.count > 0);
  const parts = counted.map((i) => unusable(i.kind, i.count));
  let why =
    counted.length === 1 && counted[0].count === read
      ? `all ${read.toLocaleString('en-US')} rows ${UNUSABLE[counted[0].kind]![0]}`
      : `of ${read.toLocaleString('en-US')} rows, ${parts.join(', ') || 'none is a training row'}`;

  const first = st.malformed.inOrder()[0];
  const reason = first === undefined ? '' : st.malformed.reasonOf(first);
  if (first !== undefined) why += `; line ${st.malformed.lineRead(first)}: ${reason}`;
  const word = /^label "(.*)" is not an id of /.exec(reason);
  if (req.labelNamesPath && word && !/^\d+$/.test(word[1])) {
    why += '; label names map integer labels, these labels are words (leave out labelNamesPath)';
  }
  throw new GraftError('bad-input', `${req.path}: no usable rows: ${why}`);
}

export function requireKnownLabels(
  st: Staging,
  file: string,
  role: string,
  rows: readonly number[],
  known: Set<string>,
  hint: string | undefined,
): void {
  const unseen = new Map<string, number[]>();
  for (const seq of rows) {
    for (const label of st.labels(seq)) {
      // An empty label is reported as empty-label, not as a label the training file lacks
      if (known.has(label) || label === '') continue;
      const lines = unseen.get(label) ?? [];
      lines.push(st.line.get(seq));
      unseen.set(label, lines);
    }
  }
  if (unseen.size === 0) return;

  const listed = [...unseen]
    .slice(0, 5)
    .map(([label, lines]) => `${JSON.stringify(label)} (line ${lineList(lines)})`)
    .join(', ');
  throw new GraftError(
    'bad-input',
    `${file}: the ${role} file has labels the training file lacks: ${listed}; ` +
      `training labels: ${quotedList([...known], 20)}` +
      (hint ? `; they look like lists of labels: ${hint}` : ''),
  );
}

export function refuse(v: Validation, path: string): never {
  const blocking = v.blocking();
  const kinds = [...new Set(blocking.map((i) => i.kind))];
  throw new GraftError(
    'bad-input',
    `${path}: ${blocking.map((i) => i.message).join('; ')}; to import without them, drop ` +
      `them (drop: ${JSON.stringify(kinds)}, CLI: ${kinds.map((k) => `--drop ${k}`).join(' ')}); ` +
      'every dropped row is counted in the report and kept (graft datasets dropped ID)',
  );
}

/** A row maker's reason for an integer label past the names (rows.ts, `namer`). */
const UNNAMED_ID = /^label "(\d+)" is not an id of the (\d+) label names$/;

/**
 * Integer labels past the last label name: the names file does not fit the data. Set aside as
 * malformed rows, a whole class could go with one `--drop malformed`; the names file is what
 * must change. Words among integer labels stay malformed rows (a few stray lines).
 */
export function requireNamedIds(req: ImportRequest, st: Staging): void {
  if (!req.labelNamesPath) return;
  const unnamed = new Map<number, number>();
  const lines: number[] = [];
  let names = 0;
  const bad = st.malformed;
  for (const ord of bad.inOrder()) {
    const match = UNNAMED_ID.exec(bad.reasonOf(ord));
    if (!match) continue;
    const id = Number(match[1]);
    names = Number(match[2]);
    unnamed.set(id, (unnamed.get(id) ?? 0) + 1);
    lines.push(bad.where(ord).line);
  }
  if (unnamed.size === 0) return;

  const highest = Math.max(...unnamed.keys());
  const ids = [...unnamed.keys()].sort((a, b) => a - b);
  const rows =
    lines.length === 1
      ? '1 row of the data has a label'
      : `${lines.length.toLocaleString('en-US')} rows of the data have labels`;
  throw new GraftError(
    'bad-input',
    `${req.labelNamesPath} has ${names} names, too few: label ${highest} needs its line ` +
      `${highest + 1} (label i is named on line i + 1); ${rows} ` +
      `with no name (${quotedList(ids.map(String), 10)}), at line ${lineList(lines)}`,
  );
}

/** Names the file gives that no row has: a names file for other data, or a class missing. */
export function unusedNames(req: ImportRequest, used: ReadonlySet<string>): string | null {
  if (!req.labelNamesPath) return null;
  const names = loadLabelNames(req.labelNamesPath);
  const unused = names.flatMap((name, id) => (used.has(name) ? [] : [`"${name}" (${id})`]));
  if (unused.length === 0) return null;
  const shown = unused.slice(0, 10).join(', ') + (unused.length > 10 ? ', ...' : '');
  return (
    `${req.labelNamesPath} names ${names.length} labels; ${unused.length} of them label ` +
    `no row: ${shown}`
  );
}
