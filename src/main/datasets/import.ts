/**
 * `importDataset` and `previewDataset`: read the training file (and the test and validation
 * files when given), validate, split, and either return the report (preview) or store the
 * dataset, its rows and the report, all or nothing (store/staged-copy.ts). Every check runs
 * before the first write, so a refused import leaves nothing.
 *
 * Memory stays bounded whatever the file's size: rows are read in chunks and staged on disk
 * (staging.ts), the checks keep a few numbers per row, and the rows reach the store by a copy
 * from the scratch file. Progress goes out as `dataset.import` events, and the event loop gets
 * a turn after every chunk and every few thousand rows, so serve mode and the app keep
 * answering while a large file imports.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, extname, resolve } from 'node:path';
import {
  DatasetImportRequest,
  type Dataset,
  type DatasetImportProgress,
  type DatasetReport,
  type SplitName,
} from '../../shared/contract';
import { GraftError, invariant } from '../../shared/errors';
import type { DatasetRows, Store } from '../store';
import { logger } from '../util/log';
import { inNamesOrder, renameLabels, stageFiles, type ImportRequest } from './import-read';
import {
  countLabels,
  labelsOf,
  optionConflicts,
  randomSplit,
  splitByColumn,
} from './import-splits';
import { ImportProgress } from './import-progress';
import {
  classes,
  refuse,
  requireKnownLabels,
  requireNamedIds,
  requireTwoClasses,
  requireUsableRows,
  unusedNames,
} from './import-refusals';
import { checkLabelLists } from './label-lists';
import type { FileSummary } from './parse-stream';
import type { StreamTuning } from './source';
import { DROPPED_TABLE, PLACED_VIEW, SPLITS, Staging } from './staging';
import { defaultMaxTokens } from './token-estimate';
import {
  aliveRows,
  checkBalance,
  checkDuplicates,
  checkLength,
  checkOverlap,
  checkUnusable,
  finishReport,
  Validation,
  type SplitRowsBySeq,
} from './validate';

const log = logger('datasets');

/** File stems that say nothing about the data; the folder name is the better default name. */
const GENERIC_STEMS = new Set(['train', 'training', 'test', 'dev', 'valid', 'validation', 'data']);

const SPLIT_ORDER: readonly SplitName[] = ['train', 'validation', 'test'];

/** Rows laid out in the scratch file's final table between two turns of the event loop. */
const LAYOUT_STEP_ROWS = 5000;

/** Where and how an import runs; every field has a default fit for tests and scripts. */
export interface ImportContext {
  /** Folder for the scratch file (default: the OS temp folder; the app uses its data dir). */
  tempDir?: string;
  /** Receives `dataset.import` progress. */
  onProgress?: (progress: DatasetImportProgress) => void;
  /** Chunk and head sizes (tests make them tiny to cross many chunk boundaries). */
  tuning?: StreamTuning;
}

