/**
 * Engine benchmark: training steps per second, printed as one table with ratios.
 *
 *   npx tsx bench/engine/run.ts            (about a minute on 2 cores)
 *
 * Measures (1) an MLP step (forward + backward + AdamW) as K steps per run in an ONNX Loop vs
 * one run per step vs the same step in plain Float32Array JS, and (2) one transformer encoder
 * layer (attention + FFN + 2 layer norms) as Loop vs separate runs. DESIGN.md quotes the
 * numbers this reproduces (MLP ~30x over plain JS, Loop ~1.6x over separate runs).
 */
import { performance } from 'node:perf_hooks';
import type { GraphBuilder } from '../../src/main/engine/graph';
import { initTensor, Rng } from '../../src/main/engine/init';
import { meanSquaredError, softmaxCrossEntropy } from '../../src/main/engine/losses';
import type { Batch, TrainerOptions } from '../../src/main/engine/trainer';
import { createTrainer } from '../../src/main/engine/trainer';
import type { TensorRef } from '../../src/main/engine/types';
import { JsMlp } from './js-mlp';

const LOOP_K = 50;
const MLP = { batch: 64, sizes: [64, 256, 256, 10] };
const TF = { batch: 8, seq: 32, d: 64, heads: 4, ffn: 256 };

/** Run `fn` (doing `per` steps) until `seconds` pass; steps per second. */
async function rate(per: number, seconds: number, fn: () => Promise<void> | void): Promise<number> {
  await fn(); // warm-up: session creation, first-run allocations
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await fn();
    steps += per;
  }
  return steps / ((performance.now() - start) / 1000);
}

function randomBatch(r: Rng, specs: Record<string, { dims: number[]; classes?: number }>): Batch {
  const out: Batch = {};
  for (const [name, s] of Object.entries(specs)) {
    const n = s.dims.reduce((p, d) => p * d, 1);
    out[name] = s.classes
      ? { data: BigInt64Array.from({ length: n }, () => BigInt(r.int(s.classes!))), dims: s.dims }
      : { data: Float32Array.from({ length: n }, () => r.normal()), dims: s.dims };
  }
  return out;
}

function mlpTrainer(k: number): TrainerOptions {
  const [i0, h1, h2, c] = MLP.sizes;
  return {
    name: 'bench_mlp',
    batch: { x: { dtype: 'float32', shape: ['b', i0] }, y: { dtype: 'int64', shape: ['b'] } },
    build(g, b) {
      const r = new Rng(0);
      const dense = (x: TensorRef, n: number, fi: number, fo: number): TensorRef => {
        const w = g.param(`w${n}`, initTensor(r, [fi, fo], { kind: 'kaiming' }), [fi, fo]);
        return g.add(g.matMul(x, w), g.param(`b${n}`, new Float32Array(fo), [fo]));
      };
      const h = g.relu(dense(g.relu(dense(b.x, 1, i0, h1)), 2, h1, h2));
      return { loss: softmaxCrossEntropy(g, dense(h, 3, h2, c), b.y) };
    },
    optimizer: { kind: 'adamw', lr: 1e-3, weightDecay: 0.01 },
    stepsPerRun: k,
  };
}

