/**
 * The validation report: what is wrong with the rows, found before anything is stored. Each
 * check flags rows; a flagged row is dropped only when the user chose to drop that kind, and
 * then it is listed in the report with its file, line, text and label, so nothing is lost
 * silently. Problems that make a row unusable (empty text or label, malformed) are errors: the
 * import refuses until the user drops them. The rest are warnings the user may act on.
 */
import type {
  DatasetReport,
  DropReason,
  DroppedRow,
  ReportIssue,
  SplitName,
} from '../../shared/contract';
import type { MalformedRecord } from './formats/types';
import { lineList } from './parse';

export interface Row {
  text: string;
  label: string;
  labels?: string[];
  file: string;
  line: number;
  split?: SplitName;
}

/** Rows of an issue listed by line in the report; the full list lives in `dropped`. */
const MAX_ROWS_LISTED = 20;

/** A class with fewer training rows than this is flagged as too small to learn or test. */
export const MIN_CLASS_SIZE = 10;

/** Largest to smallest class ratio from which imbalance is worth a warning. */
const IMBALANCE_RATIO = 10;

const DEFAULT_MAX_TOKENS = 512;

export function labelKey(row: Row): string {
  return row.labels ? [...row.labels].sort().join('\u241E') : row.label;
}

export class Validation {
  readonly issues: ReportIssue[] = [];
  readonly dropped: DroppedRow[] = [];

  constructor(private readonly drop: ReadonlySet<DropReason>) {}

  /** Records an issue; returns the rows to remove (all of them when the user drops the kind). */
  flag(
    kind: ReportIssue['kind'],
    severity: ReportIssue['severity'],
    rows: readonly Row[],
    message: string,
  ): ReadonlySet<Row> {
    if (rows.length === 0) return new Set();
    const dropping = this.drop.has(kind as DropReason);
    const lines = rows.slice(0, MAX_ROWS_LISTED).map((r) => ({ file: r.file, line: r.line }));
    this.issues.push({
      kind,
      severity: dropping ? 'info' : severity,
      count: rows.length,
      message: dropping ? `${message}; dropped` : message,
      rows: lines,
    });
    if (!dropping) return new Set();
    for (const r of rows) {
      this.dropped.push({
        reason: kind as DropReason,
        file: r.file,
        line: r.line,
        text: r.text,
        label: r.labels ? r.labels.join(',') : r.label,
      });
    }
    return new Set(rows);
  }

  note(kind: ReportIssue['kind'], severity: ReportIssue['severity'], message: string): void {
    this.issues.push({ kind, severity, count: 0, message, rows: [] });
  }

  /** The errors the user has not chosen to drop, for the refusal message. */
  blocking(): ReportIssue[] {
    return this.issues.filter((i) => i.severity === 'error');
  }

  droppedByReason(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const d of this.dropped) counts[d.reason] = (counts[d.reason] ?? 0) + 1;
    return counts;
  }
}

function where(rows: readonly Row[]): string {
  const files = [...new Set(rows.map((r) => r.file))];
  return files
    .map((f) => `${f} line ${lineList(rows.filter((r) => r.file === f).map((r) => r.line))}`)
    .join('; ');
}

function without<T>(rows: readonly T[], gone: ReadonlySet<T>): T[] {
  return gone.size === 0 ? [...rows] : rows.filter((r) => !gone.has(r));
}

/** Malformed records become rows (their raw text as text) so they can be dropped and listed. */
export function malformedRows(file: string, records: readonly MalformedRecord[]): Row[] {
  return records.map((m) => ({ text: m.raw, label: `(${m.reason})`, file, line: m.line }));
}