function parseRequest(request: DatasetImportRequest): ImportRequest {
  const result = DatasetImportRequest.safeParse(request);
  if (!result.success) {
    const issues = result.error.issues
      .map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`)
      .join('; ');
    throw new GraftError('invalid-argument', `invalid dataset import request: ${issues}`);
  }

  const conflicts = optionConflicts(result.data);
  if (conflicts.length > 0) {
    throw new GraftError('invalid-argument', `conflicting options: ${conflicts.join('; ')}`);
  }
  return result.data;
}

export function defaultDatasetName(path: string): string {
  const stem = basename(path, extname(path));
  if (!GENERIC_STEMS.has(stem.toLowerCase())) return stem;
  return basename(dirname(resolve(path))) || stem;
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
      hash.update(hashLine(split, label, part.texts[i]));
    }
  }
  return hash.digest('hex');
}

/** One row's share of the content hash; `label` is the row's labels joined by `|`. */
function hashLine(split: SplitName, label: string, text: string): string {
  return `${split}\t${label}\t${text}\n`;
}

interface Prepared {
  req: ImportRequest;
  train: FileSummary;
  st: Staging;
  splits: SplitRowsBySeq;
  labels: string[];
  report: DatasetReport;
  multi: boolean;
  progress: ImportProgress;
}

/** Everything up to the write: read, validate, split, label, report. */
async function prepare(
  request: DatasetImportRequest,
  preview: boolean,
  ctx: ImportContext,
): Promise<Prepared> {
  const req = parseRequest(request);
  const paths = [req.path, req.testPath, req.validationPath].filter((p) => p !== undefined);
  const progress = new ImportProgress(req.path, preview, paths, ctx.onProgress);
  const multi = req.multiLabel !== undefined || req.labelColumns !== undefined;
  const maxTokens = defaultMaxTokens(req.maxLength);
  const st = new Staging(ctx.tempDir, multi, maxTokens);
  try {
    const { train, test, validation } = await stageFiles(req, st, progress, ctx.tuning);
    requireNamedIds(req, st);
    // Before the user's renames, which would make a used name look unused
    const unused = req.labelNamesPath
      ? unusedNames(req, new Set(labelsOf(st, aliveRows(new Uint8Array(st.count).fill(1)))))
      : null;
    renameLabels(req, st);
    const files = [train, test, validation].filter((f) => f !== undefined);
    const role = (f: FileSummary): SplitName | undefined =>
      f === test ? 'test' : f === validation ? 'validation' : test ? 'train' : undefined;

    await progress.phase('validating');
    // A stored import keeps every dropped row in its scratch file, for the store's own table
    const v = new Validation(
      new Set(req.drop ?? []),
      preview ? undefined : (row, from) => st.keepDropped(row, from),
      preview && req.allDropped === true,
    );
    if (unused) v.note('label-names', 'info', unused);
    for (const f of files) {
      // "detected GBK: ..." names its encoding; "not UTF-8 at lines 3, 9" (mixed) does not
      const detected = f.notes.find((n) => n.startsWith('detected '));
      const mixed = f.notes.find((n) => n.startsWith('not UTF-8'));
      if (detected) v.note('encoding', 'info', `${f.path}: ${detected}`);
      else if (mixed)
        v.note('encoding', 'info', `${f.path}: ${mixed}; the rest read as ${f.encoding}`);
    }
    const alive = new Uint8Array(st.count).fill(1);
    checkUnusable(v, st, alive);
    await progress.pause();
    await checkDuplicates(v, st, alive, () => progress.pause());
    await progress.pause();
    const rows = aliveRows(alive);
    const trainRows = rows.filter((seq) => st.split.get(seq) <= 1);
    // With no labelled row, dropping the flagged ones cannot help: say why first
    const labelled = trainRows.some((seq) => st.labels(seq).some((l) => l !== ''));
    requireUsableRows(req, st, v, labelled);
    if (!preview && v.blocking().length > 0) refuse(v, req.path);
    const listHint = checkLabelLists(v, countLabels(st, [rows]), multi);
    requireTwoClasses(train, classes(labelsOf(st, trainRows)), trainRows.length);

    await progress.phase('splitting');
    let splits: SplitRowsBySeq;
    if (test || validation) {
      const byFile: SplitRowsBySeq = { train: [], test: [], validation: [] };
      for (const seq of rows) byFile[SPLITS[(st.split.get(seq) || 1) - 1]]!.push(seq);
      splits = test ? byFile : { ...randomSplit(st, byFile.train!, req, req.path) };
      splits.validation = byFile.validation;
      if (!validation) delete splits.validation;
    } else if (req.splitColumn) {
      splits = splitByColumn(st, rows, req.path, req.splitColumn);
    } else {
      splits = randomSplit(st, rows, req, req.path);
    }
    await progress.pause();
    splits = checkOverlap(v, st, splits);
    await progress.pause();

    // A preview keeps empty-label rows (an import refuses them): they are no class
    const labels = inNamesOrder(req, classes(labelsOf(st, splits.train ?? [])));
    requireTwoClasses(train, labels, splits.train?.length ?? 0);
    const known = new Set(labels);
    for (const split of ['test', 'validation'] as const) {
      const file = split === 'test' ? test : validation;
      const held = splits[split] ?? [];
      requireKnownLabels(st, file?.path ?? req.path, split, held, known, listHint);
    }

    const trainCounts = countLabels(st, [splits.train ?? []], labels);
    trainCounts.delete('');
    checkBalance(v, trainCounts);
    checkLength(v, st, rows, maxTokens);

    const parts = SPLIT_ORDER.map((s) => splits[s] ?? []);
    const counts = countLabels(st, parts, labels);
    const report = finishReport(v, {
      files: files.map((f) => ({
        role: role(f) ?? 'all',
        path: f.path,
        format: f.format,
        encoding: f.encoding,
        notes: f.notes,
        rows: f.rows + f.malformed,
      })),
      textColumn: train.textColumn,
      labelColumn: train.labelColumn,
      multiLabel: multi,
      rowsRead: files.reduce((n, f) => n + f.rows + f.malformed, 0),
      splits: Object.fromEntries(
        SPLIT_ORDER.filter((s) => splits[s]).map((s) => [s, splits[s]!.length]),
      ),
      labelCounts: labels.map((label) => ({ label, count: counts.get(label)! })),
      stored: !preview,
    });
    return { req, train, st, splits, labels, report, multi, progress };
  } catch (error) {
    st.close();
    throw error;
  }
}

/**
 * Lays the rows out as the store keeps them (split, position, label index) in the scratch
 * file, hashing them on the way; the store then copies them (staged-copy.ts).
 */
async function finalRows(p: Prepared): Promise<{ hash: string; total: number }> {
  const { st, splits, labels, multi, progress } = p;
  const index = new Map(labels.map((l, i) => [l, i]));
  // Per label set, not per row: a million rows share a handful of sets
  const sets = st.sets.labels.map((set) => {
    const indices = set.map((l) => index.get(l) ?? -1);
    return {
      ok: indices.length > 0 && indices.every((l) => l >= 0),
      label: indices[0],
      json: multi ? JSON.stringify(indices) : null,
      hashed: set.join('|'),
    };
  });

  const hash = createHash('sha256');
  const total = SPLIT_ORDER.reduce((n, s) => n + (splits[s]?.length ?? 0), 0);
  const place = st.placement();
  let done = 0;
  await progress.laying(0, total);
  for (const split of SPLIT_ORDER) {
    const rows = splits[split];
    if (!rows) continue;
    for (let i = 0; i < rows.length; i++) {
      const set = sets[st.set.get(rows[i])];
      invariant(set.ok, () => `${split} row ${i}: labels ${set.hashed} are not all known`);
      hash.update(hashLine(split, set.hashed, st.text(rows[i])));
      place.add(split, i, rows[i], set.label, set.json);
      if (++done % LAYOUT_STEP_ROWS === 0 && done < total) await progress.laying(done, total);
    }
  }
  place.finish();
  await progress.laying(total, total);
  return { hash: hash.digest('hex'), total };
}

/** The validation report of an import, without storing anything. */
export async function previewDataset(
  request: DatasetImportRequest,
  ctx: ImportContext = {},
): Promise<DatasetReport> {
  const prepared = await prepare(request, true, ctx);
  prepared.st.close();
  await prepared.progress.phase('done');
  return prepared.report;
}

export async function importDataset(
  store: Store,
  request: DatasetImportRequest,
  ctx: ImportContext = {},
): Promise<Dataset> {
  const started = performance.now();
  const p = await prepare(request, false, ctx);
  const { req, train, st, labels, report, multi } = p;
  let dataset: Dataset;
  try {
    const { hash, total } = await finalRows(p);
    // Dropped rows are kept in the store too, copied after the rest
    const written = total + st.droppedCount;
    p.progress.writing(0, written);
    const splits: Partial<Record<SplitName, number>> = {};
    for (const s of SPLIT_ORDER) if (p.splits[s]) splits[s] = p.splits[s]!.length;

    dataset = await store.datasets.insertStaged(
      {
        name: req.name ?? defaultDatasetName(req.path),
        sourcePath: resolve(req.path),
        format: train.format,
        textColumn: train.textColumn,
        labelColumn: train.labelColumn,
        labels,
        labelCounts: report.labelCounts,
        contentHash: hash,
        encoding: train.encoding,
        ...(multi ? { multiLabel: true } : {}),
        ...(st.droppedCount > 0 ? { dropped: st.droppedCount } : {}),
      },
      {
        file: st.dbFile,
        view: PLACED_VIEW,
        splits,
        dropped: { table: DROPPED_TABLE, rows: st.droppedCount },
      },
      report,
      (copied) => p.progress.writing(copied, written),
    );
  } finally {
    st.close();
  }
  await p.progress.phase('done');

  log.info(
    `imported ${dataset.id} "${dataset.name}": ${JSON.stringify(dataset.splits)}, ` +
      `${labels.length} classes, ${st.droppedCount} rows dropped, ` +
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
