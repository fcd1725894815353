/**
 * `graft train` options: one flag per TrainRequest field, each listing its default (taken from
 * the contract's own schema and the strategy defaults, so help never drifts from what a run
 * gets), plus `--config FILE`, a JSON TrainRequest merged under the flags:
 * flag > config file > the strategy's defaults (as in the wizard) > contract default.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { StrategyName, TrainRequest } from '../shared/contract';
import { GraftError } from '../shared/errors';
import { STRATEGY_DEFAULTS } from '../shared/strategy-defaults';

const DEFAULTS = TrainRequest.parse({ datasetId: 'd', modelId: 'm' });

function parseWith(name: string, check: (n: number) => boolean, what: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === '' || !check(parsed)) {
      throw new InvalidArgumentError(`${name} must be ${what}, got "${value}"`);
    }
    return parsed;
  };
}
const int = (name: string): ((v: string) => number) =>
  parseWith(name, Number.isInteger, 'an integer');
const num = (name: string): ((v: string) => number) => parseWith(name, Number.isFinite, 'a number');

function intList(name: string) {
  return (value: string): number[] =>
    value.split(',').map((part) => {
      const n = Number(part.trim());
      if (part.trim() === '' || !Number.isInteger(n)) {
        throw new InvalidArgumentError(
          `${name} takes comma-separated integers (e.g. 3,4,5), got "${value}"`,
        );
      }
      return n;
    });
}

/** Help text for a field's default: the contract's, and where strategies differ, theirs. */
const shown = (key: keyof typeof DEFAULTS): string => {
  const value = DEFAULTS[key];
  const differ = StrategyName.options
    .map((s) => [s, STRATEGY_DEFAULTS[s][key]] as const)
    .filter(([, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(value));
  const per = differ.map(([s, v]) => `${s} ${JSON.stringify(v)}`).join(', ');
  if (value === undefined) return per ? ` (default: ${per})` : '';
  return ` (default: ${JSON.stringify(value)}${per ? `; ${per}` : ''})`;
};

/** flag, TrainRequest field, description, parser (absent: a boolean switch). */
const FLAGS: [string, keyof typeof DEFAULTS, string, ((v: string) => unknown)?][] = [
  [
    '--layer <n>',
    'layer',
    'feature-extraction: hidden layer to read (-1 = last, 0 = embeddings)',
    int('--layer'),
  ],
  ['--epochs <n>', 'epochs', 'training epochs', int('--epochs')],
  ['--batch-size <n>', 'batchSize', 'examples per step', int('--batch-size')],
  ['--lr <x>', 'learningRate', 'learning rate', num('--lr')],
  ['--weight-decay <x>', 'weightDecay', 'AdamW weight decay', num('--weight-decay')],
  ['--hidden-units <n>', 'hiddenUnits', 'MLP head hidden units', int('--hidden-units')],
  ['--max-length <n>', 'maxLength', 'maximum tokens per text', int('--max-length')],
  ['--seed <n>', 'seed', 'seed for initialisation and shuffling', int('--seed')],
  [
    '--layers <list>',
    'layers',
    'feature-concat: hidden states to concatenate, e.g. 3,4,5 (default: last four)',
    intList('--layers'),
  ],
  [
    '--word-vectors <id>',
    'wordVectorsId',
    'feature-concat / gated-fusion: a word-vectors model id',
    String,
  ],
  ['--tfidf', 'tfidf', 'feature-concat: add TF-IDF features of the training vocabulary'],
  [
    '--tfidf-features <n>',
    'tfidfFeatures',
    'feature-concat: TF-IDF vocabulary size',
    int('--tfidf-features'),
  ],
  [
    '--student-layers <list>',
    'studentLayers',
    'layer-transfer: teacher layers copied into the student, e.g. 0,2,4 (default: every other)',
    intList('--student-layers'),
  ],
  [
    '--distill-temperature <t>',
    'distillTemperature',
    'layer-transfer: distillation temperature (0 = no teacher)',
    num('--distill-temperature'),
  ],
  [
    '--distill-alpha <a>',
    'distillAlpha',
    'layer-transfer: weight of the distillation loss (0-1)',
    num('--distill-alpha'),
  ],
  [
    '--unfreeze-top-k <k>',
    'unfreezeTopK',
    'fine-tune: unfreeze only the top k layers (absent from the request: all)',
    int('--unfreeze-top-k'),
  ],
  [
    '--layerwise-lr-decay <x>',
    'layerwiseLrDecay',
    'fine-tune: learning-rate factor per layer going down',
    num('--layerwise-lr-decay'),
  ],
  [
    '--head-lr-multiplier <x>',
    'headLrMultiplier',
    'fine-tune / layer-transfer: the new head learns at the learning rate times this',
    num('--head-lr-multiplier'),
  ],
  [
    '--warmup-ratio <x>',
    'warmupRatio',
    'fine-tune: share of steps warming up the learning rate',
    num('--warmup-ratio'),
  ],
  [
    '--clip-norm <x>',
    'clipNorm',
    'clip the global gradient norm to this (default: no clipping)',
    num('--clip-norm'),
  ],
  ['--dropout <x>', 'dropout', 'dropout rate (MLP head, fine-tuned encoder)', num('--dropout')],
  [
    '--early-stopping-patience <n>',
    'earlyStoppingPatience',
    'stop after n epochs without validation gain (default: never)',
    int('--early-stopping-patience'),
  ],
];

const CHOICES: [string, keyof typeof DEFAULTS, string, readonly string[]][] = [
  ['--strategy <name>', 'strategy', 'transfer strategy', StrategyName.options],
  ['--head <kind>', 'head', 'classifier head', ['logreg', 'mlp']],
  ['--pooling <kind>', 'pooling', 'token pooling', ['mean', 'cls', 'max']],
  [
    '--schedule <kind>',
    'schedule',
    'learning-rate schedule after warmup',
    ['constant', 'linear', 'cosine'],
  ],
  ['--class-weights <kind>', 'classWeights', 'loss weights per class', ['none', 'balanced']],
  [
    '--positive-weights <kind>',
    'positiveWeights',
    "multi-label fine-tune / layer-transfer: weight of each label's positives in the BCE",
    ['none', 'balanced'],
  ],
];

/** Adds every TrainRequest option to the train command (no commander defaults: see header). */
export function addTrainOptions(command: Command): Command {
  for (const [flag, key, description, choices] of CHOICES) {
    command.addOption(new Option(flag, `${description}${shown(key)}`).choices(choices));
  }
  for (const [flag, key, description, parse] of FLAGS) {
    const text = description.includes('(default') ? description : `${description}${shown(key)}`;
    command.addOption(parse ? new Option(flag, text).argParser(parse) : new Option(flag, text));
  }
  command.option('--config <file>', 'a JSON TrainRequest; flags given on the command line win');
  return command;
}

/** The request from a config file (if any) with the given flags on top. */
export function trainRequestFrom(o: Record<string, unknown>): Record<string, unknown> {
  let config: Record<string, unknown> = {};
  if (typeof o.config === 'string') {
    if (!existsSync(o.config)) {
      throw new GraftError('not-found', `--config: file "${o.config}" does not exist`);
    }
    try {
      config = JSON.parse(readFileSync(o.config, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new GraftError(
        'invalid-argument',
        `--config: ${o.config} is not JSON (${(error as Error).message})`,
      );
    }
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new GraftError(
        'invalid-argument',
        `--config: ${o.config} must hold a JSON object of TrainRequest fields`,
      );
    }
  }
  const flags: Record<string, unknown> = { datasetId: o.dataset, modelId: o.model };
  for (const [, key] of CHOICES) flags[key] = o[key];
  for (const [flag, key] of FLAGS) {
    const camel = flag
      .slice(2)
      .split(' ')[0]
      .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    flags[key] = o[camel];
  }
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const named = given.strategy ?? config.strategy ?? DEFAULTS.strategy;
  const strategy = StrategyName.safeParse(named);
  const defaults = strategy.success ? STRATEGY_DEFAULTS[strategy.data] : {};
  return { ...defaults, ...config, ...given };
}
