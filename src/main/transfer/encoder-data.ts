/**
 * The rows an encoder-training strategy works on: the dataset's splits tokenised once, the
 * validation rows (the dataset's own split, or a seeded stratified 10% of train, as feature
 * extraction does), and balanced class weights.
 */
import type { Dataset, SplitName, TrainConfig } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { stratifiedSplit } from '../datasets/split';
import { loadTokenizer, type EncodedRow, type TextTokenizer } from '../models/tokenizer';
import type { RunContext } from '../runs/run-manager';
import type { Store } from '../store';
import { multiHot } from '../evaluation/multi-label';
import { effectiveMaxLength } from './features';

/** Share of the training rows held out for validation when the dataset has none. */
const VALIDATION_SHARE = 0.1;

export interface TokenisedSplit {
  texts: string[];
  rows: EncodedRow[];
  labels: Int32Array;
  /** Multi-label datasets: each row's label set, and the same as multi-hot [rows, classes]. */
  sets?: number[][];
  targets?: Float32Array;
}

export interface RunSplits {
  /** Rows the model trains on (train minus the holdout when there is one). */
  fit: TokenisedSplit;
  validation: TokenisedSplit | null;
  test: TokenisedSplit;
  /** Where fit row i sits in the dataset's train split (teacher features are per train row). */
  fitIndex: number[];
}

/**
 * The model's tokenizer and the run's splits tokenised with it, reported as the run's
 * `tokenizing` phase: the first step of every strategy that trains the encoder.
 */
export function tokeniseForRun(
  ctx: RunContext,
  store: Store,
  dataset: Dataset,
  modelPath: string,
): { splits: RunSplits; padId: number } {
  const started = performance.now();
  const tokenizer = loadTokenizer(modelPath);
  const maxLength = effectiveMaxLength(ctx.config.maxLength, tokenizer.maxLength);
  ctx.progress({ phase: 'tokenizing', done: 0, total: 1, message: 'tokenising the splits' });
  const splits = loadRunSplits(store, dataset, ctx.config, tokenizer, maxLength);
  ctx.timings.tokenizing = (performance.now() - started) / 1000;
  return { splits, padId: tokenizer.padId };
}

export function loadRunSplits(
  store: Store,
  dataset: Dataset,
  config: TrainConfig,
  tokenizer: TextTokenizer,
  maxLength: number,
): RunSplits {
  const multi = dataset.multiLabel === true;
  type Rows = { texts: string[]; labels: number[]; labelSets?: number[][] };
  const split = (name: SplitName): Rows | null =>
    dataset.splits[name] ? store.datasets.rows(dataset.id, name) : null;
  const train = split('train');
  const test = split('test');
  if (!train || !test) {
    throw new GraftError(
      'bad-input',
      `dataset ${dataset.id} needs a train and a test split; ` +
        `it has ${Object.keys(dataset.splits).join(', ')}`,
    );
  }

  const setsOf = (r: Rows): number[][] => r.labelSets ?? r.labels.map((l) => [l]);
  const tokenise = (r: Rows): TokenisedSplit => ({
    texts: r.texts,
    rows: r.texts.map((t) => tokenizer.encode(t, { maxLength })),
    labels: Int32Array.from(r.labels),
    ...(multi ? { sets: setsOf(r), targets: multiHot(setsOf(r), dataset.labels.length) } : {}),
  });
  const trainSets = setsOf(train);
  const pick = (idx: readonly number[]): Rows => ({
    texts: idx.map((i) => train.texts[i]),
    labels: idx.map((i) => train.labels[i]),
    labelSets: idx.map((i) => trainSets[i]),
  });

  const own = split('validation');
  let fitIndex = train.texts.map((_, i) => i);
  let validation: TokenisedSplit | null = own ? tokenise(own) : null;
  if (!own) {
    const { train: keep, test: holdout } = stratifiedSplit(
      train.labels,
      dataset.labels.length,
      VALIDATION_SHARE,
      config.seed,
    );
    if (holdout.length > 0) {
      fitIndex = keep;
      const v = pick(holdout);
      validation = tokenise(v);
    }
  }
  const fit = pick(fitIndex);
  return {
    fit: tokenise(fit),
    validation,
    test: tokenise(test),
    fitIndex,
  };
}

/** 'balanced': w_c = N / (C · n_c) as scikit-learn computes it; absent classes get 0. */
export function classWeightsFor(
  mode: TrainConfig['classWeights'],
  labels: Int32Array,
  classes: number,
): number[] | undefined {
  if (mode === 'none') return undefined;
  const counts = new Array<number>(classes).fill(0);
  for (const y of labels) counts[y]++;
  return counts.map((n) => (n === 0 ? 0 : labels.length / (classes * n)));
}
