/**
 * The rows an encoder-training strategy works on: the dataset's splits tokenised once, the
 * validation rows (the dataset's own split, or a seeded stratified 10% of train, as feature
 * extraction does), and balanced class weights.
 */
import type { Dataset, SplitName, TrainConfig } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { stratifiedSplit } from '../datasets/split';
import type { EncodedRow, TextTokenizer } from '../models/tokenizer';
import type { Store } from '../store';

/** Share of the training rows held out for validation when the dataset has none. */
const VALIDATION_SHARE = 0.1;

export interface TokenisedSplit {
  texts: string[];
  rows: EncodedRow[];
  labels: Int32Array;
}

export interface RunSplits {
  /** Rows the model trains on (train minus the holdout when there is one). */
  fit: TokenisedSplit;
  validation: TokenisedSplit | null;
  test: TokenisedSplit;
  /** Where fit row i sits in the dataset's train split (teacher features are per train row). */
  fitIndex: number[];
}

export function loadRunSplits(
  store: Store,
  dataset: Dataset,
  config: TrainConfig,
  tokenizer: TextTokenizer,
  maxLength: number,
): RunSplits {
  if (dataset.multiLabel) {
    throw new GraftError(
      'unsupported',
      `dataset ${dataset.id} is multi-label; ` +
        `${config.strategy} supports single-label datasets only for now (TODO issue 6)`,
    );
  }
  const split = (name: SplitName): { texts: string[]; labels: number[] } | null =>
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

  const tokenise = (texts: string[], labels: readonly number[]): TokenisedSplit => ({
    texts,
    rows: texts.map((t) => tokenizer.encode(t, { maxLength })),
    labels: Int32Array.from(labels),
  });
  const pick = (idx: readonly number[]): { texts: string[]; labels: number[] } => ({
    texts: idx.map((i) => train.texts[i]),
    labels: idx.map((i) => train.labels[i]),
  });

  const own = split('validation');
  let fitIndex = train.texts.map((_, i) => i);
  let validation: TokenisedSplit | null = own ? tokenise(own.texts, own.labels) : null;
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
      validation = tokenise(v.texts, v.labels);
    }
  }
  const fit = pick(fitIndex);
  return {
    fit: tokenise(fit.texts, fit.labels),
    validation,
    test: tokenise(test.texts, test.labels),
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
