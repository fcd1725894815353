/**
 * The wizard's hyperparameters as form state: every option of TrainRequest that a strategy
 * reads, as strings while the user types, and the one conversion to a request the contract
 * checks. Which options a strategy shows first and which sit in the advanced panel is a table
 * here, so the page only renders what it is given.
 */
import { TrainRequest, type StrategyName } from '../../shared/contract';
import { STRATEGY_DEFAULTS } from '../../shared/strategy-defaults';
import { defaultConcatLayers, defaultStudentLayers } from './strategies';

export type FieldKey =
  | 'head'
  | 'pooling'
  | 'layer'
  | 'epochs'
  | 'learningRate'
  | 'batchSize'
  | 'weightDecay'
  | 'hiddenUnits'
  | 'maxLength'
  | 'seed'
  | 'tfidf'
  | 'tfidfFeatures'
  | 'distillTemperature'
  | 'distillAlpha'
  | 'unfreezeTopK'
  | 'layerwiseLrDecay'
  | 'headLrMultiplier'
  | 'warmupRatio'
  | 'schedule'
  | 'clipNorm'
  | 'dropout'
  | 'classWeights'
  | 'positiveWeights'
  | 'earlyStoppingPatience';

export interface FieldSpec {
  key: FieldKey;
  label: string;
  hint: string;
  type: 'int' | 'float' | 'choice' | 'bool';
  choices?: { value: string; label: string }[];
  /** Blank means "absent" (the main process then applies its own rule). */
  optional?: boolean;
  min?: number;
  max?: number;
}

type Extra = Pick<FieldSpec, 'choices' | 'optional' | 'min' | 'max'>;

function field(
  key: FieldKey,
  label: string,
  type: FieldSpec['type'],
  hint: string,
  extra: Extra = {},
): FieldSpec {
  return { key, label, type, hint, ...extra };
}

const choices = (...pairs: [string, string][]): FieldSpec['choices'] =>
  pairs.map(([value, label]) => ({ value, label }));

export const FIELDS: Record<FieldKey, FieldSpec> = {
  epochs: field('epochs', 'Epochs', 'int', 'Passes over the training rows.', { min: 1, max: 1000 }),
  learningRate: field('learningRate', 'Learning rate', 'float', 'Step size of the optimiser.', {
    min: 0,
  }),
  batchSize: field('batchSize', 'Batch size', 'int', 'Rows per optimiser step.', {
    min: 1,
    max: 4096,
  }),
  head: field('head', 'Classifier head', 'choice', 'Logistic regression is fast and strong.', {
    choices: choices(['logreg', 'logistic regression'], ['mlp', 'MLP (one hidden layer)']),
  }),
  pooling: field('pooling', 'Pooling', 'choice', 'How token vectors become one vector.', {
    choices: choices(['mean', 'mean of tokens'], ['cls', 'first token ([CLS])'], ['max', 'max']),
  }),
  layer: field('layer', 'Layer', 'int', '-1 = last, 0 = embeddings output.'),
  unfreezeTopK: field('unfreezeTopK', 'Unfreeze top layers', 'int', 'Blank = the whole encoder.', {
    optional: true,
    min: 0,
  }),
  distillTemperature: field(
    'distillTemperature',
    'Distillation temperature',
    'float',
    '0 = labels only; 2\u20134 softens the teacher\u2019s answers.',
    { min: 0 },
  ),
  tfidf: field('tfidf', 'Add TF-IDF features', 'bool', 'Word counts of the training vocabulary.'),
  weightDecay: field('weightDecay', 'Weight decay', 'float', 'AdamW decoupled decay.', { min: 0 }),
  hiddenUnits: field('hiddenUnits', 'Hidden units', 'int', 'Width of the MLP head.', { min: 1 }),
  maxLength: field('maxLength', 'Max length', 'int', 'Tokens per text; longer ones are cut.', {
    min: 1,
    max: 512,
  }),
  seed: field('seed', 'Seed', 'int', 'Same seed, same run.'),
  tfidfFeatures: field('tfidfFeatures', 'TF-IDF features', 'int', 'Vocabulary size kept.', {
    min: 1,
    max: 100000,
  }),
  distillAlpha: field('distillAlpha', 'Distillation weight', 'float', 'Teacher share of loss.', {
    min: 0,
    max: 1,
  }),
  layerwiseLrDecay: field(
    'layerwiseLrDecay',
    'Layer-wise LR decay',
    'float',
    'Rate multiplier per layer going down; 1 = none.',
    { min: 0, max: 1 },
  ),
  headLrMultiplier: field(
    'headLrMultiplier',
    'Head LR multiplier',
    'float',
    'The new head learns at the learning rate times this.',
    { min: 0, max: 1000 },
  ),
  warmupRatio: field('warmupRatio', 'Warmup ratio', 'float', 'Share of steps ramping up.', {
    min: 0,
    max: 1,
  }),
  schedule: field('schedule', 'Schedule', 'choice', 'Learning rate after warmup.', {
    choices: choices(['linear', 'linear decay'], ['cosine', 'cosine decay'], ['constant', 'flat']),
  }),
  clipNorm: field('clipNorm', 'Gradient clipping', 'float', 'Max global norm; blank = none.', {
    optional: true,
    min: 0,
  }),
  dropout: field('dropout', 'Dropout', 'float', 'In the trained layers.', { min: 0, max: 0.99 }),
  classWeights: field('classWeights', 'Class weights', 'choice', 'Balanced helps rare classes.', {
    choices: choices(['none', 'none'], ['balanced', 'balanced']),
  }),
  positiveWeights: field(
    'positiveWeights',
    'Positive weights',
    'choice',
    'Multi-label: weight rare positives up; helps short runs.',
    { choices: choices(['none', 'none'], ['balanced', 'balanced (capped at 10)']) },
  ),
  earlyStoppingPatience: field(
    'earlyStoppingPatience',
    'Early stopping',
    'int',
    'Epochs without improvement; blank = never.',
    { optional: true, min: 1 },
  ),
};

