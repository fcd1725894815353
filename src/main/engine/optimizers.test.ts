import { describe, expect, it } from 'vitest';
import type { OptimizerSpec, Schedule } from './optimizers';
import { scheduleFactor } from './optimizers';
import type { Batch, StepResult } from './trainer';
import { createTrainer } from './trainer';

const P0 = [0.5, -1, 2];

/**
 * Train p (init P0) and q (init [1]) on loss = ∑ p·c + q·∑c, so ∂loss/∂p = c and ∂loss/∂q = ∑c:
 * the batch chooses the gradient of every step.
 */
async function run(
  optimizer: OptimizerSpec,
  grads: number[][],
  stepsPerRun = 1,
): Promise<{ p: number[]; q: number; results: StepResult[] }> {
  const t = await createTrainer({
    batch: { c: { dtype: 'float32', shape: [3] } },
    build(g, b) {
      const p = g.param('p', Float32Array.from(P0), [3]);
      const q = g.param('q', Float32Array.from([1]), [1]);
      const loss = g.add(g.reduceSum(g.mul(p, b.c)), g.reduceSum(g.mul(q, g.reduceSum(b.c))));
      return { loss };
    },
    optimizer,
    stepsPerRun,
  });
  const batches: Batch[] = grads.map((c) => ({ c: { data: Float32Array.from(c), dims: [3] } }));
  const results = await t.steps(batches);
  const params = t.parameters();
  await t.release();
  return { p: Array.from(params.get('p')!), q: params.get('q')![0], results };
}

const GRADS = [
  [1, -2, 0.5],
  [0.3, 0.1, -1],
  [2, 2, 2],
  [-1, 0, 1],
];

function expectClose(actual: number[], expected: number[], tol = 1e-6): void {
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]), `element ${i}`).toBeLessThan(tol));
}

describe('optimizers', () => {
  it('AdamW matches the reference update, with decoupled decay and a warmup schedule', async () => {
    const schedule: Schedule = { kind: 'linear', warmupSteps: 2, totalSteps: 6 };
    const spec: OptimizerSpec = { kind: 'adamw', lr: 0.1, weightDecay: 0.1, schedule };
    const { p, results } = await run(spec, GRADS, 3);

    // m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr_t·(m̂/(√v̂ + ε) + wd·p)
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    const ref = [...P0];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    GRADS.forEach((g, t) => {
      const lr = 0.1 * scheduleFactor(schedule, t);
      for (let i = 0; i < 3; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        const mHat = m[i] / (1 - b1 ** (t + 1));
        const vHat = v[i] / (1 - b2 ** (t + 1));
        ref[i] -= lr * (mHat / (Math.sqrt(vHat) + eps) + 0.1 * ref[i]);
      }
    });
    expectClose(p, ref, 1e-5);
    // Warmup: t/W for t < W, then (T − t)/(T − W): 0, 0.5, then 1, 0.75.
    expectClose(
      results.map((r) => r.lr),
      [0, 0.05, 0.1, 0.075],
    );
  });

  it('SGD with momentum and Nesterov matches the reference, with L2 decay', async () => {
    const spec: OptimizerSpec = {
      kind: 'sgd',
      lr: 0.1,
      momentum: 0.9,
      nesterov: true,
      weightDecay: 0.01,
    };
    const { p } = await run(spec, GRADS);

    // g ← g + wd·p; b ← μ·b + g; p ← p − lr·(g + μ·b)
    const ref = [...P0];
    const buf = [0, 0, 0];
    for (const g of GRADS) {
      for (let i = 0; i < 3; i++) {
        const gd = g[i] + 0.01 * ref[i];
        buf[i] = 0.9 * buf[i] + gd;
        ref[i] -= 0.1 * (gd + 0.9 * buf[i]);
      }
    }
    expectClose(p, ref);
  });

  it('clips the global gradient norm and reports it unclipped', async () => {
    // One step with ∂p = (3, 0, 4) and ∂q = 7: ‖g‖ = √(9 + 16 + 49) = √74.
    const { p, q, results } = await run({ kind: 'sgd', lr: 1, clipNorm: 1 }, [[3, 0, 4]]);
    const norm = Math.sqrt(74);
    expect(results[0].gradNorm).toBeCloseTo(norm, 5);
    const scale = 1 / (norm + 1e-6);
    expectClose(p, [0.5 - 3 * scale, -1, 2 - 4 * scale]);
    expect(q).toBeCloseTo(1 - 7 * scale, 6);
  });

  it('gives parameter groups their own learning rate and weight decay', async () => {
    const spec: OptimizerSpec = {
      kind: 'sgd',
      lr: 0.1,
      weightDecay: 0.5,
      groups: [{ match: ['q'], lr: 0.01, weightDecay: 0 }],
    };
    const { p, q } = await run(spec, [[1, 1, 1]]);
    // p: p − 0.1·(1 + 0.5·p); q: 1 − 0.01·3
    expectClose(
      p,
      P0.map((v) => v - 0.1 * (1 + 0.5 * v)),
    );
    expect(q).toBeCloseTo(1 - 0.01 * 3, 6);
  });

  it('computes the cosine schedule in the graph as in JS', async () => {
    const schedule: Schedule = { kind: 'cosine', warmupSteps: 1, totalSteps: 5, minRatio: 0.1 };
    const grads = Array.from({ length: 7 }, () => [0, 0, 0]);
    const { results } = await run({ kind: 'sgd', lr: 2, schedule }, grads, 4);
    const expected = grads.map((_, t) => 2 * scheduleFactor(schedule, t));
    expectClose(
      results.map((r) => r.lr),
      expected,
    );
    // t = 3: p = (3 − 1)/4 = 0.5, factor 0.1 + 0.9·½(1 + cos(π/2)) = 0.55; t ≥ 5 stays at 0.1.
    expect(expected[3]).toBeCloseTo(2 * 0.55, 12);
    expect(expected[6]).toBeCloseTo(2 * 0.1, 12);
  });

  it('rejects bad settings by name', async () => {
    await expect(run({ kind: 'sgd', lr: 0 }, [])).rejects.toThrow('lr must be > 0');
    const schedule: Schedule = { kind: 'linear', warmupSteps: 5, totalSteps: 5 };
    await expect(run({ kind: 'adamw', lr: 1, schedule }, [])).rejects.toThrow('warmupSteps');
  });
});
