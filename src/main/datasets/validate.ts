/**
 * The validation report: what is wrong with the rows, found before anything is stored. Each
 * check flags rows; a flagged row is dropped only when the user chose to drop that kind, and
 * then it is kept with its file, line, text and label (the first few in the report, all of
 * them in the store's own table, see DroppedSink), so nothing is lost silently. Problems that
 * make a row unusable (empty text or label, malformed) are errors: the import refuses until
 * the user drops them. The rest are warnings the user may act on.
 *
 * Rows are staged (staging.ts): checks work on row numbers and the per-row typed arrays, and
 * read a text back only where they must compare or list it.
 */
import type {
  DatasetReport,
  DropReason,
  DroppedRow,
  ReportIssue,
  SplitName,
} from '../../shared/contract';
import { lineList } from './parse';
import { FLAG_EMPTY_TEXT, FLAG_LONG_TEXT, type DroppedSource, type Staging } from './staging';
import { clip } from '../util/clip';

/** Rows an issue concerns, by position: staged rows, or malformed records. */
export interface RowSet {
  readonly size: number;
  file(k: number): string;
  line(k: number): number;
  text(k: number): string;
  label(k: number): string;
  /** What is wrong with the row, where its kind does not say it all (malformed records). */
  detail?(k: number): string;
  /** Where the text behind position k is kept, for the store's copy of dropped rows. */
  kept(k: number): DroppedSource;
}

/** A dropped row as a report lists it: past the examples, without its text. */
export type ReportDroppedRow = DatasetReport['dropped'][number];

/** Receives every dropped row; an import keeps them in its scratch file for the store. */
export type DroppedSink = (row: Omit<DroppedRow, 'text'>, from: DroppedSource) => void;

/**
 * Dropped rows listed in the report itself. A report listing all of them grew to 190 MB for
 * 660,000 dropped duplicates; the rest are in the store (`datasets.dropped`).
 */
export const MAX_DROPPED_EXAMPLES = 100;

/**
 * Characters of a dropped row's text in the report's examples: two 10 MB lines made the page
 * take seconds to open the report. The store keeps every text whole (`datasets.dropped`).
 */
export const MAX_EXAMPLE_CHARS = 2000;

/** Rows of an issue listed by line in the report; the full list lives in `dropped`. */
const MAX_ROWS_LISTED = 20;

/** Lines named per file in a message before "and N more". */
const MAX_LINES_NAMED = 5;

/** A class with fewer training rows than this is flagged as too small to learn or test. */
export const MIN_CLASS_SIZE = 10;

/** Classes named in the tiny-class warning before "and N more". */
const MAX_CLASSES_NAMED = 20;

/** Largest to smallest class ratio from which imbalance is worth a warning. */
const IMBALANCE_RATIO = 10;

/** A count as the report prints it: 100,000. */
const count = (n: number): string => n.toLocaleString('en-US');

/** "1 row has", "2 rows have": a count with the words that agree with it. */
const counted = (n: number, one: string, many: string): string =>
  `${count(n)} ${n === 1 ? one : many}`;

export function stagedRows(st: Staging, seqs: readonly number[]): RowSet {
  return {
    size: seqs.length,
    file: (k) => st.where(seqs[k]).file,
    line: (k) => st.where(seqs[k]).line,
    text: (k) => st.text(seqs[k]),
    label: (k) => st.labelText(seqs[k]),
    kept: (k) => ({ seq: seqs[k] }),
  };
}

/** Malformed records as rows: their raw text as text, no label, the reason as detail. */
export function malformedRows(st: Staging): RowSet {
  const bad = st.malformed;
  const order = bad.inOrder();
  return {
    size: order.length,
    file: (k) => bad.where(order[k]).file,
    line: (k) => bad.where(order[k]).line,
    text: (k) => bad.raw(order[k]),
    label: () => '',
    detail: (k) => bad.reasonOf(order[k]),
    kept: (k) => ({ malformed: order[k] }),
  };
}

export class Validation {
  readonly issues: ReportIssue[] = [];
  /** The first dropped rows (MAX_DROPPED_EXAMPLES), or all of them with `listAll`. */
  readonly dropped: ReportDroppedRow[] = [];
  droppedTotal = 0;
  private readonly byReason: Record<string, number> = {};

