/**
 * Helpers for the engine's tests: run a builder graph once on CPU and read outputs as numbers.
 */
import { gradients } from './autodiff';
import type { GraphBuilder } from './graph';
import { createGraph } from './graph-impl';
import { Rng } from './init';
import type { ort } from './session';
import { createSession, f32, f64, i64 } from './session';
import type { Dim, TensorRef } from './types';

export type Outputs = Record<string, number[]>;

/** Build the model, run it with these feeds on one CPU thread, return every output as numbers. */
export async function runGraph(
  g: GraphBuilder,
  feeds: Record<string, ort.Tensor>,
): Promise<Outputs> {
  const session = await createSession(g.toModelProto(), { threads: 1 });
  const result = await session.run(feeds);
  await session.release();

  const out: Outputs = {};
  for (const [name, t] of Object.entries(result)) {
    out[name] = Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
  }
  return out;
}

/** Assert-friendly rounding: values to `digits` decimals. */
export function round(values: readonly number[], digits = 5): number[] {
  const k = 10 ** digits;
  return values.map((v) => Math.round(v * k) / k);
}

export interface GradCase {
  /** Build the op under test from the inputs x0, x1, ... */
  build(g: GraphBuilder, xs: TensorRef[]): TensorRef;
  /** Declared shapes (may be symbolic), the fed shapes and values. */
  inputs: { shape?: Dim[]; dims: number[]; data: number[] }[];
  /** float64: element-wise central differences; float32: directional checks. */
  dtype?: 'float64' | 'float32';
  /** Which inputs to differentiate (default all). */
  wrt?: number[];
}

export interface GradReport {
  /** Largest |fd − analytic| / (atol + rtol·max(|fd|, |analytic|)); ≤ 1 passes. */
  worst: number;
  detail: string;
}

/**
 * Finite-difference check of `gradients` on loss = ∑ y²/2 + 0.3·∑ y (so dy = y + 0.3 varies
 * per element). float64: h = 1e-6, atol 1e-6, rtol 1e-5 per element. float32: three random
 * directions per input, h = 1e-2, atol 1e-3, rtol 1e-2.
 */
export async function gradCheck(c: GradCase): Promise<GradReport> {
  const dtype = c.dtype ?? 'float64';
  const g = createGraph('gradcheck');
  const xs = c.inputs.map((inp, i) => g.input(`x${i}`, dtype, inp.shape ?? inp.dims));
  const y = c.build(g, xs);
  const loss = g.add(
    g.mul(g.reduceSum(g.mul(y, y)), g.scalar(0.5, dtype)),
    g.mul(g.reduceSum(y), g.scalar(0.3, dtype)),
  );
  g.output(loss, 'loss');
  const wrt = c.wrt ?? xs.map((_, i) => i);
  const grads = gradients(
    g,
    loss,
    wrt.map((i) => xs[i]),
  );
  grads.forEach((d, k) => g.output(d, `d${k}`));

  const session = await createSession(g.toModelProto(), { threads: 1 });
  // Dropout sites read the RNG counter: a fixed one keeps the mask the same for every probe.
  const counter = g.inputs().find((i) => i.name === 'graft_rng_counter');
  const feedsFor = (values: number[][]): Record<string, ort.Tensor> => ({
    ...Object.fromEntries(values.map((v, i) => [`x${i}`, mk(dtype, v, c.inputs[i].dims)])),
    ...(counter ? { graft_rng_counter: i64([3], []) } : {}),
  });
  const base = c.inputs.map((i) => [...i.data]);
  const analytic = await session.run(feedsFor(base));
  const lossAt = async (values: number[][]): Promise<number> =>
    Number((await session.run(feedsFor(values), ['loss'])).loss.data[0]);

  const [h, atol, rtol] = dtype === 'float64' ? [1e-6, 1e-6, 1e-5] : [1e-2, 1e-3, 1e-2];
  let worst = 0;
  let detail = '';
  const rng = new Rng(7);
  for (let k = 0; k < wrt.length; k++) {
    const i = wrt[k];
    const an = Array.from(analytic[`d${k}`].data as Float64Array | Float32Array);
    const directions =
      dtype === 'float64'
        ? base[i].map((_, j) => base[i].map((_, m) => (m === j ? 1 : 0)))
        : [0, 1, 2].map(() => base[i].map(() => rng.normal()));

    for (const v of directions) {
      const at = (s: number): number[][] =>
        base.map((vals, q) => (q === i ? vals.map((x, m) => x + s * h * v[m]) : vals));
      const fd = ((await lossAt(at(1))) - (await lossAt(at(-1)))) / (2 * h);
      const dot = an.reduce((s, a, m) => s + a * v[m], 0);
      const score = Math.abs(fd - dot) / (atol + rtol * Math.max(Math.abs(fd), Math.abs(dot)));
      if (score > worst) {
        worst = score;
        detail = `input ${i}: finite difference ${fd}, analytic ${dot}`;
      }
    }
  }
  await session.release();
  return { worst, detail };
}

function mk(dtype: 'float64' | 'float32', v: number[], dims: number[]): ort.Tensor {
  return dtype === 'float64' ? f64(v, dims) : f32(v, dims);
}
