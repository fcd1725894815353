import { describe, expect, it } from 'vitest';
import { Rng } from './init';
import { binaryCrossEntropyWithLogits } from './losses';
import { createSession, f32 } from './session';
import { mlpOptions, moonBatch, twoMoons } from './testing-problems';
import type { Batch } from './trainer';
import { createTrainer } from './trainer';

// ---- logistic regression against Newton's method -------------------------------------------

const N = 200;

/** Fixed, non-separable data: x ~ N(0, I₂), y ~ Bernoulli(σ(1.5·x₀ − 2·x₁ + 0.3)). */
function logisticData(): { x: Float32Array; y: Float32Array } {
  const r = new Rng(42);
  const x = new Float32Array(N * 2);
  const y = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    x[2 * i] = r.normal();
    x[2 * i + 1] = r.normal();
    const z = 1.5 * x[2 * i] - 2 * x[2 * i + 1] + 0.3;
    y[i] = r.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { x, y };
}

/** Mean BCE of θ = (w₀, w₁, b) in float64. */
function bce(x: Float32Array, y: Float32Array, t: number[]): number {
  let s = 0;
  for (let i = 0; i < N; i++) {
    const z = t[0] * x[2 * i] + t[1] * x[2 * i + 1] + t[2];
    s += Math.max(z, 0) - z * y[i] + Math.log1p(Math.exp(-Math.abs(z)));
  }
  return s / N;
}

/** Newton: θ ← θ − H⁻¹∇, with ∇ = Xᵀ(p − y)/N and H = Xᵀ diag(p(1−p)) X / N (X has a 1s column). */
function newtonOptimum(x: Float32Array, y: Float32Array): number[] {
  let t = [0, 0, 0];
  for (let it = 0; it < 50; it++) {
    const grad = [0, 0, 0];
    const h = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < N; i++) {
      const f = [x[2 * i], x[2 * i + 1], 1];
      const p = 1 / (1 + Math.exp(-(t[0] * f[0] + t[1] * f[1] + t[2])));
      for (let a = 0; a < 3; a++) {
        grad[a] += ((p - y[i]) * f[a]) / N;
        for (let b = 0; b < 3; b++) h[3 * a + b] += (p * (1 - p) * f[a] * f[b]) / N;
      }
    }
    t = t.map((v, a) => v - solve3(h, grad)[a]);
  }
  return t;
}

/** Solve a 3×3 system by Cramer's rule. */
function solve3(m: number[], v: number[]): number[] {
  const det = (a: number[]): number =>
    a[0] * (a[4] * a[8] - a[5] * a[7]) -
    a[1] * (a[3] * a[8] - a[5] * a[6]) +
    a[2] * (a[3] * a[7] - a[4] * a[6]);
  const d = det(m);
  return [0, 1, 2].map((c) => det(m.map((e, k) => (k % 3 === c ? v[Math.floor(k / 3)] : e))) / d);
}

describe('trainer', () => {
  it('trains logistic regression to the Newton optimum loss within 1e-4', async () => {
    const { x, y } = logisticData();
    const optimum = bce(x, y, newtonOptimum(x, y));

    const t = await createTrainer({
      batch: { x: { dtype: 'float32', shape: ['n', 2] }, y: { dtype: 'float32', shape: ['n', 1] } },
      build(g, b) {
        const w = g.param('w', new Float32Array(2), [2, 1]);
        const bias = g.param('b', new Float32Array(1), [1]);
        const logits = g.add(g.matMul(b.x, w), bias);
        return { loss: binaryCrossEntropyWithLogits(g, logits, b.y), outputs: { logits } };
      },
      optimizer: { kind: 'sgd', lr: 1, momentum: 0.5 },
      stepsPerRun: 100,
    });
    const batch: Batch = { x: { data: x, dims: [N, 2] }, y: { data: y, dims: [N, 1] } };
    await t.steps(new Array(300).fill(batch));

    const p = t.parameters();
    const trained = bce(x, y, [p.get('w')![0], p.get('w')![1], p.get('b')![0]]);
    expect(t.stepCount).toBe(300);
    expect(Math.abs(trained - optimum)).toBeLessThan(1e-4);
    await t.release();
  });

  it('learns two moons to > 99% with an MLP (AdamW, Loop of 100 steps)', async () => {
    const { x, labels } = twoMoons(256, 0.08, 3);
    const t = await createTrainer(mlpOptions(100));
    const batch: Batch = { x: { data: x, dims: [256, 2] }, y: { data: labels, dims: [256] } };
    await t.steps(new Array(600).fill(batch));

    const session = await createSession(t.inferenceModel());
    expect(session.inputNames).toEqual(['x']); // the labels were pruned
    const logits = (await session.run({ x: f32(x, [256, 2]) })).logits.data as Float32Array;
    let right = 0;
    for (let i = 0; i < 256; i++) {
      const guess = logits[2 * i + 1] > logits[2 * i] ? 1n : 0n;
      if (guess === labels[i]) right++;
    }
    expect(right / 256).toBeGreaterThan(0.99);
    await t.release();
  });

  it('gives identical results through a Loop and through one run per step', async () => {
    const { x, labels } = twoMoons(64, 0.1, 5);
    const batches = [0, 1, 2, 3, 4, 5, 6].map((k) => moonBatch(x, labels, k));
    const loop = await createTrainer(mlpOptions(3, 0.2));
    const single = await createTrainer(mlpOptions(1, 0.2));
    const a = await loop.steps(batches);
    const b = await single.steps(batches);

    expect(a.map((r) => r.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Same kernels, same order of operations: on CPU the results agree bit for bit.
    expect(a.map((r) => r.loss)).toEqual(b.map((r) => r.loss));
    for (const [name, v] of loop.parameters()) {
      expect(Array.from(v), name).toEqual(Array.from(single.parameters().get(name)!));
    }
    await loop.release();
    await single.release();
  });

  it('is bit-identical for the same seed, dropout included, and differs for another', async () => {
    const { x, labels } = twoMoons(64, 0.1, 5);
    const batches = [0, 1, 2, 3].map((k) => moonBatch(x, labels, k));
    const run = async (seed: number): Promise<Float32Array> => {
      const t = await createTrainer({ ...mlpOptions(2, 0.3), seed });
      await t.steps(batches);
      await t.release();
      return t.parameters().get('w1') as Float32Array;
    };
    const [a, b, c] = [await run(1), await run(1), await run(2)];
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});
