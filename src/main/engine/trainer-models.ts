/**
 * The training-step models behind the trainer (trainer.ts has the runtime side).
 *
 * Step model — inputs: parameters (by key), optimizer state (`<key>.<slot>`), the batch,
 * graft_step (int64, steps taken) and graft_lr (float32 base rate). Outputs: `<name>:next` for
 * every parameter and state tensor, graft_loss, graft_lr_now, graft_grad_norm.
 *
 * Loop model — the same step as the body of an ONNX Loop. Extra input graft_steps (int64 trip
 * count); batch inputs gain a leading 'steps' axis; the carried values come out as `:next`
 * after the last iteration and graft_loss / graft_lr_now / graft_grad_norm are per-step [steps].
 */
import { GraftError } from '../../shared/errors';
import { gradients } from './autodiff';
import type { GraphBuilder, TrainableParam } from './graph';
import { createGraph } from './graph-impl';
import type { OptimizerSpec, OptimizerStep } from './optimizers';
import { optimizerStep } from './optimizers';
import type { DType, Dim, TensorRef } from './types';
import { formatShape } from './types';

export interface BatchSpec {
  dtype: DType;
  /** Per-batch shape; symbolic dims ('batch') let batch sizes vary. */
  shape: readonly Dim[];
}

export interface BuildMode {
  /** True in training models (dropout on); false in the inference model. */
  training: boolean;
}

export interface BuildResult {
  /** Float scalar to minimise. */
  loss: TensorRef;
  /** Values the inference model outputs (logits, embeddings, ...), by output name. */
  outputs?: Record<string, TensorRef>;
}

export type BuildFn = (
  g: GraphBuilder,
  batch: Record<string, TensorRef>,
  mode: BuildMode,
) => BuildResult;

export interface ModelSpec {
  name: string;
  seed: number;
  batch: Record<string, BatchSpec>;
  build: BuildFn;
  optimizer: OptimizerSpec;
}

export interface StepModel {
  bytes: Uint8Array;
  /** Parameter key -> dims and initial value, in graph order. */
  params: Map<string, { dims: readonly number[]; init: Float32Array | Float64Array }>;
  /** State input name -> key of the parameter it shadows. */
  state: Map<string, string>;
}

export const STEP = 'graft_step';
export const STEPS = 'graft_steps';
export const LR = 'graft_lr';
export const PER_STEP = ['graft_loss', 'graft_lr_now', 'graft_grad_norm'] as const;
const BODY = 'body/';

export const next = (name: string): string => `${name}:next`;

function staticDims(what: string, shape: readonly Dim[]): number[] {
  if (shape.some((d) => typeof d !== 'number')) {
    const got = formatShape(shape);
    throw new GraftError('invalid-argument', `${what}: parameters need static shapes, got ${got}`);
  }
  return shape as number[];
}

/** Forward, loss, gradients and optimizer update, appended to g. */
function appendStep(
  g: GraphBuilder,
  spec: ModelSpec,
  batch: Record<string, TensorRef>,
  step: TensorRef,
  lr: TensorRef,
  stateName?: (key: string, slot: string) => string,
): { loss: TensorRef; params: readonly TrainableParam[]; opt: OptimizerStep } {
  const { loss } = spec.build(g, batch, { training: true });
  const params = g.trainableParams();
  if (params.length === 0) {
    throw new GraftError('invalid-argument', 'trainer: build() made no trainable parameter');
  }
  const grads = gradients(
    g,
    loss,
    params.map((p) => p.ref),
  );
  const pg = params.map((p, i) => ({ key: p.key, param: p.ref, grad: grads[i] }));
  return { loss, params, opt: optimizerStep(g, spec.optimizer, pg, step, lr, stateName) };
}

function describeParams(params: readonly TrainableParam[]): StepModel['params'] {
  const dims = (p: TrainableParam): number[] => staticDims(p.key, p.ref.shape);
  return new Map(params.map((p) => [p.key, { dims: dims(p), init: p.init }]));
}

