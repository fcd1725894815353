import { describe, expect, it } from 'vitest';
import { gradients } from './autodiff';
import type { GraphBuilder } from './graph';
import { createGraph } from './graph-impl';
import { GRADIENTS } from './gradients-table';
import { Rng } from './init';
import type { GradCase } from './testing';
import { gradCheck } from './testing';
import type { Dim, TensorRef } from './types';

/** n values uniform in [lo, hi), seeded so every run checks the same points. */
function vals(n: number, seed: number, lo = -1, hi = 1): number[] {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r.uniform());
}

function t(dims: number[], seed: number, lo = -1, hi = 1, shape?: Dim[]): GradCase['inputs'][0] {
  return {
    dims,
    shape,
    data: vals(
      dims.reduce((p, d) => p * d, 1),
      seed,
      lo,
      hi,
    ),
  };
}

type Build = (g: GraphBuilder, xs: TensorRef[]) => TensorRef;

// Each case exercises one table entry (the op named first); inputs sit away from kinks.
const CASES: [string, Build, GradCase['inputs'], ('float32' | 'float64')?][] = [
  ['Add (broadcast)', (g, [a, b]) => g.add(a, b), [t([2, 3], 1), t([3], 2)]],
  [
    'Add (symbolic batch)',
    (g, [a, b]) => g.add(a, b),
    [t([2, 3], 1, -1, 1, ['n', 3]), t([1, 3], 2)],
  ],
  ['Sub', (g, [a, b]) => g.sub(a, b), [t([2, 1], 3), t([2, 3], 4)]],
  ['Mul', (g, [a, b]) => g.mul(a, b), [t([2, 3], 5), t([2, 1], 6)]],
  ['Div', (g, [a, b]) => g.div(a, b), [t([2, 3], 7), t([3], 8, 0.5, 2)]],
  ['Pow', (g, [a, b]) => g.pow(a, b), [t([2, 3], 9, 0.5, 2), t([3], 10, 0.5, 2)]],
  ['Max', (g, [a, b]) => g.max(a, b), [t([2, 3], 11), t([3], 12)]],
  ['Min', (g, [a, b]) => g.min(a, b), [t([2, 3], 13), t([3], 14)]],
  ['Neg', (g, [x]) => g.neg(x), [t([4], 15)]],
  ['Abs', (g, [x]) => g.abs(x), [{ dims: [4], data: [-0.7, -0.2, 0.3, 0.9] }]],
  ['Exp', (g, [x]) => g.exp(x), [t([4], 16)]],
  ['Log', (g, [x]) => g.log(x), [t([4], 17, 0.5, 3)]],
  ['Sqrt', (g, [x]) => g.sqrt(x), [t([4], 18, 0.5, 3)]],
  ['Erf', (g, [x]) => g.erf(x), [t([6], 19)], 'float32'],
  ['Tanh', (g, [x]) => g.tanh(x), [t([4], 20)]],
  ['Sigmoid', (g, [x]) => g.sigmoid(x), [t([4], 21, -3, 3)]],
  ['Softplus', (g, [x]) => g.softplus(x), [t([4], 22, -3, 3)]],
  ['Relu', (g, [x]) => g.relu(x), [{ dims: [4], data: [-0.7, -0.2, 0.3, 0.9] }]],
  ['Identity', (g, [x]) => g.identity(x), [t([3], 23)]],
  [
    'Cast',
    (g, [x]) => g.cast(g.mul(g.cast(x, 'float64'), g.cast(x, 'float64')), 'float32'),
    [t([3], 24)],
    'float32',
  ],
  [
    'Where',
    (g, [a, b]) => g.where(g.greater(a, g.scalar(0, 'float64')), a, b),
    [t([2, 3], 25), t([3], 26)],
  ],
  ['MatMul 2-D', (g, [a, b]) => g.matMul(a, b), [t([2, 3], 27), t([3, 4], 28)]],
  [
    'MatMul batched · shared weight',
    (g, [a, b]) => g.matMul(a, b),
    [t([2, 2, 3], 29, -1, 1, ['n', 2, 3]), t([3, 2], 30)],
  ],
  ['MatMul batch broadcast', (g, [a, b]) => g.matMul(a, b), [t([2, 2, 3], 31), t([1, 3, 2], 32)]],
  [
    'Gemm',
    (g, [a, b, c]) => g.gemm(a, b, c, { alpha: 0.5, beta: 2 }),
    [t([2, 3], 33), t([3, 4], 34), t([4], 35)],
  ],
  [
    'Gemm transA',
    (g, [a, b]) => g.gemm(a, b, null, { transA: true }),
    [t([3, 2], 36), t([3, 4], 37)],
  ],
  [
    'Gemm transB',
    (g, [a, b, c]) => g.gemm(a, b, c, { transB: true }),
    [t([2, 3], 38), t([4, 3], 39), t([2, 1], 40)],
  ],
  [
    'Gemm transA transB',
    (g, [a, b]) => g.gemm(a, b, null, { transA: true, transB: true, alpha: 3 }),
    [t([3, 2], 41), t([4, 3], 42)],
  ],
  ['Softmax', (g, [x]) => g.softmax(x, 1), [t([2, 3, 2], 43, -2, 2)]],
  ['LogSoftmax', (g, [x]) => g.logSoftmax(x), [t([2, 4], 44, -2, 2)]],
  ['ReduceSum', (g, [x]) => g.reduceSum(x, [1]), [t([2, 3], 45)]],
  ['ReduceSum keepdims', (g, [x]) => g.reduceSum(x, [0, 2], true), [t([2, 2, 3], 46)]],
  ['ReduceMean', (g, [x]) => g.reduceMean(x, [-1]), [t([2, 3], 47)]],
  ['ReduceMean symbolic', (g, [x]) => g.reduceMean(x, [0]), [t([3, 2], 48, -1, 1, ['n', 2])]],
  ['ReduceMax', (g, [x]) => g.reduceMax(x, [1], true), [t([2, 4], 49)]],
  [
    'LayerNormalization',
    (g, [x, s, b]) => g.layerNorm(x, s, b),
    [t([2, 4], 50), t([4], 51), t([4], 52)],
  ],
  [
    'LayerNormalization 2 axes',
    (g, [x, s, b]) => g.layerNorm(x, s, b, { axis: 1, epsilon: 1e-3 }),
    [t([2, 2, 3], 53), t([2, 3], 54), t([3], 55)],
  ],
  [
    'Reshape',
    (g, [x]) => g.mul(g.reshape(x, [0, -1]), g.reshape(x, [0, -1])),
    [t([2, 2, 3], 56, -1, 1, ['n', 2, 3])],
  ],
  ['Expand', (g, [x]) => g.expand(x, [2, 3, 4]), [t([3, 1], 57)]],
  ['Squeeze', (g, [x]) => g.squeeze(x, [1]), [t([3, 1, 2], 58)]],
  ['Unsqueeze', (g, [x]) => g.unsqueeze(x, [0, 2]), [t([3, 2], 59)]],
  [
    'Transpose',
    (g, [x]) => g.mul(g.transpose(x, [2, 0, 1]), g.scalar(2, 'float64')),
    [t([2, 3, 2], 60)],
  ],
  ['Concat', (g, [a, b]) => g.concat([a, b, a], 1), [t([2, 1], 61), t([2, 3], 62)]],
  ['Split', (g, [x]) => g.split(x, [1, 3], 1)[1], [t([2, 4], 63)]],
  ['Slice', (g, [x]) => g.slice(x, [1, -3], [3, -1], [0, 1]), [t([3, 4], 64)]],
  [
    'Slice symbolic',
    (g, [x]) => g.slice(x, [0, 1], [1, 1e12], [1, 2]),
    [t([2, 3, 3], 65, -1, 1, ['b', 's', 3])],
  ],
  ['Gather', (g, [x]) => g.gather(x, g.constant([2, 0, 2], 'int64', [3])), [t([3, 2], 66)]],
];