const COMMON: FieldKey[] = ['epochs', 'learningRate', 'batchSize'];
const HEAD_ADVANCED: FieldKey[] = [
  'weightDecay',
  'hiddenUnits',
  'maxLength',
  'classWeights',
  'earlyStoppingPatience',
  'seed',
];
const ENCODER_ADVANCED: FieldKey[] = [
  'headLrMultiplier',
  'head',
  'pooling',
  'weightDecay',
  'warmupRatio',
  'schedule',
  'clipNorm',
  'dropout',
  'maxLength',
  'hiddenUnits',
  'classWeights',
  'positiveWeights',
  'earlyStoppingPatience',
  'seed',
];

/** The options shown first, and the advanced panel with everything else the strategy reads. */
export const PANELS: Record<StrategyName, { basic: FieldKey[]; advanced: FieldKey[] }> = {
  'feature-extraction': { basic: [...COMMON, 'head', 'pooling', 'layer'], advanced: HEAD_ADVANCED },
  'scalar-mix': { basic: [...COMMON, 'head', 'pooling'], advanced: HEAD_ADVANCED },
  'feature-concat': {
    basic: [...COMMON, 'head', 'pooling', 'tfidf'],
    advanced: ['tfidfFeatures', ...HEAD_ADVANCED],
  },
  'gated-fusion': { basic: [...COMMON, 'head', 'pooling'], advanced: HEAD_ADVANCED },
  'layer-transfer': {
    basic: [...COMMON, 'distillTemperature'],
    advanced: ['distillAlpha', ...ENCODER_ADVANCED],
  },
  'fine-tune': {
    basic: [...COMMON, 'unfreezeTopK'],
    advanced: ['layerwiseLrDecay', ...ENCODER_ADVANCED],
  },
};

export interface WizardForm {
  datasetId: string;
  modelId: string;
  strategy: StrategyName;
  values: Record<FieldKey, string>;
  /** Feature-concat hidden states (0 = embeddings); null = the default last four. */
  layers: number[] | null;
  /** Layer transfer's 0-based teacher layers; null = every other, ending at the top. */
  studentLayers: number[] | null;
  wordVectorsId: string;
}

/** The values a strategy starts from: its own defaults over the contract's. */
export function defaultValues(strategy: StrategyName): Record<FieldKey, string> {
  const base = { datasetId: 'x', modelId: 'x' };
  const parsed = TrainRequest.parse({ ...base, ...STRATEGY_DEFAULTS[strategy] });
  const values = {} as Record<FieldKey, string>;
  for (const key of Object.keys(FIELDS) as FieldKey[]) {
    const value = parsed[key];
    values[key] = value === undefined ? '' : String(value);
  }
  return values;
}

