import { describe, expect, it } from 'vitest';
import type { GraphBuilder as G } from './graph';
import { createGraph } from './graph-impl';
import { initTensor, Rng } from './init';
import {
  binaryCrossEntropyWithLogits,
  distillationKL,
  meanSquaredError,
  sigmoidDistillationKL,
  softmaxCrossEntropy,
} from './losses';
import { f64 } from './session';
import { gradCheck, runGraph } from './testing';
import type { TensorRef as T } from './types';

const Z = [
  [2, 0, -1],
  [0.5, 0.5, 1],
];
const LABELS = [0, 2];

const logSoftmax = (row: number[]): number[] => {
  const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
  return row.map((v) => v - lse);
};

async function lossValue(
  build: Parameters<typeof gradCheck>[0]['build'],
  extra: Record<string, ReturnType<typeof f64>> = {},
): Promise<number> {
  const g = createGraph('loss');
  const z = g.input('z', 'float64', ['n', 3]);
  g.output(build(g, [z]), 'loss');
  const out = await runGraph(g, { z: f64(Z.flat(), [2, 3]), ...extra });
  return out.loss[0];
}

describe('losses', () => {
  it('softmax cross-entropy: plain, class-weighted and label-smoothed', async () => {
    const labels = (g: G): T => g.constant(LABELS, 'int64', [2]);
    const lp = Z.map(logSoftmax);

    const plain = await lossValue((g, [z]) => softmaxCrossEntropy(g, z, labels(g)));
    expect(plain).toBeCloseTo(-(lp[0][0] + lp[1][2]) / 2, 12);

    // weights w = (2, 1, 0.5): (2·l₀ + 0.5·l₁) / (2 + 0.5)
    const classWeights = [2, 1, 0.5];
    const weighted = await lossValue((g, [z]) =>
      softmaxCrossEntropy(g, z, labels(g), { classWeights }),
    );
    expect(weighted).toBeCloseTo((2 * -lp[0][0] + 0.5 * -lp[1][2]) / 2.5, 12);

    // ε = 0.3 over C = 3: target 0.7·onehot + 0.1
    const smooth = await lossValue((g, [z]) =>
      softmaxCrossEntropy(g, z, labels(g), { labelSmoothing: 0.3 }),
    );
    const smoothRef = LABELS.map(
      (y, i) => -lp[i].reduce((s, v, c) => s + (0.7 * (c === y ? 1 : 0) + 0.1) * v, 0),
    );
    expect(smooth).toBeCloseTo((smoothRef[0] + smoothRef[1]) / 2, 12);
  });

  it('binary cross-entropy with logits, MSE and distillation KL', async () => {
    const targets = [1, 0, 1, 0, 0.5, 1];
    const bce = await lossValue((g, [z]) =>
      binaryCrossEntropyWithLogits(g, z, g.constant(targets, 'float64', [2, 3])),
    );
    const bceRef = Z.flat().map((z, i) => {
      const p = 1 / (1 + Math.exp(-z));
      return -(targets[i] * Math.log(p) + (1 - targets[i]) * Math.log(1 - p));
    });
    expect(bce).toBeCloseTo(bceRef.reduce((s, v) => s + v) / 6, 12);

    const mse = await lossValue((g, [z]) =>
      meanSquaredError(g, z, g.constant(targets, 'float64', [2, 3])),
    );
    expect(mse).toBeCloseTo(Z.flat().reduce((s, z, i) => s + (z - targets[i]) ** 2, 0) / 6, 12);

    // Teacher logits t; T = 2: T² · mean_i ∑ p_t (log p_t − log p_s), p = softmax(·/T)
    const teacher = [1, 1, 0, -1, 2, 0];
    const kl = await lossValue((g, [z]) =>
      distillationKL(g, z, g.constant(teacher, 'float64', [2, 3]), { temperature: 2 }),
    );
    const klRef = [0, 1].map((i) => {
      const ls = logSoftmax(Z[i].map((v) => v / 2));
      const lt = logSoftmax(teacher.slice(3 * i, 3 * i + 3).map((v) => v / 2));
      return lt.reduce((s, v, c) => s + Math.exp(v) * (v - ls[c]), 0);
    });
    expect(kl).toBeCloseTo((4 * (klRef[0] + klRef[1])) / 2, 12);
  });

  it('binary cross-entropy with per-label positive weights', async () => {
    const targets = [1, 0, 1, 0, 0.5, 1];
    const posWeight = [3, 1, 0.5];
    const weighted = await lossValue((g, [z]) =>
      binaryCrossEntropyWithLogits(g, z, g.constant(targets, 'float64', [2, 3]), { posWeight }),
    );
    // −(w_c·y·log p + (1 − y)·log(1 − p)), w_c by column
    const ref = Z.flat().map((z, i) => {
      const p = 1 / (1 + Math.exp(-z));
      const y = targets[i];
      return -(posWeight[i % 3] * y * Math.log(p) + (1 - y) * Math.log(1 - p));
    });
    expect(weighted).toBeCloseTo(ref.reduce((s, v) => s + v) / 6, 12);

    const g = createGraph('bad-weights');
    const z = g.input('z', 'float32', ['n', 3]);
    const y = g.input('y', 'float32', ['n', 3]);
    expect(() => binaryCrossEntropyWithLogits(g, z, y, { posWeight: [1, 2] })).toThrow(
      'posWeight has 2 entries for 3 labels',
    );
    expect(() => binaryCrossEntropyWithLogits(g, z, y, { posWeight: [1, 0, 2] })).toThrow(
      'posWeight entries must be finite and > 0',
    );
  });

  it('sigmoid distillation: T² times the Bernoulli KL of σ(t/T) from σ(z/T)', async () => {
    const teacher = [1, 1, 0, -1, 2, 0];
    const kl = await lossValue((g, [z]) =>
      sigmoidDistillationKL(g, z, g.constant(teacher, 'float64', [2, 3]), { temperature: 2 }),
    );
    const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
    const ref = Z.flat().map((z, i) => {
      const p = sigmoid(z / 2);
      const q = sigmoid(teacher[i] / 2);
      return q * Math.log(q / p) + (1 - q) * Math.log((1 - q) / (1 - p));
    });
    expect(kl).toBeCloseTo((4 * ref.reduce((s, v) => s + v)) / 6, 12);

    // The student that equals its teacher has nothing left to learn.
    const same = await lossValue((g, [z]) =>
      sigmoidDistillationKL(g, z, g.constant(Z.flat(), 'float64', [2, 3]), { temperature: 3 }),
    );
    expect(same).toBeCloseTo(0, 12);
  });

  it('differentiate correctly with respect to the logits', async () => {
    const z = { dims: [2, 3], data: Z.flat() };
    const cases = [
      (g: G, [x]: T[]): T =>
        softmaxCrossEntropy(g, x, g.constant(LABELS, 'int64', [2]), {
          classWeights: [2, 1, 0.5],
          labelSmoothing: 0.1,
        }),
      (g: G, [x]: T[]): T =>
        binaryCrossEntropyWithLogits(g, x, g.constant([1, 0, 1, 0, 0.5, 1], 'float64', [2, 3])),
      (g: G, [x]: T[]): T => {
        const teacher = g.constant([1, 1, 0, -1, 2, 0], 'float64', [2, 3]);
        return distillationKL(g, x, teacher, { temperature: 3 });
      },
      (g: G, [x]: T[]): T =>
        binaryCrossEntropyWithLogits(g, x, g.constant([1, 0, 1, 0, 0.5, 1], 'float64', [2, 3]), {
          posWeight: [3, 1, 0.5],
        }),
      (g: G, [x]: T[]): T => {
        const teacher = g.constant([1, 1, 0, -1, 2, 0], 'float64', [2, 3]);
        return sigmoidDistillationKL(g, x, teacher, { temperature: 3 });
      },
    ];
    for (const build of cases) {
      const report = await gradCheck({ build, inputs: [z] });
      expect(report.worst, report.detail).toBeLessThanOrEqual(1);
    }
  });

  it('name the argument when shapes are wrong', () => {
    const g = createGraph('bad');
    const z = g.input('z', 'float32', ['n', 3]);
    expect(() => softmaxCrossEntropy(g, z, g.input('y', 'float32', ['n']))).toThrow(
      'labels must be int64 [N]',
    );
    expect(() =>
      softmaxCrossEntropy(g, z, g.input('y2', 'int64', ['n']), { classWeights: [1, 2] }),
    ).toThrow('classWeights has 2 entries for 3 classes');
  });
});

