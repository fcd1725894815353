/**
 * Label counts and splits over staged rows, by row number: a seeded stratified split of one
 * pool, or the split a column gives each row. See split.ts for the stratification itself.
 *
 * A request says how to split in one of three ways (separate files, a split column, a random
 * split's shares and seed); options of two ways at once used to be dropped without a word, so
 * `optionConflicts` refuses them before anything is read, for the CLI and the app alike.
 */
import type { DatasetImportRequest, SplitName } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { sortLabels } from './labels';
import { stratifiedSplit } from './split';
import { SPLITS, type Staging } from './staging';
import type { SplitRowsBySeq } from './validate';

type ParsedRequest = ReturnType<typeof DatasetImportRequest.parse>;
type SplitRequest = Pick<ParsedRequest, 'ratios' | 'testRatio' | 'seed'>;

/** A random split's test share and seed when the request names neither. */
export const DEFAULT_TEST_RATIO = 0.2;
export const DEFAULT_SEED = 13;

/** Formats whose readers take a delimiter, a quoting mode and a header row. */
const DELIMITED_FORMATS = new Set(['auto', 'csv', 'tsv']);

/**
 * Options that contradict each other, as messages naming both fields in backticks (the CLI
 * turns them into its flags, cli-errors.ts); empty when the request is consistent.
 */
export function optionConflicts(req: ParsedRequest): string[] {
  const conflicts: string[] = [];
  const both = (a: string, b: string, why: string): void => {
    conflicts.push(`\`${a}\` with \`${b}\`: ${why}`);
  };
  const randomOnly = (['ratios', 'testRatio', 'seed'] as const).filter((k) => req[k] !== undefined);
  const unused = 'so no random split would use it; leave out one of them';

  if (req.ratios && req.testRatio !== undefined) {
    both('ratios', 'testRatio', 'both set the test share; give one of them');
  }
  if (req.testPath) {
    for (const k of randomOnly) both('testPath', k, `the test file is the test split, ${unused}`);
  }
  if (req.splitColumn) {
    for (const file of ['testPath', 'validationPath'] as const) {
      if (!req[file]) continue;
      both('splitColumn', file, "the column names each row's split; give the column or the files");
    }
    for (const k of randomOnly) {
      both('splitColumn', k, `the column names each row's split, ${unused}`);
    }
  }
  if (req.validationPath && !req.testPath && (req.ratios?.validation ?? 0) > 0) {
    both(
      'ratios',
      'validationPath',
      'the validation file is the validation split; give `ratios` a validation share of 0 ' +
        '(like 0.8,0,0.2) or leave out one of them',
    );
  }
  if (req.format && !DELIMITED_FORMATS.has(req.format)) {
    for (const k of ['delimiter', 'quoting', 'header'] as const) {
      if (req[k] === undefined) continue;
      both('format', k, `${req.format} files have no ${k}; it applies to csv and tsv only`);
    }
  }
  return conflicts;
}

/** Rows per label over the given parts; a multi-label row counts once for each of its labels. */
export function countLabels(
  st: Staging,
  parts: readonly (readonly number[])[],
  labels: readonly string[] = [],
): Map<string, number> {
  const perSet = new Map<number, number>();
  for (const rows of parts) {
    for (const seq of rows) {
      const set = st.set.get(seq);
      perSet.set(set, (perSet.get(set) ?? 0) + 1);
    }
  }
  const counts = new Map<string, number>(labels.map((l) => [l, 0]));
  for (const [set, n] of perSet) {
    for (const l of st.sets.labels[set]) counts.set(l, (counts.get(l) ?? 0) + n);
  }
  return counts;
}

/** The labels the rows use, in the stable order of labels.ts. */
export function labelsOf(st: Staging, rows: readonly number[]): string[] {
  return sortLabels(countLabels(st, [rows]).keys());
}

/** Random split of one pool by the requested shares, stratified by each row's rarest label. */
export function randomSplit(
  st: Staging,
  rows: readonly number[],
  req: SplitRequest,
  path: string,
): SplitRowsBySeq {
  const counts = countLabels(st, [rows]);
  const classes = sortLabels(counts.keys());
  const index = new Map(classes.map((l, i) => [l, i]));

  // The rarest label of each label set (the first of equals); rows without one share a stratum
  const rarest = st.sets.labels.map((labels) => {
    if (labels.length === 0) return classes.length;
    const rare = labels.reduce((a, b) => ((counts.get(b) ?? 0) < (counts.get(a) ?? 0) ? b : a));
    return index.get(rare) ?? classes.length;
  });
  const strata = rows.map((seq) => rarest[st.set.get(seq)]);
  const numClasses = classes.length + 1;

  const testRatio = req.testRatio ?? DEFAULT_TEST_RATIO;
  const seed = req.seed ?? DEFAULT_SEED;
  const ratios = req.ratios ?? { train: 1 - testRatio, validation: 0, test: testRatio };
  const first = stratifiedSplit(strata, numClasses, ratios.test, seed);
  if (first.test.length === 0) {
    throw new GraftError(
      'bad-input',
      `${path}: ${rows.length} rows are too few for a test split of ratio ` +
        `${ratios.test}; add rows, raise testRatio or give testPath`,
    );
  }
  const result: SplitRowsBySeq = { test: first.test.map((i) => rows[i]) };
  let train = first.train.map((i) => rows[i]);
  if (ratios.validation > 0) {
    const share = ratios.validation / (ratios.train + ratios.validation);
    const second = stratifiedSplit(
      train.map((seq) => rarest[st.set.get(seq)]),
      numClasses,
      share,
      seed + 1,
    );
    result.validation = second.test.map((i) => train[i]);
    train = second.train.map((i) => train[i]);
  }
  result.train = train;
  return result;
}

/** The split each row's split column gave it; train and test must both have rows. */
export function splitByColumn(
  st: Staging,
  rows: readonly number[],
  path: string,
  column: string,
): SplitRowsBySeq {
  const result: SplitRowsBySeq = {};
  for (const seq of rows) {
    const split: SplitName = SPLITS[st.split.get(seq) - 1];
    (result[split] ??= []).push(seq);
  }
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