export function initialForm(strategy: StrategyName = 'feature-extraction'): WizardForm {
  return {
    datasetId: '',
    modelId: '',
    strategy,
    values: defaultValues(strategy),
    layers: null,
    studentLayers: null,
    wordVectorsId: '',
  };
}

function convert(spec: FieldSpec, raw: string): string | number | boolean | undefined {
  const text = raw.trim();
  if (spec.type === 'bool') return text === 'true';
  if (spec.type === 'choice') return text;
  if (text === '') return spec.optional ? undefined : Number.NaN;
  return Number(text);
}

/** The request as the contract takes it: only the options the chosen strategy reads. */
export function toRequest(form: WizardForm, modelLayers: number): TrainRequest {
  const panel = PANELS[form.strategy];
  const request: Record<string, unknown> = {
    datasetId: form.datasetId,
    modelId: form.modelId,
    strategy: form.strategy,
  };
  for (const key of [...panel.basic, ...panel.advanced]) {
    const value = convert(FIELDS[key], form.values[key]);
    if (value !== undefined) request[key] = value;
  }
  const same = (a: number[], b: number[]): boolean => a.join() === b.join();
  if (
    form.strategy === 'feature-concat' &&
    form.layers &&
    !same(form.layers, defaultConcatLayers(modelLayers))
  ) {
    request.layers = form.layers;
  }
  if (
    form.strategy === 'layer-transfer' &&
    form.studentLayers &&
    !same(form.studentLayers, defaultStudentLayers(modelLayers))
  ) {
    request.studentLayers = form.studentLayers;
  }
  const wordVectors = form.strategy === 'feature-concat' || form.strategy === 'gated-fusion';
  if (wordVectors && form.wordVectorsId) request.wordVectorsId = form.wordVectorsId;
  return request as TrainRequest;
}

/** A zod issue in the words of the form: the field's label and its accepted range. */
function friendly(spec: FieldSpec, issue: { code: string; message: string }): string {
  const bound = issue as { minimum?: unknown; maximum?: unknown; inclusive?: boolean };
  if (issue.code === 'invalid_type') return `${spec.label} needs a number.`;
  if (issue.code === 'too_small') {
    return `${spec.label} must be ${bound.inclusive ? 'at least' : 'more than'} ${bound.minimum}.`;
  }
  if (issue.code === 'too_big') {
    return `${spec.label} must be ${bound.inclusive ? 'at most' : 'less than'} ${bound.maximum}.`;
  }
  if (issue.code === 'invalid_value') return `${spec.label}: choose one of the listed values.`;
  return `${spec.label}: ${issue.message}`;
}

/** Problems keyed by field ('wordVectorsId', 'layers' or a FieldKey), in plain words. */
export function validate(form: WizardForm, modelLayers: number): Record<string, string> {
  const errors: Record<string, string> = {};
  const parsed = TrainRequest.safeParse(toRequest(form, modelLayers));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? 'form');
      const spec = FIELDS[key as FieldKey];
      errors[key] = spec ? friendly(spec, issue) : issue.message;
    }
  }
  if (form.strategy === 'gated-fusion' && !form.wordVectorsId) {
    errors.wordVectorsId = 'Gated fusion needs a word-vectors model; import one on Models.';
  }
  if (form.strategy === 'feature-concat' && form.layers?.length === 0) {
    errors.layers = 'Pick at least one layer.';
  }
  if (form.strategy === 'layer-transfer' && form.studentLayers?.length === 0) {
    errors.studentLayers = 'Pick at least one teacher layer.';
  }
  const topK = Number(form.values.unfreezeTopK);
  const topKSet = form.values.unfreezeTopK.trim() !== '';
  if (form.strategy === 'fine-tune' && topKSet && topK > modelLayers) {
    errors.unfreezeTopK = `The model has ${modelLayers} layers.`;
  }
  return errors;
}

/** Options whose value differs from the strategy's defaults, for the review. */
export function changedFields(form: WizardForm): FieldKey[] {
  const defaults = defaultValues(form.strategy);
  const panel = PANELS[form.strategy];
  return [...panel.basic, ...panel.advanced].filter((k) => form.values[k].trim() !== defaults[k]);
}
