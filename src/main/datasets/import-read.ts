/**
 * The reading half of an import: the request's files, in order (train, test, validation),
 * streamed into the staging area with progress, the test and validation files read with the
 * training file's columns; then the user's label names applied to what was read.
 */
import type { DatasetImportRequest, SplitName } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { renamedLabel, renameProblems } from '../../shared/label-rename';
import type { ImportProgress } from './import-progress';
import { labelsOf } from './import-splits';
import { maxMalformedShare } from './formats/malformed-share';
import { loadLabelNames } from './labels';
import { streamDatasetFile, type FileSummary } from './parse-stream';
import type { ParseOptions } from './rows';
import type { StreamTuning } from './source';
import type { Staging } from './staging';
import { aliveRows } from './validate';

export type ImportRequest = ReturnType<typeof DatasetImportRequest.parse>;

export interface StagedFiles {
  train: FileSummary;
  test?: FileSummary;
  validation?: FileSummary;
}

function parseOptions(req: ImportRequest): ParseOptions {
  return {
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
    labelColumns: req.labelColumns,
    labelNames: req.labelNamesPath ? loadLabelNames(req.labelNamesPath) : undefined,
    lenient: true,
    maxMalformedShare: maxMalformedShare(req.drop),
  };
}

/** Reads every file into the staging area: train, then test, then validation. */
export async function stageFiles(
  req: ImportRequest,
  st: Staging,
  progress: ImportProgress,
  tuning: StreamTuning | undefined,
): Promise<StagedFiles> {
  const options = parseOptions(req);
  const read = async (path: string, opts: ParseOptions, role?: SplitName) => {
    const summary = await streamDatasetFile(path, opts, st.sink(path, role), {
      tuning,
      onBytes: (bytes) => progress.reading(path, bytes, st.count + st.malformed.count),
      pause: () => progress.pause(),
    });
    progress.fileDone(path, st.count + st.malformed.count);
    return summary;
  };

  const train = await read(req.path, options, req.testPath ? 'train' : undefined);
  // The other files must use the training file's columns, found or guessed, so they line up
  const others: ParseOptions = { ...options, textColumn: train.textColumn };
  if (!req.labelColumns) others.labelColumn = train.labelColumn;
  delete others.limit;
  const test = req.testPath ? await read(req.testPath, others, 'test') : undefined;
  const validation = req.validationPath
    ? await read(req.validationPath, others, 'validation')
    : undefined;
  st.commit();
  return { train, test, validation };
}

/** The user's label names (see shared/label-rename.ts), applied to every staged label set. */
export function renameLabels(req: ImportRequest, st: Staging): void {
  const rename = req.labelRename;
  if (!rename || Object.keys(rename).length === 0) return;
  const raw = labelsOf(st, aliveRows(new Uint8Array(st.count).fill(1))).filter((l) => l !== '');
  const problems = renameProblems(raw, rename);
  if (problems.length > 0) {
    throw new GraftError(
      'invalid-argument',
      `${req.path}: ${problems.map((p) => p.message).join('; ')}`,
    );
  }
  st.sets.rename((label) => renamedLabel(rename, label));
}

/**
 * Labels named from a file in the file's order, so that output i of the model is label id i
 * as the data numbers it (GoEmotions' "neutral" is 27, last, not between "nervousness" and
 * "optimism"); labels the file does not name (renamed ones) follow in their own order.
 */
export function inNamesOrder(req: ImportRequest, labels: readonly string[]): string[] {
  if (!req.labelNamesPath) return [...labels];
  const position = new Map<string, number>();
  loadLabelNames(req.labelNamesPath).forEach((name, id) => {
    if (!position.has(name)) position.set(name, id);
  });
  const rank = (label: string): number => position.get(label) ?? Number.MAX_SAFE_INTEGER;
  return [...labels].sort((a, b) => rank(a) - rank(b));
}
