/**
 * Each strategy's starting point, on top of the contract's own defaults: training only a head
 * wants many cheap epochs at a high rate, training encoder layers wants few epochs at a small
 * one. The wizard starts from these, and so does `graft train` for every flag not given.
 */
import type { StrategyName, TrainRequest } from './contract';

const HEAD_DEFAULTS: Partial<TrainRequest> = {
  head: 'logreg',
  pooling: 'mean',
  epochs: 20,
  batchSize: 32,
  learningRate: 0.001,
  weightDecay: 0.0001,
};

const ENCODER_DEFAULTS: Partial<TrainRequest> = {
  head: 'logreg',
  pooling: 'mean',
  epochs: 3,
  batchSize: 16,
  weightDecay: 0.01,
  warmupRatio: 0.1,
  schedule: 'linear',
  clipNorm: 1,
  dropout: 0.1,
  maxLength: 128,
};

/** Each strategy's starting point, on top of the contract's own defaults. */
export const STRATEGY_DEFAULTS: Record<StrategyName, Partial<TrainRequest>> = {
  'feature-extraction': { ...HEAD_DEFAULTS, layer: -1 },
  'scalar-mix': { ...HEAD_DEFAULTS, learningRate: 0.005 },
  'feature-concat': { ...HEAD_DEFAULTS, tfidf: false, tfidfFeatures: 5000 },
  'gated-fusion': { ...HEAD_DEFAULTS, epochs: 10 },
  'layer-transfer': {
    ...ENCODER_DEFAULTS,
    epochs: 4,
    learningRate: 0.0001,
    distillTemperature: 0,
    distillAlpha: 0.5,
  },
  'fine-tune': { ...ENCODER_DEFAULTS, learningRate: 0.00003, unfreezeTopK: 2, layerwiseLrDecay: 1 },
};