describe('gradient table: finite differences', () => {
  it('has a case for every entry', () => {
    const covered = new Set(CASES.map(([name]) => name.split(' ')[0]));
    expect(Object.keys(GRADIENTS).filter((op) => !covered.has(op))).toEqual([]);
  });

  it.each(CASES)('%s', async (_name, build, inputs, dtype) => {
    const report = await gradCheck({ build, inputs, dtype });
    expect(report.worst, report.detail).toBeLessThanOrEqual(1);
  });

  it('training dropout differentiates through its fixed mask', async () => {
    const build: Build = (g, [x]) => g.dropout(x, 0.4, { training: true });
    const report = await gradCheck({ build, inputs: [t([4, 8], 68)] });
    expect(report.worst, report.detail).toBeLessThanOrEqual(1);
  });

  it('composite gelu (erf and tanh forms) differentiates through primitives', async () => {
    for (const approximate of ['erf', 'tanh'] as const) {
      const build: Build = (g, [x]) => g.gelu(x, { approximate });
      const report = await gradCheck({ build, inputs: [t([6], 67, -2, 2)], dtype: 'float32' });
      expect(report.worst, report.detail).toBeLessThanOrEqual(1);
    }
  });
});

describe('gradients()', () => {
  it('emits nothing for frozen parameters and constants', () => {
    const g = createGraph('frozen');
    const x = g.param('x', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], { trainable: false });
    const w = g.param('w', Float32Array.from([1, 2, 3]), [3, 1]);
    const loss = g.reduceSum(g.matMul(x, w));
    const before = g.nodes().length;
    gradients(g, loss, [w]);

    const appended = g.nodes().slice(before);
    // dW = xᵀ·dy needs x; dx = dy·wᵀ would need w: it must not be built.
    expect(appended.some((n) => n.inputs.some((i) => i?.name === 'w'))).toBe(false);
    // Unsqueeze + Expand (ReduceSum), Transpose + MatMul (dW).
    expect(appended.map((n) => n.op)).toEqual(['Unsqueeze', 'Expand', 'Transpose', 'MatMul']);
  });

  it('gives zeros for a parameter the loss does not use, and rejects non-scalar losses', () => {
    const g = createGraph('unused');
    const a = g.param('a', Float32Array.from([1, 2]), [2]);
    const b = g.param('b', Float32Array.from([3]), [1]);
    const [, db] = gradients(g, g.reduceSum(g.mul(a, a)), [a, b]);
    expect(db.shape).toEqual([1]);
    expect(() => gradients(g, a, [a])).toThrow('loss must be a float scalar');
  });
});
