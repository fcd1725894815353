/**
 * Seeded parameter initialisers and the small PRNG behind them.
 *
 * Why our own PRNG: Math.random cannot be seeded, and a checkpoint must store the generator's
 * state to resume bit-identically. mulberry32 has one 32-bit word of state, passes the usual
 * statistical batteries well enough for initialisation and shuffling, and is exact in JS
 * integer arithmetic on every platform. Normals come from Box–Muller on two uniforms.
 */
import { GraftError } from '../../shared/errors';

export class Rng {
  private s: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new GraftError('invalid-argument', `Rng: seed must be an integer, got ${seed}`);
    }
    this.s = seed >>> 0;
  }

  /** The whole generator state; `Rng.fromState(r.state())` continues the same sequence. */
  state(): number {
    return this.s;
  }

  static fromState(state: number): Rng {
    return new Rng(state);
  }

  /** Next 32-bit unsigned integer (mulberry32). */
  nextU32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Standard normal (Box–Muller; 1 − u keeps the log finite). */
  normal(): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fisher–Yates shuffle of 0..n-1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}

export type InitKind = 'xavier' | 'kaiming' | 'normal' | 'uniform' | 'zeros' | 'ones';

export interface InitSpec {
  kind: InitKind;
  /** 'normal': standard deviation (default 0.02, the BERT/GPT choice). */
  std?: number;
  /** 'uniform': values in [−limit, limit] (default 0.05). */
  limit?: number;
  /** xavier/kaiming: draw from a normal instead of a uniform (default false). */
  normal?: boolean;
}

/**
 * Fan-in and fan-out of a weight: [in, out] for a 2-D matmul weight (x·W); for higher ranks
 * the leading dims multiply into the receptive field as in PyTorch's convention.
 */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  const field = shape.slice(0, -2).reduce((p, d) => p * d, 1);
  return [shape[shape.length - 2] * field, shape[shape.length - 1] * field];
}

/** A tensor of `shape` drawn from `spec`; consumes the generator in element order. */
export function initTensor(
  rng: Rng,
  shape: readonly number[],
  spec: InitSpec,
  dtype: 'float32' | 'float64' = 'float32',
): Float32Array | Float64Array {
  const size = shape.reduce((p, d) => p * d, 1);
  const out = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  const [fanIn, fanOut] = fans(shape);

  // Xavier/Glorot: Var = 2/(in+out); Kaiming/He (ReLU gain √2): Var = 2/in.
  // A uniform on [−a, a] has Var = a²/3, hence a = √(3·Var).
  const variance =
    spec.kind === 'xavier' ? 2 / (fanIn + fanOut) : spec.kind === 'kaiming' ? 2 / fanIn : 0;

  for (let i = 0; i < size; i++) {
    switch (spec.kind) {
      case 'zeros':
        break;
      case 'ones':
        out[i] = 1;
        break;
      case 'normal':
        out[i] = rng.normal() * (spec.std ?? 0.02);
        break;
      case 'uniform':
        out[i] = (2 * rng.uniform() - 1) * (spec.limit ?? 0.05);
        break;
      case 'xavier':
      case 'kaiming':
        out[i] = spec.normal
          ? rng.normal() * Math.sqrt(variance)
          : (2 * rng.uniform() - 1) * Math.sqrt(3 * variance);
        break;
      default:
        throw new GraftError('invalid-argument', `init: unknown kind '${String(spec.kind)}'`);
    }
  }
  return out;
}