describe('initialisers and PRNG', () => {
  it('repeat exactly from a seed or a saved state', () => {
    const a = new Rng(123);
    a.uniform();
    const saved = a.state();
    const rest = [a.nextU32(), a.nextU32()];
    const b = Rng.fromState(saved);
    expect([b.nextU32(), b.nextU32()]).toEqual(rest);

    const w1 = initTensor(new Rng(5), [64, 32], { kind: 'xavier' });
    const w2 = initTensor(new Rng(5), [64, 32], { kind: 'xavier' });
    expect(Array.from(w1)).toEqual(Array.from(w2));
    const other = initTensor(new Rng(6), [64, 32], { kind: 'xavier' });
    expect(Array.from(other)).not.toEqual(Array.from(w1));
  });

  it('have the variances they promise', () => {
    const variance = (data: Float32Array | Float64Array): number => {
      const xs = Array.from(data);
      const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
      return xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length;
    };
    const r = new Rng(1);
    // Xavier: 2/(in + out) = 2/(200 + 100); Kaiming: 2/in = 2/200; normal: 0.02².
    const xavier = initTensor(r, [200, 100], { kind: 'xavier' }, 'float64');
    const kaiming = initTensor(r, [200, 100], { kind: 'kaiming', normal: true }, 'float64');
    const normal = initTensor(r, [200, 100], { kind: 'normal' }, 'float64');
    expect(variance(xavier) / (2 / 300)).toBeCloseTo(1, 1);
    expect(variance(kaiming) / (2 / 200)).toBeCloseTo(1, 1);
    expect(variance(normal) / 0.02 ** 2).toBeCloseTo(1, 1);
    expect(Math.max(...xavier)).toBeLessThanOrEqual(Math.sqrt(3 * (2 / 300)));
  });
});
