/**
 * `importDataset` and `previewDataset`: parse the training file (and the test and validation
 * files when given), validate, split, and either return the report (preview) or store the
 * dataset, its rows and the report in one transaction. Every check runs before the first
 * write, so a refused import leaves nothing.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import {
  DatasetImportRequest,
  type Dataset,
  type DatasetReport,
  type SplitName,
} from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { DatasetRows, SplitRows, Store } from '../store';
import { logger } from '../util/log';
import { sortLabels } from './labels';
import { lineList, loadDatasetFile, type ParsedFile, type ParseOptions } from './parse';
import { stratifiedSplit } from './split';
import {
  checkBalance,
  checkDuplicates,
  checkLength,
  checkOverlap,
  checkUnusable,
  finishReport,
  malformedRows,
  Validation,
  type Row,
} from './validate';

const log = logger('datasets');

/** File stems that say nothing about the data; the folder name is the better default name. */
const GENERIC_STEMS = new Set(['train', 'training', 'test', 'dev', 'valid', 'validation', 'data']);

const SPLIT_ORDER: readonly SplitName[] = ['train', 'validation', 'test'];

type ImportRequest = ReturnType<typeof DatasetImportRequest.parse>;
type Splits = Partial<Record<SplitName, Row[]>>;

function parseRequest(request: DatasetImportRequest): ImportRequest {
  const result = DatasetImportRequest.safeParse(request);
  if (result.success) return result.data;

  const issues = result.error.issues
    .map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`)
    .join('; ');
  throw new GraftError('invalid-argument', `invalid dataset import request: ${issues}`);
}

export function defaultDatasetName(path: string): string {
  const stem = basename(path, extname(path));
  if (!GENERIC_STEMS.has(stem.toLowerCase())) return stem;
  return basename(dirname(resolve(path))) || stem;
}

function quotedList(values: readonly string[], max: number): string {
  const shown = values.slice(0, max).map((v) => JSON.stringify(v));
  if (values.length > max) shown.push(`... (${values.length} in all)`);
  return shown.join(', ');
}

function rowLabels(r: Row): string[] {
  return r.labels ?? [r.label];
}

function requireTwoClasses(train: ParsedFile, labels: readonly string[], rows: number): void {
  if (labels.length >= 2) return;
  throw new GraftError(
    'bad-input',
    `${train.path}: label column ${JSON.stringify(train.labelColumn)} has a single class, ` +
      `${JSON.stringify(labels[0] ?? '')}, in all ${rows} rows; a classifier needs two`,
  );
}

function requireKnownLabels(file: string, role: string, rows: Row[], known: Set<string>): void {
  const unseen = new Map<string, number[]>();
  for (const row of rows) {
    for (const label of rowLabels(row)) {
      if (known.has(label)) continue;
      const lines = unseen.get(label) ?? [];
      lines.push(row.line);
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
      `training labels: ${quotedList([...known], 20)}`,
  );
}

/** sha256 over the rows as stored, split by split: equal hashes mean equal datasets. */
export function contentHash(rows: DatasetRows, labels: readonly string[]): string {
  const hash = createHash('sha256');
  for (const split of SPLIT_ORDER) {
    const part = rows[split];
    if (!part) continue;
    for (let i = 0; i < part.texts.length; i++) {
      const set = part.labelSets?.[i];
      const label = set ? set.map((l) => labels[l]).join('|') : labels[part.labels[i]];
      hash.update(`${split}\t${label}\t${part.texts[i]}\n`);
    }
  }
  return hash.digest('hex');
}

function loadLabelNames(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new GraftError('not-found', `label names file not found: ${path}`, { cause });
  }
  const names = text.split(/\r?\n/).map((l) => l.trim());
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  if (names.length === 0 || names.some((n) => n === '')) {
    throw new GraftError('bad-input', `${path}: expected one label name a line, without blanks`);
  }
  return names;
}

function toRows(file: ParsedFile, split?: SplitName): Row[] {
  return file.rows.map((r) => ({ ...r, file: file.path, split: split ?? r.split }));
}

/** Random split of one pool by the requested shares, stratified by each row's rarest label. */
function randomSplit(rows: Row[], req: ImportRequest, path: string): Splits {
  const counts = new Map<string, number>();
  for (const r of rows) for (const l of rowLabels(r)) counts.set(l, (counts.get(l) ?? 0) + 1);
  const classes = sortLabels(counts.keys());
  const index = new Map(classes.map((l, i) => [l, i]));
  const rarer = (a: string, b: string): string =>
    (counts.get(b) ?? 0) < (counts.get(a) ?? 0) ? b : a;
  const rarest = (r: Row): number => index.get(rowLabels(r).reduce(rarer))!;

  const ratios = req.ratios ?? { train: 1 - req.testRatio, validation: 0, test: req.testRatio };
  const first = stratifiedSplit(rows.map(rarest), classes.length, ratios.test, req.seed);
  if (first.test.length === 0) {
    throw new GraftError(
      'bad-input',
      `${path}: ${rows.length} rows are too few for a test split of ratio ` +
        `${ratios.test}; add rows, raise testRatio or give testPath`,
    );
  }
  const result: Splits = { test: first.test.map((i) => rows[i]) };
  let train = first.train.map((i) => rows[i]);
  if (ratios.validation > 0) {
    const share = ratios.validation / (ratios.train + ratios.validation);
    const second = stratifiedSplit(train.map(rarest), classes.length, share, req.seed + 1);
    result.validation = second.test.map((i) => train[i]);
    train = second.train.map((i) => train[i]);
  }
  result.train = train;
  return result;
}

function splitByColumn(rows: Row[], path: string, column: string): Splits {
  const result: Splits = {};
  for (const r of rows) (result[r.split as SplitName] ??= []).push(r);
  if (!result.train?.length || !result.test?.length) {
    const found = Object.keys(result).join(', ') || 'none';
    throw new GraftError(
      'bad-input',
      `${path}: split column ${JSON.stringify(column)} must give train and test rows; ` +
        `found: ${found}`,
    );
  }
  return result;
}

function refuse(v: Validation, path: string): never {
  const blocking = v.blocking();
  const kinds = [...new Set(blocking.map((i) => i.kind))];
  throw new GraftError(
    'bad-input',
    `${path}: ${blocking.map((i) => i.message).join('; ')}; to import without them, drop ` +
      `them (drop: ${JSON.stringify(kinds)}, CLI: ${kinds.map((k) => `--drop ${k}`).join(' ')}); ` +
      'every dropped row is listed in the report',
  );
}

/** Rows per label over the given parts; a multi-label row counts once for each of its labels. */
function countLabels(labels: readonly string[], parts: readonly Row[][]): Map<string, number> {
  const counts = new Map<string, number>(labels.map((l) => [l, 0]));
  for (const rows of parts) {
    for (const r of rows) for (const l of rowLabels(r)) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  return counts;
}

interface Prepared {
  req: ImportRequest;
  train: ParsedFile;
  splits: Splits;
  labels: string[];
  report: DatasetReport;
}

/** Everything up to the write: parse, validate, split, label, report. */
async function prepare(request: DatasetImportRequest, preview: boolean): Promise<Prepared> {
  const req = parseRequest(request);
  const options: ParseOptions = {
    textColumn: req.textColumn,
    labelColumn: req.labelColumn,
    splitColumn: req.splitColumn,
    limit: req.limit,
    format: req.format,
    encoding: req.encoding,
    header: req.header,
    quoting: req.quoting,
    delimiter: req.delimiter,
    labelTransform: req.labelTransform,
    multiLabel: req.multiLabel,
    labelNames: req.labelNamesPath ? loadLabelNames(req.labelNamesPath) : undefined,
    lenient: true,
  };

  // The other files must use the training file's columns, found or guessed, so they line up
  const train = await loadDatasetFile(req.path, options);
  const others = { ...options, textColumn: train.textColumn, labelColumn: train.labelColumn };
  delete others.limit;
  const test = req.testPath ? await loadDatasetFile(req.testPath, others) : null;
  const validation = req.validationPath ? await loadDatasetFile(req.validationPath, others) : null;
  const files = [train, test, validation].filter((f): f is ParsedFile => f !== null);

  const v = new Validation(new Set(req.drop ?? []));
  for (const f of files) {
    const fallback = f.notes?.find((n) => n.startsWith('not UTF-8'));
    if (fallback) v.note('encoding', 'info', `${f.path}: ${fallback}, read as ${f.encoding}`);
  }
  const bad = files.flatMap((f) => malformedRows(f.path, f.malformed ?? []));
  const role = (f: ParsedFile): SplitName | undefined =>
    f === test ? 'test' : f === validation ? 'validation' : test ? 'train' : undefined;
  let rows = checkUnusable(
    v,
    files.flatMap((f) => toRows(f, role(f))),
    bad,
  );
  rows = checkDuplicates(v, rows);
  if (!preview && v.blocking().length > 0) refuse(v, req.path);
  const trainRows = rows.filter((r) => r.split === undefined || r.split === 'train');
  requireTwoClasses(train, sortLabels(trainRows.flatMap(rowLabels)), trainRows.length);

  let splits: Splits;
  if (test || validation) {
    splits = { train: [], test: [], validation: [] };
    for (const r of rows) splits[r.split ?? 'train']!.push(r);
    if (!test) {
      splits = { ...randomSplit(splits.train!, req, req.path), validation: splits.validation };
    }
    if (validation === null) delete splits.validation;
  } else if (req.splitColumn) {
    splits = splitByColumn(rows, req.path, req.splitColumn);
  } else {
    splits = randomSplit(rows, req, req.path);
  }
  splits = checkOverlap(v, splits);

  const labels = sortLabels((splits.train ?? []).flatMap(rowLabels));
  requireTwoClasses(train, labels, splits.train?.length ?? 0);
  const known = new Set(labels);
  for (const split of ['test', 'validation'] as const) {
    const file = split === 'test' ? test : validation;
    requireKnownLabels(file?.path ?? req.path, split, splits[split] ?? [], known);
  }

  checkBalance(v, countLabels(labels, [splits.train ?? []]));
  checkLength(v, rows, req.maxLength);

  const counts = countLabels(
    labels,
    SPLIT_ORDER.map((s) => splits[s] ?? []),
  );
  const report = finishReport(v, {
    files: files.map((f) => ({
      role: role(f) ?? 'all',
      path: f.path,
      format: f.format,
      encoding: f.encoding,
      notes: f.notes ?? [],
      rows: f.rows.length + (f.malformed?.length ?? 0),
    })),
    textColumn: train.textColumn,
    labelColumn: train.labelColumn,
    multiLabel: req.multiLabel !== undefined,
    rowsRead: files.reduce((n, f) => n + f.rows.length + (f.malformed?.length ?? 0), 0),
    splits: Object.fromEntries(
      SPLIT_ORDER.filter((s) => splits[s]).map((s) => [s, splits[s]!.length]),
    ),
    labelCounts: labels.map((label) => ({ label, count: counts.get(label)! })),
    stored: !preview,
  });
  return { req, train, splits, labels, report };
}

function toSplitRows(
  rows: readonly Row[],
  index: ReadonlyMap<string, number>,
  multi: boolean,
): SplitRows {
  const part: SplitRows = {
    texts: rows.map((r) => r.text),
    labels: rows.map((r) => index.get(rowLabels(r)[0]) as number),
  };
  if (multi) part.labelSets = rows.map((r) => rowLabels(r).map((l) => index.get(l) as number));
  return part;
}

/** The validation report of an import, without storing anything. */
export async function previewDataset(request: DatasetImportRequest): Promise<DatasetReport> {
  return (await prepare(request, true)).report;
}

export async function importDataset(store: Store, request: DatasetImportRequest): Promise<Dataset> {
  const started = performance.now();
  const { req, train, splits, labels, report } = await prepare(request, false);
  const multi = req.multiLabel !== undefined;
  const index = new Map(labels.map((l, i) => [l, i]));
  const rows: DatasetRows = {};
  for (const s of SPLIT_ORDER) if (splits[s]) rows[s] = toSplitRows(splits[s]!, index, multi);

  const dataset = store.datasets.insert(
    {
      name: req.name ?? defaultDatasetName(req.path),
      sourcePath: resolve(req.path),
      format: train.format,
      textColumn: train.textColumn,
      labelColumn: train.labelColumn,
      labels,
      labelCounts: report.labelCounts,
      contentHash: contentHash(rows, labels),
      encoding: train.encoding,
      ...(multi ? { multiLabel: true } : {}),
      ...(report.dropped.length > 0 ? { dropped: report.dropped.length } : {}),
    },
    rows,
    report,
  );

  log.info(
    `imported ${dataset.id} "${dataset.name}": ${JSON.stringify(dataset.splits)}, ` +
      `${labels.length} classes, ${report.dropped.length} rows dropped, ` +
      `in ${Math.round(performance.now() - started)} ms`,
  );
  return dataset;
}

/** The report kept with a stored dataset; older datasets, imported before reports, get a stub. */
export function datasetReport(store: Store, id: string): DatasetReport {
  const stored = store.datasets.report(id);
  if (stored) return stored;
  throw new GraftError('not-found', `dataset ${JSON.stringify(id)} was imported without a report`);
}