/** One training step as a plain graph. */
export function buildStepModel(spec: ModelSpec): StepModel {
  const g = createGraph(`${spec.name}_step`, { seed: spec.seed });
  const step = g.input(STEP, 'int64', []);
  const lr = g.input(LR, 'float32', []);
  g.setRngCounter(step);
  const batch = Object.fromEntries(
    Object.entries(spec.batch).map(([k, s]) => [k, g.input(k, s.dtype, s.shape)]),
  );

  const { loss, params, opt } = appendStep(g, spec, batch, step, lr);

  opt.newParams.forEach((p, i) => g.output(p, next(params[i].key)));
  opt.state.forEach((s) => g.output(s.output, next(s.input.name)));
  [loss, opt.lr, opt.gradNorm].forEach((r, i) => g.output(r, PER_STEP[i]));
  return {
    bytes: g.toModelProto(),
    params: describeParams(params),
    state: new Map(opt.state.map((s) => [s.input.name, s.param])),
  };
}

/** K steps: a Loop whose body is the step above, reading batch `iter` of the stacked inputs. */
export function buildLoopModel(spec: ModelSpec): StepModel {
  const g = createGraph(`${spec.name}_loop`, { seed: spec.seed });
  const trips = g.input(STEPS, 'int64', []);
  const step0 = g.input(STEP, 'int64', []);
  const lr = g.input(LR, 'float32', []);
  const stacked = Object.entries(spec.batch).map(([k, s]) =>
    g.input(k, s.dtype, ['steps', ...s.shape]),
  );

  // Body inputs are positional: iteration, condition, then the carried values in order.
  // Body names carry a prefix so the outer graph can use the plain names.
  const body = g.subgraph(`${spec.name}_body`, { paramPrefix: BODY });
  const iter = body.input(`${BODY}iter`, 'int64', []);
  const condIn = body.input(`${BODY}cond`, 'bool', []);
  const stepIn = body.input(`${BODY}step`, 'int64', []);
  body.setRngCounter(stepIn);
  const batch = Object.fromEntries(
    Object.keys(spec.batch).map((k, i) => [k, body.gather(stacked[i], iter, 0)]),
  );

  const stateName = (k: string, s: string): string => `${BODY}${k}.${s}`;
  const { loss, params, opt } = appendStep(body, spec, batch, stepIn, lr, stateName);

  body.output(body.identity(condIn));
  opt.newParams.forEach((p) => body.output(p));
  opt.state.forEach((s) => body.output(s.output));
  body.output(body.add(stepIn, body.scalar(1, 'int64')));
  [loss, opt.lr, opt.gradNorm].forEach((r) => body.output(r));
  const carriedIn = [...params.map((p) => p.ref), ...opt.state.map((s) => s.input), stepIn];
  body.setInputOrder([iter, condIn, ...carriedIn]);

  // The outer graph feeds the carried values under the step model's names.
  const outer = (name: string): string => name.slice(BODY.length);
  const carried = [
    ...params.map((p) => g.input(p.key, p.ref.dtype, p.ref.shape)),
    ...opt.state.map((s) => g.input(outer(s.input.name), s.input.dtype, s.input.shape)),
    step0,
  ];
  const scans = [loss, opt.lr, opt.gradNorm].map((r) => ({
    dtype: r.dtype,
    shape: ['steps', ...r.shape],
  }));
  const outs = g.node('Loop', [trips, null, ...carried], { body: { kind: 'graph', value: body } }, [
    ...carried.map((r) => ({ dtype: r.dtype, shape: r.shape })),
    ...scans,
  ]);

  carried.forEach((r, i) => g.output(outs[i], next(r.name)));
  PER_STEP.forEach((n, i) => g.output(outs[carried.length + i], n));
  return {
    bytes: g.toModelProto(),
    params: describeParams(params),
    state: new Map(opt.state.map((s) => [outer(s.input.name), s.param])),
  };
}

/** The model for inference: trained values as initializers, outputs from build(). */
export function buildInferenceGraph(
  spec: ModelSpec,
  trained: ReadonlyMap<string, Float32Array | Float64Array>,
  name: string,
): GraphBuilder {
  const g = createGraph(name, { seed: spec.seed, frozenParams: trained });
  const batch = Object.fromEntries(
    Object.entries(spec.batch).map(([k, s]) => [k, g.input(k, s.dtype, s.shape)]),
  );
  const { outputs } = spec.build(g, batch, { training: false });
  if (!outputs || Object.keys(outputs).length === 0) {
    throw new GraftError('invalid-argument', 'inference graph: build() returned no outputs');
  }
  for (const [n, ref] of Object.entries(outputs)) g.output(ref, n);
  return g;
}
