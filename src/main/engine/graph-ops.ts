/**
 * Values, element-wise, linear-algebra and per-axis ops of the graph builder (graph.ts has the
 * contract). Reductions and shape ops are in graph-impl.ts, storage in graph-core.ts.
 *
 * Each method has the same beats: check operands, infer the output dtype and shape, emit the
 * node, return its output. Composite ops (gelu, dropout) emit primitive ONNX ops so that the
 * gradient table only needs entries for primitives.
 */
import { GraftError } from '../../shared/errors';
import type {
  Attrs,
  DropoutOptions,
  GemmOptions,
  GeluOptions,
  GraphBuilder,
  LayerNormOptions,
  ParamOptions,
} from './graph';
import { GraphCore } from './graph-core';
import { dropoutKeepMask } from './rng-graph';
import * as S from './shapes';
import type { DType, Dim, TensorData, TensorRef } from './types';
import { DTYPES, formatShape, isFloat, onnxDataType } from './types';

export const int = (value: number): { kind: 'int'; value: number } => ({ kind: 'int', value });
const float = (value: number): { kind: 'float'; value: number } => ({ kind: 'float', value });

export function fail(op: string, message: string): never {
  throw new GraftError('invalid-argument', `${op}: ${message}`);
}

export function describe(x: TensorRef): string {
  return `${x.name} ${x.dtype}${formatShape(x.shape)}`;
}

export interface BuilderOptions {
  /** Default 0: seed for dropout sites that do not give their own. */
  seed?: number;
  /**
   * Parameters whose values are given here become frozen initializers with these values,
   * whatever `param()` is told: how a trained model is rebuilt for inference and export.
   */
  frozenParams?: ReadonlyMap<string, Float32Array | Float64Array>;
  /** Prefix for the value names of trainable parameters (Loop bodies use it). */
  paramPrefix?: string;
}

export abstract class GraphOps extends GraphCore {
  private rngRef: TensorRef | null = null;
  private dropoutSites = 0;
  protected readonly frozen: ReadonlyMap<string, Float32Array | Float64Array>;
  protected readonly paramPrefix: string;

  protected constructor(name: string, opts: BuilderOptions, parent: GraphOps | null) {
    super(name, opts.seed ?? 0, parent);
    this.frozen = opts.frozenParams ?? new Map();
    this.paramPrefix = opts.paramPrefix ?? '';
  }

  // ---- values -------------------------------------------------------------------------------

  input(name: string, dtype: DType, shape: readonly Dim[]): TensorRef {
    if (!DTYPES.includes(dtype)) {
      fail('input', `dtype '${dtype}' is not one of ${DTYPES.join(', ')}`);
    }
    return this.addInput(name, dtype, shape);
  }

  output(ref: TensorRef, name?: string): TensorRef {
    const isInput = this.inputList.some((i) => i.name === ref.name);
    const already = this.outputList.some((o) => o.name === ref.name);
    const needsCopy = (name !== undefined && name !== ref.name) || isInput || already;
    if (!needsCopy) {
      this.markOutput(ref);
      return ref;
    }

    // Identity gives the value its public name (or a second name when output twice).
    const outName = this.claim('output', name ?? `${ref.name}_out`);
    const out: TensorRef = { name: outName, dtype: ref.dtype, shape: [...ref.shape] };
    const id = this.nodeList.length;
    const node = { id, op: 'Identity', inputs: [ref], outputs: [out], attrs: {} };
    this.nodeList.push(node);
    this.producers.set(outName, node);
    this.markOutput(out);
    return out;
  }

  param(
    name: string,
    data: Float32Array | Float64Array,
    shape: readonly Dim[],
    opts: ParamOptions = {},
  ): TensorRef {
    const dtype: DType = data instanceof Float64Array ? 'float64' : 'float32';
    if (shape.some((d) => typeof d !== 'number')) {
      fail('param', `'${name}' needs a static shape, got ${formatShape(shape)}`);
    }
    const size = (shape as number[]).reduce((p, d) => p * d, 1);
    if (size !== data.length) {
      fail(
        'param',
        `'${name}' has shape ${formatShape(shape)} (${size} values), ` + `data has ${data.length}`,
      );
    }

    // A frozen override (trained values for inference) turns the parameter into an initializer.
    const override = this.frozen.get(name);
    if (override) {
      const odt: DType = override instanceof Float64Array ? 'float64' : 'float32';
      return this.addInitializer(this.claim('param', name), override, odt, shape);
    }
    const full = this.claim('param', this.paramPrefix + name);
    if (opts.trainable === false) return this.addInitializer(full, data, dtype, shape);
    const ref: TensorRef = { name: full, dtype, shape: [...shape] };
    this.addTrainable(ref, data, name);
    return ref;
  }

  constant(data: TensorData | readonly number[], dtype: DType, shape: readonly Dim[]): TensorRef {
    return this.addConstant(toTyped(data, dtype), dtype, shape);
  }