  constructor(
    private readonly drop: ReadonlySet<DropReason>,
    private readonly sink?: DroppedSink,
    /** List every dropped row, texts past the examples left out (a preview's `allDropped`). */
    private readonly listAll = false,
  ) {}

  /** Records an issue; true when the user drops this kind, so the rows must go. */
  flag(
    kind: ReportIssue['kind'],
    severity: ReportIssue['severity'],
    rows: RowSet,
    message: string,
  ): boolean {
    if (rows.size === 0) return false;
    const dropping = this.drop.has(kind as DropReason);
    const listed = Math.min(rows.size, MAX_ROWS_LISTED);
    this.issues.push({
      kind,
      severity: dropping ? 'info' : severity,
      count: rows.size,
      message: dropping ? `${message}; dropped` : message,
      rows: Array.from({ length: listed }, (_, k) => ({ file: rows.file(k), line: rows.line(k) })),
    });
    if (!dropping) return false;
    const reason = kind as DropReason;
    for (let k = 0; k < rows.size; k++) {
      const row: Omit<DroppedRow, 'text'> = {
        reason,
        file: rows.file(k),
        line: rows.line(k),
        label: rows.label(k),
        ...(rows.detail ? { detail: rows.detail(k) } : {}),
      };
      if (this.dropped.length < MAX_DROPPED_EXAMPLES)
        this.dropped.push({ ...row, text: clip(rows.text(k), MAX_EXAMPLE_CHARS) });
      else if (this.listAll) this.dropped.push(row);
      this.sink?.(row, rows.kept(k));
    }
    this.droppedTotal += rows.size;
    this.byReason[reason] = (this.byReason[reason] ?? 0) + rows.size;
    return true;
  }

  note(kind: ReportIssue['kind'], severity: ReportIssue['severity'], message: string): void {
    this.issues.push({ kind, severity, count: 0, message, rows: [] });
  }

  /** The errors the user has not chosen to drop, for the refusal message. */
  blocking(): ReportIssue[] {
    return this.issues.filter((i) => i.severity === 'error');
  }

  droppedByReason(): Record<string, number> {
    return { ...this.byReason };
  }
}

/** "a.csv line 3, 9; b.csv line 2": the first lines of each file, in row order. */
function where(rows: RowSet): string {
  const byFile = new Map<string, { lines: number[]; count: number }>();
  for (let k = 0; k < rows.size; k++) {
    const file = rows.file(k);
    let entry = byFile.get(file);
    if (!entry) byFile.set(file, (entry = { lines: [], count: 0 }));
    if (entry.lines.length < MAX_LINES_NAMED) entry.lines.push(rows.line(k));
    entry.count++;
  }
  return [...byFile]
    .map(([file, { lines, count }]) => {
      const left = count - lines.length;
      const more = left > 0 ? ` (and ${left.toLocaleString('en-US')} more)` : '';
      return `${file} line ${lineList(lines)}${more}`;
    })
    .join('; ');
}

function drop(alive: Uint8Array, seqs: readonly number[]): void {
  for (const seq of seqs) alive[seq] = 0;
}

/** Malformed records, empty texts and empty labels: errors until dropped. */
export function checkUnusable(v: Validation, st: Staging, alive: Uint8Array): void {
  const bad = malformedRows(st);
  const why = bad.size > 0 ? ` (first, line ${bad.line(0)}: ${bad.detail!(0)})` : '';
  v.flag(
    'malformed',
    'error',
    bad,
    `${counted(bad.size, 'malformed row', 'malformed rows')}: ${where(bad)}${why}`,
  );

  const emptyText: number[] = [];
  const emptyLabel: number[] = [];
  for (let seq = 0; seq < st.count; seq++) {
    if (st.flags.get(seq) & FLAG_EMPTY_TEXT) emptyText.push(seq);
    else if (st.label(seq) === '') emptyLabel.push(seq);
  }
  const texts = stagedRows(st, emptyText);
  if (
    v.flag(
      'empty-text',
      'error',
      texts,
      `${counted(texts.size, 'row', 'rows')} with empty text: ${where(texts)}`,
    )
  ) {
    drop(alive, emptyText);
  }
  const labels = stagedRows(st, emptyLabel);
  const message = `${counted(labels.size, 'row', 'rows')} with empty label: ${where(labels)}`;
  if (v.flag('empty-label', 'error', labels, message)) drop(alive, emptyLabel);
}

