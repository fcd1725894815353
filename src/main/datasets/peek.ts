/**
 * `datasets.peek`: the head of a dataset for the Datasets page's live preview, which reruns it
 * at every change of a reading option or column. It therefore reads the first megabyte of a
 * file and no more, whatever the file's size, and never throws over what an import would only
 * warn about: a column it cannot guess is a `problem` beside the rows, not a failure.
 *
 * The head goes through the importer's own pieces (decode.ts's detection, the format readers,
 * rows.ts's row maker for columns, label transforms and split values), so what the preview
 * shows is what an import with the same options will read. source.ts's `readHead` is not used:
 * where a head is not UTF-8 it scans the rest of the file to choose GBK or Windows-1252, and
 * this call must stay head-only; here that choice is made on the head alone.
 *
 * A label names file is read by the importer's loader and applied by its row maker, so the
 * labels come back named and merged as an import would store them. What stops the file from
 * naming them (no file, a blank line, too few names) comes back beside the labels as read,
 * like `problem`: the page shows it beside the file's field while the preview stays.
 */
import type { z } from 'zod';
import type { DatasetPeek, DatasetSampleRequest } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { MalformedRecord, RawTable } from './formats/types';
import { loadLabelNames, sortLabels } from './labels';
import { readHead, type Head } from './peek-head';
import { isMalformed, rowMaker, type ParsedRow, type ParseOptions, type RowMaker } from './rows';
import { clip } from '../util/clip';

export { HEAD_BYTES } from './peek-head';

type PeekRequest = z.infer<typeof DatasetSampleRequest>;

/** A field longer than this is cut in the preview: a 10 MB line must not travel to the page. */
const MAX_FIELD_CHARS = 2000;

const MAX_MALFORMED_LISTED = 20;

/** The column of that name, case aside, as chooseColumns finds it; -1 when there is none. */
function columnIndex(table: RawTable, name: string | undefined): number {
  if (!name) return -1;
  const exact = table.columns.indexOf(name);
  if (exact >= 0) return exact;
  return table.columns.findIndex((c) => c.trim().toLowerCase() === name.toLowerCase());
}

interface Mapped {
  textColumn: string | null;
  labelColumn: string | null;
  problem: string | null;
  labels: Map<string, number>;
  /** The labels under the names file's names, as the import's row maker names them. */
  named: Map<string, number> | null;
  /** Why the row maker refuses the names file with these options (label columns). */
  namingProblem: string | null;
  malformed: MalformedRecord[];
}

function countLabels(counts: Map<string, number>, row: ParsedRow): void {
  for (const l of row.labels ?? (row.label ? [row.label] : [])) {
    counts.set(l, (counts.get(l) ?? 0) + 1);
  }
}

/**
 * The head's records made into rows by the importer's own row maker: the columns it maps, the
 * labels it makes (transformed, split on a separator, or from 0/1 columns) with their counts,
 * and the records it refuses. Where the columns cannot be mapped, the reason, and whatever
 * columns the user named. With label names, a second maker counts the labels named, while the
 * first keeps the raw ones that say whether the names can name them all.
 */
function mapRows(table: RawTable, req: PeekRequest, names: readonly string[] | null): Mapped {
  const options: ParseOptions = {
    textColumn: req.textColumn,
    labelColumn: req.labelColumn,
    labelColumns: req.labelColumns,
    multiLabel: req.multiLabel,
    splitColumn: req.splitColumn,
    labelTransform: req.labelTransform,
  };
  let maker: RowMaker;
  try {
    maker = rowMaker(req.path, table, options);
  } catch (error) {
    if (!(error instanceof GraftError)) throw error;
    const named = (name: string | undefined): string | null => {
      const i = columnIndex(table, name);
      return i >= 0 ? table.columns[i] : null;
    };
    return {
      textColumn: named(req.textColumn),
      labelColumn: named(req.labelColumn),
      problem: error.message,
      labels: new Map(),
      named: null,
      namingProblem: null,
      malformed: [],
    };
  }
  let namer: RowMaker | null = null;
  let namingProblem: string | null = null;
  if (names) {
    try {
      namer = rowMaker(req.path, table, { ...options, labelNames: names });
    } catch (error) {
      if (!(error instanceof GraftError)) throw error;
      namingProblem = error.message;
    }
  }

  const labels = new Map<string, number>();
  const named = namer ? new Map<string, number>() : null;
  const malformed: MalformedRecord[] = [];
  for (const record of table.records) {
    const row = maker.make(record);
    if (isMalformed(row)) {
      malformed.push(row);
      continue;
    }
    countLabels(labels, row);
    // A row with an id past the names is malformed here; the raw labels report it instead
    const namedRow = namer?.make(record);
    if (named && namedRow && !isMalformed(namedRow)) countLabels(named, namedRow);
  }
  return {
    textColumn: maker.textColumn,
    labelColumn: maker.labelColumn,
    problem: null,
    labels,
    named,
    namingProblem,
    malformed,
  };
}