/** Post-norm encoder layer, BERT style: LN(x + Attn(x)), then LN(h + FFN(h)). */
function encoderLayer(g: GraphBuilder, x: TensorRef): TensorRef {
  const { d, heads, ffn } = TF;
  const dh = d / heads;
  const r = new Rng(1);
  const dense = (h: TensorRef, name: string, fi: number, fo: number): TensorRef => {
    const w = g.param(`${name}.w`, initTensor(r, [fi, fo], { kind: 'normal' }), [fi, fo]);
    return g.add(g.matMul(h, w), g.param(`${name}.b`, new Float32Array(fo), [fo]));
  };
  const norm = (h: TensorRef, name: string): TensorRef => {
    const scale = g.param(`${name}.scale`, new Float32Array(d).fill(1), [d]);
    const bias = g.param(`${name}.bias`, new Float32Array(d), [d]);
    return g.layerNorm(h, scale, bias, { epsilon: 1e-12 });
  };

  // [B, S, D] -> [B, S, H, Dh] -> [B, H, S, Dh] (keys end as [B, H, Dh, S]).
  const split = (h: TensorRef, perm: number[]): TensorRef =>
    g.transpose(g.reshape(h, [0, 0, heads, dh]), perm);
  const q = split(dense(x, 'q', d, d), [0, 2, 1, 3]);
  const k = split(dense(x, 'k', d, d), [0, 2, 3, 1]);
  const v = split(dense(x, 'v', d, d), [0, 2, 1, 3]);
  const scores = g.mul(g.matMul(q, k), g.scalar(1 / Math.sqrt(dh))); // [B, H, S, S]
  const ctx = g.matMul(g.softmax(scores, -1), v); // [B, H, S, Dh]
  const merged = g.reshape(g.transpose(ctx, [0, 2, 1, 3]), [0, 0, d]); // [B, S, D]
  const h = norm(g.add(x, dense(merged, 'o', d, d)), 'ln1');
  const f = dense(g.gelu(dense(h, 'ffn1', d, ffn)), 'ffn2', ffn, d);
  return norm(g.add(h, f), 'ln2');
}

function transformerTrainer(k: number): TrainerOptions {
  const shape = ['b', TF.seq, TF.d];
  return {
    name: 'bench_tf',
    batch: { x: { dtype: 'float32', shape }, target: { dtype: 'float32', shape } },
    build: (g, b) => ({ loss: meanSquaredError(g, encoderLayer(g, b.x), b.target) }),
    optimizer: { kind: 'adamw', lr: 1e-4, weightDecay: 0.01 },
    stepsPerRun: k,
  };
}

async function engineRates(
  make: (k: number) => TrainerOptions,
  batch: Batch,
  seconds: number,
): Promise<{ loop: number; single: number }> {
  const loopT = await createTrainer(make(LOOP_K));
  const chunk = new Array<Batch>(LOOP_K).fill(batch);
  const loop = await rate(LOOP_K, seconds, async () => void (await loopT.steps(chunk)));
  await loopT.release();

  const singleT = await createTrainer(make(1));
  const single = await rate(1, seconds, async () => void (await singleT.step(batch)));
  await singleT.release();
  return { loop, single };
}

async function main(): Promise<void> {
  const r = new Rng(7);
  const say = (label: string, value: number): void => {
    process.stdout.write(`  ${label.padEnd(44)} ${value.toFixed(1).padStart(10)} steps/s\n`);
  };
  process.stdout.write(`engine bench (Loop K = ${LOOP_K}, ORT default threads)\n`);

  const mlpBatch = randomBatch(r, {
    x: { dims: [MLP.batch, MLP.sizes[0]] },
    y: { dims: [MLP.batch], classes: 10 },
  });
  const mlp = await engineRates(mlpTrainer, mlpBatch, 6);
  say('MLP 64-256-256-10, batch 64: engine Loop', mlp.loop);
  say('MLP: engine, one run per step', mlp.single);
  const js = new JsMlp(MLP.sizes, 0);
  const [jx, jy] = [mlpBatch.x.data as Float32Array, mlpBatch.y.data as BigInt64Array];
  const jsRate = await rate(1, 6, () => void js.step(jx, jy));
  say('MLP: plain-JS Float32Array reference', jsRate);

  const tfDims = [TF.batch, TF.seq, TF.d];
  const tfBatch = randomBatch(r, { x: { dims: tfDims }, target: { dims: tfDims } });
  const tf = await engineRates(transformerTrainer, tfBatch, 8);
  say(`encoder layer d${TF.d} h${TF.heads} ffn${TF.ffn}, ${TF.batch}x${TF.seq}: Loop`, tf.loop);
  say('encoder layer: engine, one run per step', tf.single);

  const ratio = (label: string, value: number): void => {
    process.stdout.write(`  ${label.padEnd(44)} ${value.toFixed(2).padStart(10)}x\n`);
  };
  process.stdout.write('ratios\n');
  ratio('MLP engine (one run per step) / plain JS', mlp.single / jsRate);
  ratio('MLP engine (Loop) / plain JS', mlp.loop / jsRate);
  ratio('MLP Loop / separate runs', mlp.loop / mlp.single);
  ratio('encoder layer Loop / separate runs', tf.loop / tf.single);
}

await main();