  scalar(value: number, dtype: DType = 'float32'): TensorRef {
    return this.constant([value], dtype, []);
  }

  rngCounter(): TensorRef {
    if (this.rngRef) return this.rngRef;
    if (this.parent) return this.parent.rngCounter();
    this.rngRef = this.addInput('graft_rng_counter', 'int64', []);
    return this.rngRef;
  }

  setRngCounter(ref: TensorRef): void {
    if (ref.dtype !== 'int64' || ref.shape.length !== 0) {
      fail('setRngCounter', `needs an int64 scalar, got ${describe(ref)}`);
    }
    this.rngRef = ref;
  }

  protected int64s(values: readonly number[]): TensorRef {
    return this.constant(values, 'int64', [values.length]);
  }

  // ---- element-wise -------------------------------------------------------------------------

  private unary(op: string, x: TensorRef, floatOnly = true): TensorRef {
    if (floatOnly && !isFloat(x.dtype)) fail(op, `needs a float tensor, got ${describe(x)}`);
    return this.emit(op, [x], {}, [{ dtype: x.dtype, shape: x.shape }])[0];
  }

  private binary(op: string, a: TensorRef, b: TensorRef, outDtype?: DType): TensorRef {
    if (a.dtype !== b.dtype) fail(op, `dtypes differ: ${describe(a)} and ${describe(b)}`);
    const shape = S.broadcast(op, a.shape, b.shape);
    return this.emit(op, [a, b], {}, [{ dtype: outDtype ?? a.dtype, shape }])[0];
  }

  add(a: TensorRef, b: TensorRef): TensorRef {
    return this.binary('Add', a, b);
  }

  sub(a: TensorRef, b: TensorRef): TensorRef {
    return this.binary('Sub', a, b);
  }

  mul(a: TensorRef, b: TensorRef): TensorRef {
    return this.binary('Mul', a, b);
  }

  div(a: TensorRef, b: TensorRef): TensorRef {
    return this.binary('Div', a, b);
  }

  pow(a: TensorRef, b: TensorRef): TensorRef {
    return this.binary('Pow', a, b);
  }

  max(a: TensorRef, b: TensorRef): TensorRef {
    return this.binary('Max', a, b);
  }

  min(a: TensorRef, b: TensorRef): TensorRef {
    return this.binary('Min', a, b);
  }

  equal(a: TensorRef, b: TensorRef): TensorRef {
    return this.binary('Equal', a, b, 'bool');
  }

  less(a: TensorRef, b: TensorRef): TensorRef {
    return this.binary('Less', a, b, 'bool');
  }

  greater(a: TensorRef, b: TensorRef): TensorRef {
    return this.binary('Greater', a, b, 'bool');
  }

  not(x: TensorRef): TensorRef {
    if (x.dtype !== 'bool') fail('Not', `needs a bool tensor, got ${describe(x)}`);
    return this.unary('Not', x, false);
  }

  neg(x: TensorRef): TensorRef {
    return this.unary('Neg', x, false);
  }

  abs(x: TensorRef): TensorRef {
    return this.unary('Abs', x, false);
  }

  exp(x: TensorRef): TensorRef {
    return this.unary('Exp', x);
  }

  log(x: TensorRef): TensorRef {
    return this.unary('Log', x);
  }

  sqrt(x: TensorRef): TensorRef {
    return this.unary('Sqrt', x);
  }

  erf(x: TensorRef): TensorRef {
    return this.unary('Erf', x);
  }

  tanh(x: TensorRef): TensorRef {
    return this.unary('Tanh', x);
  }

  sigmoid(x: TensorRef): TensorRef {
    return this.unary('Sigmoid', x);
  }

  softplus(x: TensorRef): TensorRef {
    return this.unary('Softplus', x);
  }

  relu(x: TensorRef): TensorRef {
    return this.unary('Relu', x);
  }

  identity(x: TensorRef): TensorRef {
    return this.unary('Identity', x, false);
  }

  gelu(x: TensorRef, opts: GeluOptions = {}): TensorRef {
    const c = (v: number): TensorRef => this.scalar(v, x.dtype);
    const half = this.mul(c(0.5), x);

    if ((opts.approximate ?? 'erf') === 'erf') {
      // x·Φ(x) = 0.5·x·(1 + erf(x / √2))
      const e = this.erf(this.mul(x, c(Math.SQRT1_2)));
      return this.mul(half, this.add(c(1), e));
    }

    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const cube = this.mul(this.mul(x, x), x);
    const inner = this.mul(c(Math.sqrt(2 / Math.PI)), this.add(x, this.mul(c(0.044715), cube)));
    return this.mul(half, this.add(c(1), this.tanh(inner)));
  }

