/**
 * Classifier heads on pooled features. The same function builds the head into a training
 * graph (trainable parameters as inputs) and into an export graph (trained values frozen as
 * initializers), so training and export cannot drift apart.
 *
 * Features are standardised with the training split's mean and spread first: frozen sentence
 * features have very uneven scales per dimension, and standardising makes one learning rate
 * fit every model. The statistics are constants of the head, exported with it.
 */
import type { GraphBuilder } from '../engine/graph';
import type { TensorRef } from '../engine/types';
import { mulberry32 } from '../datasets/split';
import type { FeatureMatrix } from './features';

export type HeadKind = 'logreg' | 'mlp';

export interface HeadShape {
  kind: HeadKind;
  inputs: number;
  classes: number;
  hiddenUnits: number;
}

export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

/** Trained (or initial) parameter values by name, plus the standardisation constants. */
export interface HeadState {
  shape: HeadShape;
  mean: Float32Array;
  invStd: Float32Array;
  params: Record<string, NamedArray>;
}

export function featureStatistics(x: FeatureMatrix): { mean: Float32Array; invStd: Float32Array } {
  const mean = new Float32Array(x.cols);
  const sq = new Float64Array(x.cols);
  const sum = new Float64Array(x.cols);
  for (let r = 0; r < x.rows; r++) {
    const row = x.row(r);
    for (let c = 0; c < x.cols; c++) {
      sum[c] += row[c];
      sq[c] += row[c] * row[c];
    }
  }

  const invStd = new Float32Array(x.cols);
  for (let c = 0; c < x.cols; c++) {
    const m = sum[c] / Math.max(1, x.rows);
    const variance = Math.max(0, sq[c] / Math.max(1, x.rows) - m * m);
    mean[c] = m;
    invStd[c] = 1 / Math.sqrt(variance + 1e-6); // a constant dimension must not divide by zero
  }
  return { mean, invStd };
}

/** Glorot-uniform weights and zero biases, from a seeded generator. */
export function initialHead(
  shape: HeadShape,
  stats: { mean: Float32Array; invStd: Float32Array },
  seed: number,
): HeadState {
  const random = mulberry32(seed);
  const glorot = (rows: number, cols: number): NamedArray => {
    const limit = Math.sqrt(6 / (rows + cols));
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * limit;
    return { shape: [rows, cols], data };
  };
  const zeros = (n: number): NamedArray => ({ shape: [n], data: new Float32Array(n) });

  const params: Record<string, NamedArray> =
    shape.kind === 'logreg'
      ? { 'head.w': glorot(shape.inputs, shape.classes), 'head.b': zeros(shape.classes) }
      : {
          'head.w1': glorot(shape.inputs, shape.hiddenUnits),
          'head.b1': zeros(shape.hiddenUnits),
          'head.w2': glorot(shape.hiddenUnits, shape.classes),
          'head.b2': zeros(shape.classes),
        };
  return { shape, mean: stats.mean, invStd: stats.invStd, params };
}

export interface BuildHeadOptions {
  trainable: boolean;
  /** Dropout on the MLP's hidden layer while training; 0 turns it off. */
  dropout?: number;
}

/** x: [batch, inputs] float32 -> logits [batch, classes]. */
export function buildHeadLogits(
  g: GraphBuilder,
  x: TensorRef,
  state: HeadState,
  opts: BuildHeadOptions,
): TensorRef {
  const p = (name: string): TensorRef => {
    const value = state.params[name];
    return g.param(name, value.data, value.shape, { trainable: opts.trainable });
  };

  const mean = g.constant(state.mean, 'float32', [state.shape.inputs]);
  const invStd = g.constant(state.invStd, 'float32', [state.shape.inputs]);
  const standard = g.mul(g.sub(x, mean), invStd);

  if (state.shape.kind === 'logreg') return g.add(g.matMul(standard, p('head.w')), p('head.b'));

  let hidden = g.relu(g.add(g.matMul(standard, p('head.w1')), p('head.b1')));
  if (opts.trainable && opts.dropout && opts.dropout > 0) {
    hidden = g.dropout(hidden, opts.dropout, { training: true });
  }
  return g.add(g.matMul(hidden, p('head.w2')), p('head.b2'));
}
