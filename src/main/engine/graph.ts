/**
 * The graph builder: TypeScript calls that append ONNX nodes, with shapes inferred at build time.
 *
 * Why it exists: onnxruntime-node has no training API, so Graft writes every model (forward,
 * backward, optimizer step, Loop of steps) as an ONNX inference graph. Each op method checks its
 * operands and computes the output dtype and shape, so a mistake fails where it is written, with
 * the op and the shapes in the message, instead of at session creation.
 *
 * Conventions:
 * - Opset 18, IR version 10 (what onnxruntime-node 1.30 loads; see DESIGN.md "The engine").
 * - Shapes may hold symbolic dims ('batch'); they propagate through every op. Broadcasting
 *   follows numpy; a symbolic dim against a static one n > 1 is taken to be n.
 * - Trainable parameters are pure graph inputs (an initializer that is also an input cannot be
 *   fed in ORT); frozen parameters and constants are initializers.
 * - Axes may be negative and count from the end, as in ONNX.
 */
import type { DType, Dim, TensorData, TensorRef } from './types';

/** An attribute on a node, tagged so int vs float survives serialisation. */
export type AttrValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'graph'; readonly value: GraphBuilder };

export type Attrs = Readonly<Record<string, AttrValue>>;

/** One ONNX node as recorded by the builder; autodiff walks these. */
export interface OpNode {
  readonly id: number;
  readonly op: string;
  /** null stands for an omitted optional input. */
  readonly inputs: readonly (TensorRef | null)[];
  readonly outputs: readonly TensorRef[];
  readonly attrs: Attrs;
}

/** A trainable parameter and the value it starts from (the trainer feeds it). */
export interface TrainableParam {
  readonly ref: TensorRef;
  readonly init: Float32Array | Float64Array;
  /** The name given to `param()` (the value name adds a prefix inside a Loop body). */
  readonly key: string;
}

export interface ParamOptions {
  /** Default true. False makes the parameter an initializer: frozen, never fed, no gradient. */
  trainable?: boolean;
}

export interface GemmOptions {
  /** Default false: use A as [M, K]; true reads A as [K, M]. */
  transA?: boolean;
  /** Default false: use B as [K, N]; true reads B as [N, K] (the nn.Linear weight layout). */
  transB?: boolean;
  /** Default 1: scales A·B. */
  alpha?: number;
  /** Default 1: scales C. */
  beta?: number;
}

export interface LayerNormOptions {
  /** Default -1: normalise over this axis and every axis after it. Output shape = input. */
  axis?: number;
  /** Default 1e-5 (BERT checkpoints use 1e-12): added to the variance before the root. */
  epsilon?: number;
}

export interface GeluOptions {
  /** Default 'erf': x·Φ(x) exactly; 'tanh' is the GPT-2 approximation. */
  approximate?: 'erf' | 'tanh';
}

export interface DropoutOptions {
  /**
   * Default false: identity. True draws a keep-mask from a counter-based hash of
   * (graph seed, this site, `rngCounter()`, element index), so the same seed and counter give
   * bit-identical masks, and a checkpoint that stores the counter resumes exactly.
   */
  training?: boolean;
  /** Default: the graph's seed plus the index of this dropout site. */
  seed?: number;
}

export interface ModelOptions {
  /** Default 'graft'. */
  producerName?: string;
  /** Default false. True drops nodes, inputs and initializers that no output needs. */
  prune?: boolean;
}

/** Per-output description for `node()`, the escape hatch for ops without a method. */
export interface OutputSpec {
  dtype: DType;
  shape: readonly Dim[];
}

export interface GraphBuilder {
  readonly name: string;
  /** Seed for dropout sites and initialisers that do not give their own. */
  readonly seed: number;
  /** The enclosing graph for a Loop body; null at the top. */
  readonly parent: GraphBuilder | null;

  // ---- values -------------------------------------------------------------------------------

  input(name: string, dtype: DType, shape: readonly Dim[]): TensorRef;
  /** Mark a value as a graph output; `name` renames it through an Identity node. */
  output(ref: TensorRef, name?: string): TensorRef;
  param(
    name: string,
    data: Float32Array | Float64Array,
    shape: readonly Dim[],
    opts?: ParamOptions,
  ): TensorRef;
  constant(data: TensorData | readonly number[], dtype: DType, shape: readonly Dim[]): TensorRef;
  scalar(value: number, dtype?: DType): TensorRef;
  /** The int64 scalar that drives dropout masks (an input named graft_rng_counter by default). */
  rngCounter(): TensorRef;
  /** Drive dropout from this int64 scalar instead (the trainer uses its step counter). */
  setRngCounter(ref: TensorRef): void;

  // ---- element-wise (numpy broadcasting) -----------------------------------------------------

