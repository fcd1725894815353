/**
 * `importDataset`: parse the training file (and the test and validation files when given),
 * check them against each other, split, and store the dataset with all of its rows in one
 * transaction. Every check runs before the first write, so a refused import leaves nothing.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, extname, resolve } from 'node:path';
import {
  DatasetImportRequest,
  type Dataset,
  type SplitName,
} from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { DatasetRows, SplitRows, Store } from '../store';
import { logger } from '../util/log';
import { sortLabels } from './labels';
import { lineList, parseDatasetFile, type ParsedFile, type ParsedRow } from './parse';
import { stratifiedSplit } from './split';

const log = logger('datasets');

/** File stems that say nothing about the data; the folder name is the better default name. */
const GENERIC_STEMS = new Set(['train', 'training', 'test', 'dev', 'valid', 'validation', 'data']);

const SPLIT_ORDER: readonly SplitName[] = ['train', 'validation', 'test'];

type ImportRequest = ReturnType<typeof DatasetImportRequest.parse>;

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

function requireTwoClasses(train: ParsedFile, labels: readonly string[]): void {
  if (labels.length >= 2) return;
  throw new GraftError(
    'bad-input',
    `${train.path}: label column ${JSON.stringify(train.labelColumn)} has a single class, ` +
      `${JSON.stringify(labels[0])}, in all ${train.rows.length} rows; a classifier needs two`,
  );
}

function quotedList(values: readonly string[], max: number): string {
  const shown = values.slice(0, max).map((v) => JSON.stringify(v));
  if (values.length > max) shown.push(`... (${values.length} in all)`);
  return shown.join(', ');
}

function requireKnownLabels(file: ParsedFile, role: string, known: ReadonlySet<string>): void {
  const unseen = new Map<string, number[]>();
  for (const row of file.rows) {
    if (known.has(row.label)) continue;
    const lines = unseen.get(row.label) ?? [];
    lines.push(row.line);
    unseen.set(row.label, lines);
  }
  if (unseen.size === 0) return;

  const listed = [...unseen]
    .slice(0, 5)
    .map(([label, lines]) => `${JSON.stringify(label)} (line ${lineList(lines)})`)
    .join(', ');
  throw new GraftError(
    'bad-input',
    `${file.path}: the ${role} file has labels the training file lacks: ${listed}; ` +
      `training labels: ${quotedList([...known], 20)}`,
  );
}

function toSplitRows(rows: readonly ParsedRow[], index: ReadonlyMap<string, number>): SplitRows {
  return {
    texts: rows.map((r) => r.text),
    labels: rows.map((r) => index.get(r.label) as number),
  };
}

/** sha256 over the rows as stored, split by split: equal hashes mean equal datasets. */
export function contentHash(rows: DatasetRows, labels: readonly string[]): string {
  const hash = createHash('sha256');
  for (const split of SPLIT_ORDER) {
    const part = rows[split];
    if (!part) continue;
    for (let i = 0; i < part.texts.length; i++) {
      hash.update(`${split}\t${labels[part.labels[i]]}\t${part.texts[i]}\n`);
    }
  }
  return hash.digest('hex');
}

function splitRows(
  train: ParsedFile,
  test: ParsedFile | null,
  index: ReadonlyMap<string, number>,
  req: ImportRequest,
): { train: SplitRows; test: SplitRows } {
  if (test) return { train: toSplitRows(train.rows, index), test: toSplitRows(test.rows, index) };

  const all = toSplitRows(train.rows, index);
  const parts = stratifiedSplit(all.labels, index.size, req.testRatio, req.seed);
  if (parts.test.length === 0) {
    throw new GraftError(
      'bad-input',
      `${train.path}: ${train.rows.length} rows are too few for a test split of ratio ` +
        `${req.testRatio}; add rows, raise testRatio or give testPath`,
    );
  }
  const pick = (idx: number[]): SplitRows => ({
    texts: idx.map((i) => all.texts[i]),
    labels: idx.map((i) => all.labels[i]),
  });
  return { train: pick(parts.train), test: pick(parts.test) };
}

export async function importDataset(store: Store, request: DatasetImportRequest): Promise<Dataset> {
  const started = performance.now();
  const req = parseRequest(request);

  // The other files must use the training file's columns, found or guessed, so they line up
  const train = parseDatasetFile(req.path, {
    textColumn: req.textColumn,
    labelColumn: req.labelColumn,
    limit: req.limit,
  });
  const columns = { textColumn: train.textColumn, labelColumn: train.labelColumn };
  const test = req.testPath ? parseDatasetFile(req.testPath, columns) : null;
  const validation = req.validationPath ? parseDatasetFile(req.validationPath, columns) : null;

  const labels = sortLabels(train.rows.map((r) => r.label));
  requireTwoClasses(train, labels);
  const known = new Set(labels);
  if (test) requireKnownLabels(test, 'test', known);
  if (validation) requireKnownLabels(validation, 'validation', known);

  const index = new Map(labels.map((l, i) => [l, i]));
  const rows: DatasetRows = splitRows(train, test, index, req);
  if (validation) rows.validation = toSplitRows(validation.rows, index);

  const counts = new Array<number>(labels.length).fill(0);
  for (const split of SPLIT_ORDER) for (const l of rows[split]?.labels ?? []) counts[l]++;

  const dataset = store.datasets.insert(
    {
      name: req.name ?? defaultDatasetName(req.path),
      sourcePath: resolve(req.path),
      format: train.format,
      textColumn: train.textColumn,
      labelColumn: train.labelColumn,
      labels,
      labelCounts: labels.map((label, i) => ({ label, count: counts[i] })),
      contentHash: contentHash(rows, labels),
    },
    rows,
  );

  log.info(
    `imported ${dataset.id} "${dataset.name}": ${JSON.stringify(dataset.splits)}, ` +
      `${labels.length} classes, in ${Math.round(performance.now() - started)} ms`,
  );
  return dataset;
}