/** Staged rows still alive, in file order. */
export function aliveRows(alive: Uint8Array): number[] {
  const seqs: number[] = [];
  for (let seq = 0; seq < alive.length; seq++) if (alive[seq]) seqs.push(seq);
  return seqs;
}

/** The hash values that occur more than once among these rows' texts. */
function repeatedHashes(hash: Float64Array, seqs: readonly number[]): Set<number> {
  // A plain numeric sort of the hashes alone runs in native code, far faster than sorting rows
  const sorted = Float64Array.from(seqs, (seq) => hash[seq]).sort();
  const repeated = new Set<number>();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]);
  return repeated;
}

/**
 * Groups of rows with equal texts and equal `key`, found by hash and confirmed by the texts
 * themselves; each group in row order, the groups in the order of their first row.
 */
async function equalTexts(
  st: Staging,
  seqs: readonly number[],
  key: (seq: number) => number,
  pause: () => Promise<void>,
): Promise<number[][]> {
  const hash = st.hash.view();
  const repeated = repeatedHashes(hash, seqs);
  await pause();
  const byHash = new Map<number, number[]>();
  for (const seq of seqs) {
    if (!repeated.has(hash[seq])) continue;
    const same = byHash.get(hash[seq]);
    if (same) same.push(seq);
    else byHash.set(hash[seq], [seq]);
  }

  const groups: number[][] = [];
  for (const same of byHash.values()) {
    const byText = new Map<string, number[]>();
    for (const seq of same) {
      const id = `${key(seq)}\u241F${st.text(seq)}`;
      const group = byText.get(id);
      if (group) group.push(seq);
      else byText.set(id, [seq]);
    }
    for (const group of byText.values()) if (group.length > 1) groups.push(group);
  }
  return groups.sort((a, b) => a[0] - b[0]);
}

/**
 * Exact duplicates (same text, same labels) and conflicting ones, within each split group.
 * Empty texts (whitespace-only ones too: texts are trimmed) are left to checkUnusable: they
 * would all be one text with every label, and each row would be counted twice.
 */
export async function checkDuplicates(
  v: Validation,
  st: Staging,
  alive: Uint8Array,
  /** A turn for the event loop between steps: each is a few hundred ms on a million rows. */
  pause: () => Promise<void> = async () => {},
): Promise<void> {
  // Rows of one split (or, before splitting, of one file) are compared with each other
  const group = (seq: number): number => st.split.get(seq) || 100 + st.file.get(seq);
  const repeats: number[] = [];
  const conflicts: number[] = [];
  const conflictTexts = new Set<string>();
  const texts = aliveRows(alive).filter((seq) => !(st.flags.get(seq) & FLAG_EMPTY_TEXT));
  await pause();
  for (const rows of await equalTexts(st, texts, group, pause)) {
    const keys = new Set(rows.map((seq) => st.sets.sortedKey[st.set.get(seq)]));
    if (keys.size > 1) {
      conflicts.push(...rows);
      conflictTexts.add(st.text(rows[0]));
    } else repeats.push(...rows.slice(1));
  }

  // Groups come in the order of their first row; the report names rows in file order
  conflicts.sort((a, b) => a - b);
  repeats.sort((a, b) => a - b);
  const c = stagedRows(st, conflicts);
  const message =
    `${counted(conflictTexts.size, 'text occurs', 'texts occur')} with different labels ` +
    `(${counted(c.size, 'row', 'rows')}): ` +
    where(c);
  if (v.flag('conflicting-duplicate', 'warning', c, message)) drop(alive, conflicts);
  const r = stagedRows(st, repeats);
  const repeated =
    `${counted(r.size, 'row repeats', 'rows repeat')} an earlier row's text and label: ` + where(r);
  if (v.flag('duplicate', 'warning', r, repeated)) drop(alive, repeats);
}

export type SplitRowsBySeq = Partial<Record<SplitName, number[]>>;

