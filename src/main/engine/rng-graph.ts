/**
 * Counter-based random numbers computed inside the graph, for dropout.
 *
 * Why not ONNX Dropout / RandomUniformLike: their `seed` attribute seeds a generator once per
 * session, so masks depend on how many runs the session has done. That breaks two promises: a
 * checkpoint could not resume with identical masks, and a K-step Loop would not match K separate
 * runs. Here a mask is a pure function of (seed, counter, element index): the counter is a graph
 * input (the trainer feeds the step), so any run is reproducible from numbers we store.
 *
 * The hash is the 32-bit integer mixer h ← ((h >> 16) ⊕ h) · 0x45d9f3b mod 2³² (twice, then
 * a final xor-shift), evaluated in int64 so every product stays below 2⁶³ (h < 2³², and the
 * constant < 2²⁷).
 * `hash32` below is the same function in JS, so tests can predict masks exactly.
 */
import type { GraphBuilder } from './graph';
import type { TensorRef } from './types';

const M32 = 0xffffffff;
const MIX = 0x45d9f3b;
const SEED_MUL = 0x2545f491;

/** One mixing round in JS, exact in BigInt. */
function mixRound(h: bigint): bigint {
  h = (h >> 16n) ^ h;
  return (h * BigInt(MIX)) & BigInt(M32);
}

/** The graph's hash, in JS: returns a 32-bit unsigned integer. */
export function hash32(value: bigint): bigint {
  let h = value & BigInt(M32);
  h = mixRound(mixRound(h));
  return (h >> 16n) ^ h;
}

/** Per-site base: mixes the seed and the counter, so neighbouring steps are unrelated. */
export function dropoutBase(seed: number, counter: bigint): bigint {
  const c = (counter & BigInt(M32)) * BigInt(SEED_MUL);
  return hash32(BigInt(seed) * 0x9e3779b1n + c);
}

/** keep[i] = hash32(base + i) / 2³² ≥ ratio, in JS (tests). */
export function dropoutKeepMaskJs(
  size: number,
  ratio: number,
  seed: number,
  counter: bigint,
): Uint8Array {
  const base = dropoutBase(seed, counter);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const u = Math.fround(Number(hash32(base + BigInt(i)))) * 2 ** -32;
    out[i] = Math.fround(u) >= Math.fround(ratio) ? 1 : 0;
  }
  return out;
}

function graphHash(g: GraphBuilder, h: TensorRef): TensorRef {
  const m32 = g.scalar(M32, 'int64');
  const shift = g.scalar(65536, 'int64'); // h >> 16 as a division: h ≥ 0, so truncating floors
  const mix = g.scalar(MIX, 'int64');
  const xorShift = (v: TensorRef): TensorRef => bitXor(g, g.div(v, shift), v);

  let v = g.node('BitwiseAnd', [h, m32], {}, [{ dtype: 'int64', shape: h.shape }])[0];
  for (let round = 0; round < 2; round++) {
    v = g.mul(xorShift(v), mix);
    v = g.node('BitwiseAnd', [v, m32], {}, [{ dtype: 'int64', shape: v.shape }])[0];
  }
  return xorShift(v);
}

function bitXor(g: GraphBuilder, a: TensorRef, b: TensorRef): TensorRef {
  return g.node('BitwiseXor', [a, b], {}, [{ dtype: 'int64', shape: a.shape }])[0];
}

/** bool tensor shaped like x: true where the element is kept. */
export function dropoutKeepMask(
  g: GraphBuilder,
  x: TensorRef,
  ratio: number,
  seed: number,
): TensorRef {
  // base = hash32(seed·φ + (counter mod 2³²)·SEED_MUL), a scalar.
  const counter = g.rngCounter();
  const m32 = g.scalar(M32, 'int64');
  const c = g.node('BitwiseAnd', [counter, m32], {}, [{ dtype: 'int64', shape: [] }])[0];
  const seedTerm = g.scalar(Number((BigInt(seed) * 0x9e3779b1n) & BigInt(M32)), 'int64');
  const base = graphHash(g, g.add(seedTerm, g.mul(c, g.scalar(SEED_MUL, 'int64'))));

  // Element index 0..n-1 laid out in x's shape (n may be symbolic, so it is computed at run time).
  const shape = g.shapeOf(x);
  const n = g.node('ReduceProd', [shape], { keepdims: { kind: 'int', value: 0 } }, [
    { dtype: 'int64', shape: [] },
  ])[0];
  const range = g.node('Range', [g.scalar(0, 'int64'), n, g.scalar(1, 'int64')], {}, [
    { dtype: 'int64', shape: ['n'] },
  ])[0];
  const index = g.reshape(range, shape, x.shape);

  // u = hash / 2³² in float32; keep where u ≥ ratio.
  const h = graphHash(g, g.add(index, base));
  const u = g.mul(g.cast(h, 'float32'), g.scalar(2 ** -32));
  return g.not(g.less(u, g.scalar(ratio)));
}
