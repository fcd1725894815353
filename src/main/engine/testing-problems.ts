/**
 * Toy problems shared by the engine's tests and benchmark: two moons and a small MLP trainer.
 */
import type { GraphBuilder } from './graph';
import { initTensor, Rng } from './init';
import { softmaxCrossEntropy } from './losses';
import type { Batch, TrainerOptions } from './trainer';
import type { TensorRef } from './types';

/** Two interleaved half circles with Gaussian noise; labels int64. */
export function twoMoons(
  n: number,
  noise: number,
  seed: number,
): { x: Float32Array; labels: BigInt64Array } {
  const r = new Rng(seed);
  const x = new Float32Array(n * 2);
  const labels = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const upper = i % 2 === 0;
    const a = Math.PI * r.uniform();
    x[2 * i] = (upper ? Math.cos(a) : 1 - Math.cos(a)) + noise * r.normal();
    x[2 * i + 1] = (upper ? Math.sin(a) : 0.5 - Math.sin(a)) + noise * r.normal();
    labels[i] = upper ? 0n : 1n;
  }
  return { x, labels };
}

export function moonBatch(x: Float32Array, labels: BigInt64Array, k: number): Batch {
  const rows = 16;
  const start = (k * rows) % (labels.length - rows);
  return {
    x: { data: x.slice(2 * start, 2 * (start + rows)), dims: [rows, 2] },
    y: { data: labels.slice(start, start + rows), dims: [rows] },
  };
}

/** 2 → 32 → 32 → 2 MLP with GELU, optional dropout, AdamW (width adjustable for the bench). */
export function mlpOptions(stepsPerRun: number, dropout = 0, width = 32): TrainerOptions {
  return {
    name: 'mlp',
    batch: {
      x: { dtype: 'float32', shape: ['batch', 2] },
      y: { dtype: 'int64', shape: ['batch'] },
    },
    build(g: GraphBuilder, b: Record<string, TensorRef>, mode) {
      const r = new Rng(0);
      const layer = (h: TensorRef, i: number, fanIn: number, fanOut: number): TensorRef => {
        const init = initTensor(r, [fanIn, fanOut], { kind: 'xavier' });
        const w = g.param(`w${i}`, init, [fanIn, fanOut]);
        const bias = g.param(`b${i}`, new Float32Array(fanOut), [fanOut]);
        return g.add(g.matMul(h, w), bias);
      };
      const h1 = g.dropout(g.gelu(layer(b.x, 1, 2, width)), dropout, { training: mode.training });
      const h2 = g.gelu(layer(h1, 2, width, width));
      const logits = layer(h2, 3, width, 2);
      return { loss: softmaxCrossEntropy(g, logits, b.y), outputs: { logits } };
    },
    optimizer: { kind: 'adamw', lr: 0.01, weightDecay: 1e-4 },
    stepsPerRun,
  };
}