type PeekLabel = DatasetPeek['labels'][number];

/** The names file's names, or why it cannot be read; neither without a names file. */
function readLabelNames(req: PeekRequest): { names: string[] | null; problem: string | null } {
  if (!req.labelNamesPath) return { names: null, problem: null };
  try {
    return { names: loadLabelNames(req.labelNamesPath), problem: null };
  } catch (error) {
    if (!(error instanceof GraftError)) throw error;
    return { names: null, problem: error.message };
  }
}

/** Several integer ids in one label: GoEmotions' "14,3" read without a label separator. */
const ID_LIST = /^\d+\s*([,;|])\s*\d+(\s*[,;|]\s*\d+)*$/;

/**
 * What stops `names` from naming every label of `ids` (sorted as sortLabels sorts): a label
 * that is no id, or an id past the last name. The import would set each such row aside as
 * malformed, so the preview names none and says why, beside the names file.
 */
function namesProblem(path: string, names: readonly string[], ids: string[]): string | null {
  const other = ids.find((l) => !/^\d+$/.test(l));
  if (other !== undefined) {
    const list = ID_LIST.exec(other);
    return (
      `label ${JSON.stringify(other)} is not an id (a whole number from 0), so no line of ` +
      `${path} names it` +
      (list ? `; if it is several labels, read them as multi-label, separated by "${list[1]}"` : '')
    );
  }
  // Integer labels sort in numeric order: the last is the highest
  const highest = ids[ids.length - 1];
  if (highest === undefined || BigInt(highest) < BigInt(names.length)) return null;
  const has = `${names.length} ${names.length === 1 ? 'name' : 'names'}`;
  return (
    `${path} has ${has}, too few: label ${highest} needs line ${BigInt(highest) + 1n} ` +
    '(label i is named on line i + 1)'
  );
}

/**
 * The labels to preview: named where the names file names them all, each with its ids, else
 * as read, with what stops the names file.
 */
function previewLabels(
  req: PeekRequest,
  head: Head,
  mapped: Mapped,
  names: { names: string[] | null; problem: string | null },
): { labels: PeekLabel[]; problem: string | null } {
  const raw = head.counted?.labels ?? mapped.labels;
  const ids = sortLabels(raw.keys());
  const asRead = ids.map((label) => ({ label, count: raw.get(label)! }));
  if (!names.names || !req.labelNamesPath) return { labels: asRead, problem: names.problem };
  const problem = mapped.namingProblem ?? namesProblem(req.labelNamesPath, names.names, ids);
  if (problem) return { labels: asRead, problem };

  const idsOf = new Map<string, string[]>();
  for (const id of ids) {
    const name = names.names[Number(id)];
    idsOf.set(name, [...(idsOf.get(name) ?? []), id]);
  }
  let counts = mapped.named ?? new Map<string, number>();
  if (head.counted) {
    // Class folders are counted by folder, not by the row maker; a file has one class
    counts = new Map();
    for (const [name, of] of idsOf) {
      let n = 0;
      for (const id of of) n += raw.get(id)!;
      counts.set(name, n);
    }
  }
  const labels = sortLabels(idsOf.keys()).map((label) => ({
    label,
    count: counts.get(label) ?? 0,
    ids: idsOf.get(label)!,
  }));
  return { labels, problem: null };
}

/** The head of a dataset file or folder, read as an import with these options would read it. */
export async function peekDataset(req: PeekRequest): Promise<DatasetPeek> {
  const head = await readHead(req);
  const { table } = head;
  const names = readLabelNames(req);
  const mapped = mapRows(table, req, names.names);
  const malformed = [...table.malformed, ...mapped.malformed].sort((a, b) => a.line - b.line);
  const labels = previewLabels(req, head, mapped, names);
  const plan = table.plan?.kind === 'delimited' ? table.plan : null;
  return {
    path: req.path,
    format: table.format,
    encoding: head.encoding,
    notes: head.notes,
    columns: table.columns,
    textColumn: mapped.textColumn,
    labelColumn: mapped.labelColumn,
    problem: mapped.problem,
    records: table.records
      .slice(0, req.rows)
      .map((r) => ({ line: r.line, fields: r.fields.map((f) => clip(f, MAX_FIELD_CHARS)) })),
    size: head.size,
    whole: head.whole,
    delimiter: plan ? plan.delimiter : null,
    quoting: plan ? (plan.quoted ? 'rfc4180' : 'none') : null,
    hasHeader: table.hasHeader,
    sampleRows: head.counted?.rows ?? table.records.length,
    headBytes: head.headBytes,
    labelTransform:
      req.labelTransform ??
      (req.labelColumns ? 'none' : table.format === 'label-text' ? 'coarse' : 'none'),
    labels: labels.labels,
    labelNamesProblem: labels.problem,
    malformed: malformed
      .slice(0, MAX_MALFORMED_LISTED)
      .map((m) => ({ line: m.line, reason: m.reason })),
  };
}