  add(a: TensorRef, b: TensorRef): TensorRef;
  sub(a: TensorRef, b: TensorRef): TensorRef;
  mul(a: TensorRef, b: TensorRef): TensorRef;
  div(a: TensorRef, b: TensorRef): TensorRef;
  pow(a: TensorRef, b: TensorRef): TensorRef;
  neg(x: TensorRef): TensorRef;
  abs(x: TensorRef): TensorRef;
  exp(x: TensorRef): TensorRef;
  log(x: TensorRef): TensorRef;
  sqrt(x: TensorRef): TensorRef;
  erf(x: TensorRef): TensorRef;
  tanh(x: TensorRef): TensorRef;
  sigmoid(x: TensorRef): TensorRef;
  softplus(x: TensorRef): TensorRef;
  relu(x: TensorRef): TensorRef;
  gelu(x: TensorRef, opts?: GeluOptions): TensorRef;
  max(a: TensorRef, b: TensorRef): TensorRef;
  min(a: TensorRef, b: TensorRef): TensorRef;
  equal(a: TensorRef, b: TensorRef): TensorRef;
  less(a: TensorRef, b: TensorRef): TensorRef;
  greater(a: TensorRef, b: TensorRef): TensorRef;
  not(x: TensorRef): TensorRef;
  where(cond: TensorRef, a: TensorRef, b: TensorRef): TensorRef;
  cast(x: TensorRef, dtype: DType): TensorRef;
  identity(x: TensorRef): TensorRef;

  // ---- linear algebra ------------------------------------------------------------------------

  /** numpy matmul: [..., M, K] · [..., K, N] -> [..., M, N], batch dims broadcast. */
  matMul(a: TensorRef, b: TensorRef): TensorRef;
  /** alpha·A'·B' + beta·C on 2-D A, B; C broadcasts to [M, N]. */
  gemm(a: TensorRef, b: TensorRef, c?: TensorRef | null, opts?: GemmOptions): TensorRef;

  // ---- normalisation and activations over an axis --------------------------------------------

  softmax(x: TensorRef, axis?: number): TensorRef;
  logSoftmax(x: TensorRef, axis?: number): TensorRef;
  layerNorm(x: TensorRef, scale: TensorRef, bias: TensorRef, opts?: LayerNormOptions): TensorRef;
  dropout(x: TensorRef, ratio: number, opts?: DropoutOptions): TensorRef;

  // ---- reductions (axes as an int64 input, opset 18) -----------------------------------------

  reduceSum(x: TensorRef, axes?: readonly number[] | null, keepdims?: boolean): TensorRef;
  reduceMean(x: TensorRef, axes?: readonly number[] | null, keepdims?: boolean): TensorRef;
  reduceMax(x: TensorRef, axes?: readonly number[] | null, keepdims?: boolean): TensorRef;

  // ---- shape ---------------------------------------------------------------------------------

  /** Target shape with 0 = copy the input dim and -1 = infer; or an int64 1-D shape tensor. */
  reshape(x: TensorRef, shape: readonly number[] | TensorRef, outShape?: readonly Dim[]): TensorRef;
  transpose(x: TensorRef, perm?: readonly number[]): TensorRef;
  concat(xs: readonly TensorRef[], axis: number): TensorRef;
  slice(
    x: TensorRef,
    starts: readonly number[],
    ends: readonly number[],
    axes?: readonly number[],
  ): TensorRef;
  split(x: TensorRef, sizes: readonly number[], axis?: number): TensorRef[];
  squeeze(x: TensorRef, axes: readonly number[]): TensorRef;
  unsqueeze(x: TensorRef, axes: readonly number[]): TensorRef;
  /** Broadcast to a shape given as numbers, or as an int64 1-D tensor plus the static result. */
  expand(x: TensorRef, shape: readonly number[] | TensorRef, outShape?: readonly Dim[]): TensorRef;
  gather(data: TensorRef, indices: TensorRef, axis?: number): TensorRef;
  /** int64 1-D tensor holding x's shape (or dims [start, end)). */
  shapeOf(x: TensorRef, start?: number, end?: number): TensorRef;

  // ---- escape hatch and introspection --------------------------------------------------------

  /** Append any ONNX node; the caller states the outputs' dtype and shape. */
  node(
    op: string,
    inputs: readonly (TensorRef | null)[],
    attrs: Attrs,
    outputs: readonly OutputSpec[],
  ): TensorRef[];
  /**
   * A child graph (e.g. a Loop body) sharing this graph's name space and constants; its
   * trainable parameters get value names `paramPrefix + name`.
   */
  subgraph(name: string, opts?: { paramPrefix?: string }): GraphBuilder;
  /** Order the inputs of the serialised graph (a Loop body's inputs are positional). */
  setInputOrder(refs: readonly TensorRef[]): void;

  nodes(): readonly OpNode[];
  inputs(): readonly TensorRef[];
  outputs(): readonly TensorRef[];
  trainableParams(): readonly TrainableParam[];
  /** The recorded node that produced this value, or null for inputs and initializers. */
  producer(ref: TensorRef): OpNode | null;
  /** The data of an initializer (constant or frozen param) here or in an enclosing graph. */
  constantValue(ref: TensorRef): TensorData | null;

  /** Serialise as an ONNX model (opset 18, IR 10). Only valid on a top-level graph. */
  toModelProto(opts?: ModelOptions): Uint8Array;
}
