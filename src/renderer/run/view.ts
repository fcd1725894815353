/**
 * How a run reads on its page: the configuration rows that matter for its strategy, and what
 * the strategy learned (from `run.details`, which each strategy fills in transfer/), parsed
 * defensively because details are free-form JSON kept with old runs too.
 */
import type { Run, SplitMetrics, TrainConfig } from '../../shared/contract';

export type Row = [key: string, value: string];

const headText = (c: TrainConfig): string =>
  c.head === 'mlp' ? `MLP (${c.hiddenUnits} hidden units)` : 'logistic regression';

const layerText = (layer: number): string => (layer === -1 ? 'last' : String(layer));

/** The options each strategy reads, beyond those every run has. */
function strategyRows(c: TrainConfig): Row[] {
  switch (c.strategy) {
    case 'feature-extraction':
      return [
        ['Layer', layerText(c.layer)],
        ['Pooling', c.pooling],
        ['Head', headText(c)],
      ];
    case 'scalar-mix':
      return [
        ['Layers', 'all, softmax-weighted'],
        ['Pooling', c.pooling],
        ['Head', headText(c)],
      ];
    case 'feature-concat':
      return [
        ['Layers', c.layers ? c.layers.join(', ') : 'last four'],
        ['Pooling', c.pooling],
        ['Word vectors', c.wordVectorsId ? 'averaged' : 'none'],
        ['TF-IDF', c.tfidf ? `${c.tfidfFeatures} features` : 'off'],
        ['Head', headText(c)],
      ];
    case 'gated-fusion':
      return [
        ['Pooling', c.pooling],
        ['Head', headText(c)],
      ];
    case 'layer-transfer':
      return [
        ['Student layers', c.studentLayers ? c.studentLayers.join(', ') : 'every other'],
        [
          'Distillation',
          c.distillTemperature > 0
            ? `temperature ${c.distillTemperature}, weight ${c.distillAlpha}`
            : 'off',
        ],
        ['Schedule', `${c.schedule}, warmup ${c.warmupRatio}`],
        ['Dropout', String(c.dropout)],
      ];
    case 'fine-tune':
      return [
        [
          'Unfrozen',
          c.unfreezeTopK === undefined ? 'whole encoder' : `top ${c.unfreezeTopK} layers`,
        ],
        ['Layer-wise lr decay', String(c.layerwiseLrDecay)],
        ['Schedule', `${c.schedule}, warmup ${c.warmupRatio}`],
        ['Gradient clipping', c.clipNorm === undefined ? 'off' : `norm ${c.clipNorm}`],
        ['Dropout', String(c.dropout)],
        ['Class weights', c.classWeights],
        [
          'Early stopping',
          c.earlyStoppingPatience === undefined ? 'off' : `${c.earlyStoppingPatience} epochs`,
        ],
      ];
  }
}

export function configRows(run: Run, names: { dataset: string; model: string }): Row[] {
  const c = run.config as TrainConfig;
  return [
    ['Dataset', names.dataset],
    ['Model', names.model],
    ['Strategy', c.strategy],
    ...strategyRows(c),
    ['Epochs', String(c.epochs)],
    ['Learning rate', String(c.learningRate)],
    ['Weight decay', String(c.weightDecay)],
    ['Batch size', String(c.batchSize)],
    ['Max length', `${c.maxLength} tokens`],
    ['Seed', String(c.seed)],
  ];
}

export interface Learned {
  /** Scalar mix: softmax weights, [0] the embeddings output, [k] layer k. */
  layerWeights?: number[];
  gamma?: number;
  /** Gated fusion: mean gate over real tokens; 1 = contextual only. */
  gateOpening?: number;
  /** Feature concat: the hidden states concatenated. */
  layers?: number[];
  tfidfFeatures?: number;
  wordVectors?: { model: string; coverage: number };
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numbers = (v: unknown): number[] | undefined =>
  Array.isArray(v) && v.length > 0 && v.every(isNumber) ? v : undefined;

export function learnedOf(details: Record<string, unknown> | undefined): Learned {
  const d = details ?? {};
  const learned: Learned = {};
  const weights = numbers(d.layerWeights);
  if (weights) learned.layerWeights = weights;
  if (isNumber(d.gamma)) learned.gamma = d.gamma;
  if (isNumber(d.gateOpening)) learned.gateOpening = d.gateOpening;
  const layers = numbers(d.layers);
  if (layers) learned.layers = layers;
  if (isNumber(d.tfidfFeatures)) learned.tfidfFeatures = d.tfidfFeatures;

  const vectors = d.wordVectors as { model?: unknown; tokenCoverage?: unknown } | undefined;
  if (vectors && typeof vectors.model === 'string' && isNumber(vectors.tokenCoverage)) {
    learned.wordVectors = { model: vectors.model, coverage: vectors.tokenCoverage };
  }
  return learned;
}

export const hasLearned = (l: Learned): boolean => Object.keys(l).length > 0;

/** Bar labels for the mix: "emb" for the embeddings output, then layer numbers. */
export const mixLabels = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => (i === 0 ? 'emb' : String(i)));

/**
 * The decision threshold each class's row shows: multi-label runs only, the label's own tuned
 * threshold where one was recorded, else the global one. Keyed by label, since `perClass` and
 * `labels` are not promised to share an order.
 */
export function classThresholds(metrics: SplitMetrics): Map<string, number> | null {
  if (!metrics.multiLabel) return null;
  const global = metrics.threshold ?? 0.5;
  const own = metrics.thresholds;
  const perLabel = own && own.length === metrics.labels.length ? own : null;
  return new Map(metrics.labels.map((label, i) => [label, perLabel ? perLabel[i] : global]));
}