export function checkUnusable(v: Validation, rows: readonly Row[], malformed: Row[]): Row[] {
  const first = malformed[0];
  const why = first ? ` (first, line ${first.line}: ${first.label.slice(1, -1)})` : '';
  v.flag(
    'malformed',
    'error',
    malformed,
    `${malformed.length} malformed rows: ${where(malformed)}${why}`,
  );

  const emptyText = rows.filter((r) => r.text === '');
  const gone1 = v.flag(
    'empty-text',
    'error',
    emptyText,
    `${emptyText.length} rows with empty text: ${where(emptyText)}`,
  );
  const emptyLabel = rows.filter((r) => r.text !== '' && r.label === '');
  const gone2 = v.flag(
    'empty-label',
    'error',
    emptyLabel,
    `${emptyLabel.length} rows with empty label: ${where(emptyLabel)}`,
  );
  return without(without(rows, gone1), gone2);
}

/** Exact duplicates (same text, same labels) and conflicting ones, within each split group. */
export function checkDuplicates(v: Validation, rows: readonly Row[]): Row[] {
  const byText = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.split ?? r.file}\u241F${r.text}`;
    const group = byText.get(key);
    if (group) group.push(r);
    else byText.set(key, [r]);
  }

  const repeats: Row[] = [];
  const conflicts: Row[] = [];
  for (const group of byText.values()) {
    if (group.length < 2) continue;
    const keys = new Set(group.map(labelKey));
    if (keys.size > 1) conflicts.push(...group);
    else repeats.push(...group.slice(1));
  }
  const texts = new Set(conflicts.map((r) => r.text)).size;
  const goneConflicts = v.flag(
    'conflicting-duplicate',
    'warning',
    conflicts,
    `${texts} texts occur with different labels (${conflicts.length} rows): ${where(conflicts)}`,
  );
  const goneRepeats = v.flag(
    'duplicate',
    'warning',
    repeats,
    `${repeats.length} rows repeat an earlier row's text and label: ${where(repeats)}`,
  );
  return without(without(rows, goneConflicts), goneRepeats);
}

/** Training rows whose text is also in the test or validation split: leaked evaluation data. */
export function checkOverlap(
  v: Validation,
  splits: Partial<Record<SplitName, Row[]>>,
): Partial<Record<SplitName, Row[]>> {
  const held = new Set([...(splits.test ?? []), ...(splits.validation ?? [])].map((r) => r.text));
  const leaked = (splits.train ?? []).filter((r) => held.has(r.text));
  const gone = v.flag(
    'test-overlap',
    'warning',
    leaked,
    `${leaked.length} training rows have a text that is also in test or validation: ` +
      where(leaked),
  );
  return { ...splits, train: without(splits.train ?? [], gone) };
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
    const list = tiny.map(([l, n]) => `${JSON.stringify(l)} (${n})`).join(', ');
    v.note(
      'tiny-class',
      'warning',
      `classes with fewer than ${MIN_CLASS_SIZE} training rows: ${list}`,
    );
  }
}

/**
 * Texts likely longer than the model's limit. Without a tokenizer at import time this is an
 * estimate: 1.3 tokens per whitespace word, one per CJK character (WordPiece's usual ratios).
 */
export function estimateTokens(text: string): number {
  let cjk = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x3000 && c <= 0x9fff) cjk++;
  }
  const words = text.split(/\s+/).filter((w) => w !== '').length;
  return Math.round(words * 1.3) + cjk;
}

export function checkLength(v: Validation, rows: readonly Row[], maxTokens?: number): void {
  const limit = maxTokens ?? DEFAULT_MAX_TOKENS;
  const long = rows.filter((r) => estimateTokens(r.text) > limit);
  if (long.length === 0) return;
  const share = ((long.length / rows.length) * 100).toFixed(2);
  v.issues.push({
    kind: 'long-text',
    severity: 'info',
    count: long.length,
    message: `${long.length} texts (${share}%) are likely longer than ${limit} tokens and will be truncated`,
    rows: long.slice(0, MAX_ROWS_LISTED).map((r) => ({ file: r.file, line: r.line })),
  });
}

export type ReportBody = Omit<DatasetReport, 'issues' | 'dropped' | 'droppedByReason'>;

export function finishReport(v: Validation, body: ReportBody): DatasetReport {
  return { ...body, issues: v.issues, droppedByReason: v.droppedByReason(), dropped: v.dropped };
}
