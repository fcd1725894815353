/**
 * What the wizard says about each strategy: a title, a plain explanation, what trains, and the
 * defaults it starts from. The defaults differ per strategy because a frozen encoder with a small
 * head wants many cheap epochs at a high rate, while training encoder layers wants few epochs at
 * a rate a hundred times lower.
 */
import type { StrategyName } from '../../shared/contract';

export interface StrategyInfo {
  title: string;
  /** One or two sentences a newcomer can follow. */
  explanation: string;
  /** What the optimiser changes, in a few words. */
  trains: string;
  /** What the pre-trained model gives, in a few words. */
  keeps: string;
  /** Cost in a word, for the card. */
  cost: 'cheap' | 'moderate' | 'expensive';
  /** Needs a word-vectors model in the library. */
  needsWordVectors?: boolean;
}

export const STRATEGY_ORDER: StrategyName[] = [
  'feature-extraction',
  'scalar-mix',
  'feature-concat',
  'gated-fusion',
  'layer-transfer',
  'fine-tune',
];

export const STRATEGIES: Record<StrategyName, StrategyInfo> = {
  'feature-extraction': {
    title: 'Feature extraction',
    explanation:
      'The model stays frozen: each text is encoded once, one layer is pooled into a single ' +
      'vector, and only a small classifier head learns from those vectors.',
    trains: 'the head',
    keeps: 'the whole encoder, frozen',
    cost: 'cheap',
  },
  'scalar-mix': {
    title: 'Scalar mix (ELMo style)',
    explanation:
      'Instead of picking one layer, learn how much of every layer to use: a softmax weight per ' +
      'layer and a scale, trained together with the head. The weights are shown after the run.',
    trains: 'layer weights, a scale and the head',
    keeps: 'every layer, frozen',
    cost: 'cheap',
  },
  'feature-concat': {
    title: 'Feature concatenation',
    explanation:
      'Several layers are pooled and placed side by side, optionally with averaged static word ' +
      'vectors and TF-IDF counts, and the head learns from the long combined vector.',
    trains: 'the head',
    keeps: 'several layers (and word vectors), frozen',
    cost: 'cheap',
  },
  'gated-fusion': {
    title: 'Gated fusion',
    explanation:
      'For every token a learned gate decides how much to take from the contextual state and how ' +
      'much from a static word vector; the blend is pooled into the head.',
    trains: 'the gate and the head',
    keeps: 'contextual states and word vectors, frozen',
    cost: 'moderate',
    needsWordVectors: true,
  },
  'layer-transfer': {
    title: 'Layer transfer',
    explanation:
      'Build a smaller student from the embeddings and a few chosen layers of the model (every ' +
      'other by default) and train it end to end, optionally copying the teacher\u2019s answers.',
    trains: 'the whole student network',
    keeps: 'copied weights as the starting point',
    cost: 'moderate',
  },
  'fine-tune': {
    title: 'Fine-tuning',
    explanation:
      'Unfreeze the top layers (or the whole encoder) and train them with the head at a small ' +
      'learning rate. Usually the most accurate, and the slowest.',
    trains: 'the top layers and the head',
    keeps: 'the lower layers, frozen (unless all are unfrozen)',
    cost: 'expensive',
  },
};

/** Every other teacher layer ending at the top (0-based): 6 layers -> [1, 3, 5]. */
export function defaultStudentLayers(layers: number): number[] {
  const out: number[] = [];
  for (let l = layers - 1; l >= 0; l -= 2) out.unshift(l);
  return out;
}

/** The last four hidden states (0 = embeddings output): 6 layers -> [3, 4, 5, 6]. */
export function defaultConcatLayers(layers: number): number[] {
  const out: number[] = [];
  for (let l = Math.max(0, layers - 3); l <= layers; l++) out.push(l);
  return out;
}