  where(cond: TensorRef, a: TensorRef, b: TensorRef): TensorRef {
    if (cond.dtype !== 'bool') fail('Where', `condition must be bool, got ${describe(cond)}`);
    if (a.dtype !== b.dtype) {
      fail('Where', `branch dtypes differ: ${describe(a)} and ${describe(b)}`);
    }
    const shape = S.broadcastAll('Where', [cond.shape, a.shape, b.shape]);
    return this.emit('Where', [cond, a, b], {}, [{ dtype: a.dtype, shape }])[0];
  }

  cast(x: TensorRef, dtype: DType): TensorRef {
    if (x.dtype === dtype) return x;
    return this.emit('Cast', [x], { to: int(onnxDataType(dtype)) }, [{ dtype, shape: x.shape }])[0];
  }

  // ---- linear algebra -----------------------------------------------------------------------

  matMul(a: TensorRef, b: TensorRef): TensorRef {
    if (a.dtype !== b.dtype) fail('MatMul', `dtypes differ: ${describe(a)} and ${describe(b)}`);
    const shape = S.matMulShape('MatMul', a.shape, b.shape);
    return this.emit('MatMul', [a, b], {}, [{ dtype: a.dtype, shape }])[0];
  }

  gemm(a: TensorRef, b: TensorRef, c: TensorRef | null = null, opts: GemmOptions = {}): TensorRef {
    if (a.shape.length !== 2 || b.shape.length !== 2) {
      fail('Gemm', `A and B must be 2-D, got ${describe(a)} and ${describe(b)}`);
    }
    const [m, k1] = opts.transA ? [a.shape[1], a.shape[0]] : a.shape;
    const [k2, n] = opts.transB ? [b.shape[1], b.shape[0]] : b.shape;
    if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) {
      const flags = `transA=${!!opts.transA}, transB=${!!opts.transB}`;
      fail('Gemm', `inner dims differ: ${describe(a)} · ${describe(b)} (${flags})`);
    }
    if (c) S.broadcast('Gemm', [m, n], c.shape);

    const attrs: Attrs = {
      alpha: float(opts.alpha ?? 1),
      beta: float(opts.beta ?? 1),
      transA: int(opts.transA ? 1 : 0),
      transB: int(opts.transB ? 1 : 0),
    };
    return this.emit('Gemm', c ? [a, b, c] : [a, b], attrs, [{ dtype: a.dtype, shape: [m, n] }])[0];
  }

  // ---- over an axis -------------------------------------------------------------------------

  softmax(x: TensorRef, axis = -1): TensorRef {
    S.normAxis('Softmax', axis, x.shape.length);
    return this.emit('Softmax', [x], { axis: int(axis) }, [{ dtype: x.dtype, shape: x.shape }])[0];
  }

  logSoftmax(x: TensorRef, axis = -1): TensorRef {
    S.normAxis('LogSoftmax', axis, x.shape.length);
    const spec = [{ dtype: x.dtype, shape: x.shape }];
    return this.emit('LogSoftmax', [x], { axis: int(axis) }, spec)[0];
  }

  layerNorm(
    x: TensorRef,
    scale: TensorRef,
    bias: TensorRef,
    opts: LayerNormOptions = {},
  ): TensorRef {
    const axis = S.normAxis('LayerNormalization', opts.axis ?? -1, x.shape.length);
    const normShape = x.shape.slice(axis);
    for (const p of [scale, bias]) {
      S.broadcast('LayerNormalization', normShape, p.shape);
      if (p.dtype !== x.dtype) {
        fail('LayerNormalization', `dtypes differ: ${describe(x)}, ${describe(p)}`);
      }
    }
    const attrs: Attrs = { axis: int(axis), epsilon: float(opts.epsilon ?? 1e-5) };
    const spec = [{ dtype: x.dtype, shape: x.shape }];
    return this.emit('LayerNormalization', [x, scale, bias], attrs, spec)[0];
  }

  dropout(x: TensorRef, ratio: number, opts: DropoutOptions = {}): TensorRef {
    if (!(ratio >= 0 && ratio < 1)) fail('dropout', `ratio must be in [0, 1), got ${ratio}`);
    const site = this.dropoutSites++;
    if (!opts.training || ratio === 0) return x;

    // y = x · keep / (1 − ratio): a Mul with a non-differentiable mask, so autodiff needs no
    // dropout entry of its own.
    const seed = opts.seed ?? this.seed * 7919 + site;
    const keep = dropoutKeepMask(this as unknown as GraphBuilder, x, ratio, seed);
    const scaled = this.mul(this.cast(keep, x.dtype), this.scalar(1 / (1 - ratio), x.dtype));
    return this.mul(x, scaled);
  }
}

/** Accept plain number arrays for constants; int64 goes through BigInt. */
export function toTyped(data: TensorData | readonly number[], dtype: DType): TensorData {
  if (!Array.isArray(data)) return data as TensorData;
  const values = data as readonly number[];
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(Math.trunc(v)));
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
  }
}
