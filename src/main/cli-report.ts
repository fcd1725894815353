/**
 * Datasets and their validation reports as `graft datasets` prints them without --json: counts
 * with thousands separators, splits in train, validation, test order, and every message in the
 * CLI's words (the report's own hints name request fields, see cli-errors.ts).
 */
import {
  datasetTitle,
  type Dataset,
  type DatasetReport,
  type SplitLabelCounts,
  type SplitName,
} from '../shared/contract';
import { inCliWords } from './cli-errors';
import { upTo } from './cli-util';
import { clip } from './util/clip';

const SPLIT_ORDER: readonly SplitName[] = ['train', 'validation', 'test'];

/**
 * Labels named in a line before "and N more": enough for real label sets (banking77's 77), not
 * for the thousands a text column read as labels gives.
 */
export const MAX_LABELS_NAMED = 100;

/** The importer's limit when none is given (validate.ts, DEFAULT_MAX_TOKENS). */
const DEFAULT_MAX_LENGTH = 512;

function count(n: number): string {
  return n.toLocaleString('en');
}

/** "train 6,920 · validation 872 · test 1,821"; splits outside the usual three go last. */
export function splitsLine(splits: Record<string, number>): string {
  const names = [
    ...SPLIT_ORDER.filter((s) => splits[s] !== undefined),
    ...Object.keys(splits).filter((s) => !SPLIT_ORDER.includes(s as SplitName)),
  ];
  return names.map((s) => `${s} ${count(splits[s])}`).join(' · ');
}

/** Characters of a label shown in a list of them; `datasets show --json` has it whole. */
const MAX_LABEL_CHARS = 60;

function labelsLine(counts: readonly { label: string; count: number }[]): string {
  const named = counts.map((c) => `${clip(c.label, MAX_LABEL_CHARS)} ${count(c.count)}`);
  return upTo(named, MAX_LABELS_NAMED, ' · ');
}

function columns(text: string, label: string, multiLabel: boolean): string {
  const multi = multiLabel ? ' (multi-label)' : '';
  return `text ${JSON.stringify(text)}, label ${JSON.stringify(label)}${multi}`;
}

function fileLines(report: DatasetReport): string[] {
  return report.files.map(
    (f) =>
      `file (${f.role === 'all' ? 'all splits' : f.role}): ${f.path}: ${f.format}, ` +
      `${f.encoding}, ${count(f.rows)} records read` +
      (f.notes.length > 0 ? ` (${f.notes.join('; ')})` : ''),
  );
}

/**
 * Issues, the long-text share and the dropped rows. The share gets a line of its own even
 * when no text is long, so that a report always says whether texts will be truncated;
 * `maxLength` is the limit the import used, where the caller knows it.
 */
function findingLines(report: DatasetReport, maxLength: number | undefined): string[] {
  const lines: string[] = [];
  for (const i of report.issues) {
    if (i.kind === 'long-text') continue;
    lines.push(`${i.severity.toUpperCase().padEnd(7)} ${i.kind}: ${inCliWords(i.message)}`);
  }
  const long = report.issues.find((i) => i.kind === 'long-text');
  if (long) lines.push(`long texts: ${long.message}`);
  else if (maxLength !== undefined) {
    lines.push(`long texts: none is likely longer than ${maxLength} tokens`);
  } else lines.push('long texts: none is likely longer than the token limit of the import');

  const dropped = Object.entries(report.droppedByReason);
  if (dropped.length > 0) {
    lines.push(`dropped: ${dropped.map(([k, v]) => `${k} ${count(v)}`).join(' · ')}`);
  }
  if (report.stored && (report.droppedTotal ?? 0) > report.dropped.length) {
    lines.push('every dropped row is kept: graft datasets dropped ID [--reason R] [--json]');
  }
  return lines;
}

/** The report of `graft datasets import`, with --report or after storing. */
export function describeReport(report: DatasetReport, maxLength?: number): string {
  const lines = fileLines(report);
  lines.push(`columns: ${columns(report.textColumn, report.labelColumn, report.multiLabel)}`);
  lines.push(`splits: ${splitsLine(report.splits)}`);
  lines.push(`labels (all splits): ${labelsLine(report.labelCounts)}`);
  lines.push(...findingLines(report, maxLength ?? DEFAULT_MAX_LENGTH));
  lines.push(report.stored ? 'stored' : 'not stored (report only)');
  return lines.join('\n');
}

/**
 * `graft datasets list`: one line a dataset. The hash's head tells apart imports of one name
 * whose rows differ, and is the start of the hash a run or an exported model names.
 */
export function datasetLine(d: Dataset): string {
  const hash = `sha ${d.contentHash.slice(0, 8)}`;
  return `${d.id}  ${datasetTitle(d)}  ${hash}  ${splitsLine(d.splits)}`;
}

/**
 * `graft datasets show`: the record, its labels per split, then the report it was stored
 * with. A random split is stratified, but a split column or file gives each split its own mix.
 */
export function describeDataset(
  d: Dataset,
  report: DatasetReport | null,
  bySplit: SplitLabelCounts = {},
): string {
  const field = (name: string, value: string): string => `${name.padEnd(10)} ${value}`;
  const lines = [
    `${d.id}  ${datasetTitle(d)}`,
    field('version', `${d.version ?? 1} of "${d.name}"`),
    field('created', d.createdAt),
    field('source', d.sourcePath),
    field('hash', `sha256 ${d.contentHash} (of the rows as stored, split by split)`),
    field('format', `${d.format}, ${d.encoding ?? 'encoding not recorded'}`),
    field('columns', columns(d.textColumn, d.labelColumn, d.multiLabel === true)),
    field('splits', splitsLine(d.splits)),
    field(`labels`, `${d.labels.length} (all splits): ${labelsLine(d.labelCounts)}`),
  ];
  for (const split of SPLIT_ORDER) {
    const counts = bySplit[split];
    if (counts) lines.push(field('', `${split}: ${labelsLine(counts)}`));
  }
  if (d.dropped)
    lines.push(field('dropped', `${count(d.dropped)} row${d.dropped === 1 ? '' : 's'}`));
  if (!report) {
    lines.push('report:    none (imported before Graft kept reports)');
    return lines.join('\n');
  }
  lines.push('report:');
  lines.push(...[...fileLines(report), ...findingLines(report, undefined)].map((l) => `  ${l}`));
  return lines.join('\n');
}