/** Training rows whose text is also in the test or validation split: leaked evaluation data. */
export function checkOverlap(v: Validation, st: Staging, splits: SplitRowsBySeq): SplitRowsBySeq {
  const hash = st.hash.view();
  const heldRows = [...(splits.test ?? []), ...(splits.validation ?? [])];
  const held = Float64Array.from(heldRows, (seq) => hash[seq]).sort();
  const isHeld = (h: number): boolean => {
    let lo = 0;
    let hi = held.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (held[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    return lo < held.length && held[lo] === h;
  };

  // Few training rows share a hash with a held-out row; their texts settle it. Empty texts
  // are checkUnusable's: they would all overlap with any empty held-out text
  const candidates = (splits.train ?? []).filter(
    (seq) => !(st.flags.get(seq) & FLAG_EMPTY_TEXT) && isHeld(hash[seq]),
  );
  const heldTexts = new Map<number, string[]>();
  const wanted = new Set(candidates.map((seq) => hash[seq]));
  for (const seq of heldRows) {
    if (!wanted.has(hash[seq])) continue;
    const texts = heldTexts.get(hash[seq]) ?? [];
    texts.push(st.text(seq));
    heldTexts.set(hash[seq], texts);
  }
  const leaked = candidates.filter((seq) => heldTexts.get(hash[seq])!.includes(st.text(seq)));

  const rows = stagedRows(st, leaked);
  const message =
    `${counted(rows.size, 'training row has', 'training rows have')} a text that is also ` +
    'in test or validation: ' +
    where(rows);
  if (!v.flag('test-overlap', 'warning', rows, message)) return splits;
  const gone = new Set(leaked);
  return { ...splits, train: (splits.train ?? []).filter((seq) => !gone.has(seq)) };
}

/** Imbalance and tiny classes, from the training split's counts. */
export function checkBalance(v: Validation, counts: ReadonlyMap<string, number>): void {
  const sizes = [...counts.values()];
  if (sizes.length === 0) return;
  const max = Math.max(...sizes);
  const min = Math.min(...sizes);
  if (min > 0 && max / min >= IMBALANCE_RATIO) {
    v.note('imbalance', 'warning', `largest class is ${(max / min).toFixed(1)}x the smallest`);
  }
  const tiny = [...counts].filter(([, n]) => n < MIN_CLASS_SIZE);
  if (tiny.length > 0) {
    // Smallest first, and only the first few: a 300-label set may have hundreds
    const smallest = tiny.sort((a, b) => a[1] - b[1]).slice(0, MAX_CLASSES_NAMED);
    const more = tiny.length - smallest.length;
    const list =
      smallest.map(([l, n]) => `${JSON.stringify(l)} (${n})`).join(', ') +
      (more > 0 ? `, and ${count(more)} more` : '');
    v.note(
      'tiny-class',
      'warning',
      `classes with fewer than ${MIN_CLASS_SIZE} training rows: ${list}`,
    );
  }
}

/** The share of texts over the limit (flagged at staging time, see staging.ts). */
export function checkLength(
  v: Validation,
  st: Staging,
  rows: readonly number[],
  limit: number,
): void {
  const long = rows.filter((seq) => st.flags.get(seq) & FLAG_LONG_TEXT);
  if (long.length === 0) return;
  const share = ((long.length / rows.length) * 100).toFixed(2);
  v.issues.push({
    kind: 'long-text',
    severity: 'info',
    count: long.length,
    message:
      `${counted(long.length, 'text', 'texts')} (${share}%) ` +
      `${long.length === 1 ? 'is' : 'are'} likely longer than ${limit} tokens ` +
      'and will be truncated',
    rows: long.slice(0, MAX_ROWS_LISTED).map((seq) => st.where(seq)),
  });
}

export type ReportBody = Omit<
  DatasetReport,
  'issues' | 'dropped' | 'droppedByReason' | 'droppedTotal'
>;

export function finishReport(v: Validation, body: ReportBody): DatasetReport {
  return {
    ...body,
    issues: v.issues,
    droppedByReason: v.droppedByReason(),
    dropped: v.dropped,
    droppedTotal: v.droppedTotal,
  };
}
