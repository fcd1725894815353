/**
 * Optimizers, learning-rate schedules and gradient clipping, as graph nodes.
 *
 * The step count (int64 scalar, steps already taken) and the base learning rate (float scalar)
 * are graph inputs, so one model serves every step and a Loop can advance the step itself. The
 * schedule multiplies the base rate in-graph; `scheduleFactor` is the same maths in JS.
 */
import { GraftError } from '../../shared/errors';
import type { GraphBuilder } from './graph';
import type { TensorRef } from './types';

/** Learning-rate multiplier over steps t = 0, 1, ... (Hugging Face's schedule formulas). */
export type Schedule =
  | { kind: 'constant' }
  /** t < W: t / W; then linear decay to 0 at T: (T − t) / (T − W), floored at 0. */
  | { kind: 'linear'; warmupSteps: number; totalSteps: number }
  /** t < W: t / W; then m + (1 − m)·½(1 + cos(π·p)), p = (t − W)/(T − W) capped at 1. */
  | { kind: 'cosine'; warmupSteps: number; totalSteps: number; minRatio?: number };

export interface ParamGroup {
  /** Parameter names in this group, or a test on the name. The first matching group wins. */
  match: readonly string[] | ((name: string) => boolean);
  /** Learning rate for the group (default: the optimizer's). */
  lr?: number;
  /** Weight decay for the group (default: the optimizer's); e.g. 0 for biases and norms. */
  weightDecay?: number;
}

interface Common {
  lr: number;
  /** Default 0. SGD: L2 added to the gradient; AdamW: decoupled, p ← p − lr·wd·p. */
  weightDecay?: number;
  /** Default constant. */
  schedule?: Schedule;
  /** Clip the global L2 norm of all gradients to this (default: no clipping). */
  clipNorm?: number;
  groups?: readonly ParamGroup[];
}

export interface SgdSpec extends Common {
  kind: 'sgd';
  /** Default 0. b ← μ·b + g; p ← p − lr·b (PyTorch's form). */
  momentum?: number;
  /** Default false: step along g + μ·b instead of b. */
  nesterov?: boolean;
}

export interface AdamWSpec extends Common {
  kind: 'adamw';
  /** Defaults 0.9, 0.999, 1e-8 (PyTorch). */
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export type OptimizerSpec = SgdSpec | AdamWSpec;

/** An optimizer state tensor: read from `input`, written to `output`, starting at zeros. */
export interface StateSlot {
  /** The key of the parameter it belongs to (same shape and dtype). */
  readonly param: string;
  readonly input: TensorRef;
  readonly output: TensorRef;
}

export interface OptimizerStep {
  readonly newParams: TensorRef[];
  readonly state: StateSlot[];
  /** The scheduled base learning rate at this step (float scalar). */
  readonly lr: TensorRef;
  /** Global L2 norm of the gradients before clipping (float scalar). */
  readonly gradNorm: TensorRef;
}

export interface ParamAndGrad {
  /** The parameter's logical name (groups match on it; state keys derive from it). */
  readonly key: string;
  readonly param: TensorRef;
  readonly grad: TensorRef;
}

/** The schedule's multiplier at step t, in JS. */
export function scheduleFactor(schedule: Schedule | undefined, t: number): number {
  if (!schedule || schedule.kind === 'constant') return 1;
  const w = schedule.warmupSteps;
  if (t < w) return t / Math.max(1, w);
  const span = Math.max(1, schedule.totalSteps - w);
  if (schedule.kind === 'linear') return Math.max(0, (schedule.totalSteps - t) / span);
  const m = schedule.minRatio ?? 0;
  const p = Math.min(1, (t - w) / span);
  return m + (1 - m) * 0.5 * (1 + Math.cos(Math.PI * p));
}

/** The same multiplier in the graph, from a float scalar t. */
function scheduleGraph(g: GraphBuilder, schedule: Schedule | undefined, t: TensorRef): TensorRef {
  const c = (v: number): TensorRef => g.scalar(v, t.dtype);
  if (!schedule || schedule.kind === 'constant') return c(1);

  const w = schedule.warmupSteps;
  const span = Math.max(1, schedule.totalSteps - w);
  const warm = g.mul(t, c(1 / Math.max(1, w)));
  let after: TensorRef;
  if (schedule.kind === 'linear') {
    after = g.max(c(0), g.mul(g.sub(c(schedule.totalSteps), t), c(1 / span)));
  } else {
    const m = schedule.minRatio ?? 0;
    const p = g.min(c(1), g.mul(g.sub(t, c(w)), c(1 / span)));
    // Cos has no gradient entry, and needs none: nothing differentiates through the schedule.
    const cos = g.node('Cos', [g.mul(p, c(Math.PI))], {}, [{ dtype: t.dtype, shape: [] }])[0];
    after = g.add(c(m), g.mul(c((1 - m) * 0.5), g.add(c(1), cos)));
  }
  return g.where(g.less(t, c(w)), warm, after);
}

function validate(spec: OptimizerSpec): void {
  const bad = (m: string): never => {
    throw new GraftError('invalid-argument', `optimizer: ${m}`);
  };
  if (spec.kind !== 'sgd' && spec.kind !== 'adamw') {
    bad(`kind must be 'sgd' or 'adamw', got '${(spec as { kind: string }).kind}'`);
  }
  if (!(spec.lr > 0)) bad(`lr must be > 0, got ${spec.lr}`);
  if (spec.clipNorm !== undefined && !(spec.clipNorm > 0)) {
    bad(`clipNorm must be > 0, got ${spec.clipNorm}`);
  }
  const s = spec.schedule;
  if (s && s.kind !== 'constant' && !(s.totalSteps > s.warmupSteps && s.warmupSteps >= 0)) {
    bad(`schedule needs 0 <= warmupSteps < totalSteps, got ${s.warmupSteps} and ${s.totalSteps}`);
  }
}

function groupOf(spec: OptimizerSpec, key: string): { lr: number; wd: number } {
  const group = (spec.groups ?? []).find((gr) =>
    typeof gr.match === 'function' ? gr.match(key) : gr.match.includes(key),
  );
  return { lr: group?.lr ?? spec.lr, wd: group?.weightDecay ?? spec.weightDecay ?? 0 };
}

/**
 * Append one optimizer update. `step` is an int64 scalar (steps already taken), `baseLr` a float
 * scalar (the spec's lr, fed; group rates scale with it). State inputs are created in g, named
 * `<key>.<slot>`, to be fed (zeros at first) and replaced by the outputs after each step.
 */
export function optimizerStep(
  g: GraphBuilder,
  spec: OptimizerSpec,
  params: readonly ParamAndGrad[],
  step: TensorRef,
  baseLr: TensorRef,
  stateName: (key: string, slot: string) => string = (k, s) => `${k}.${s}`,
): OptimizerStep {
  validate(spec);
  const cf = (v: number): TensorRef => g.scalar(v, baseLr.dtype);
  const tf = g.cast(step, baseLr.dtype);
  const lr = g.mul(baseLr, scheduleGraph(g, spec.schedule, tf));

  // Global norm ‖g‖ = √∑ᵢ ∑ gᵢ²; clipping scales every gradient by min(1, clip / (‖g‖ + 1e-6)).
  const squares = params.map((p) => g.cast(g.reduceSum(g.mul(p.grad, p.grad)), baseLr.dtype));
  const norm = g.sqrt(squares.length === 1 ? squares[0] : sumOf(g, squares));
  const clip = spec.clipNorm;
  const scale = clip === undefined ? null : g.min(cf(1), g.div(cf(clip), g.add(norm, cf(1e-6))));
  const grads = params.map((p) => (scale ? g.mul(p.grad, g.cast(scale, p.grad.dtype)) : p.grad));

  const state: StateSlot[] = [];
  const slot = (key: string, name: string, like: TensorRef): TensorRef => {
    return g.input(stateName(key, name), like.dtype, like.shape);
  };
  const keep = (key: string, input: TensorRef, output: TensorRef): void => {
    state.push({ param: key, input, output });
  };

  const newParams = params.map((p, i) => {
    // Per-parameter maths runs in the parameter's dtype (the rate and step are float32).
    const pd = p.param.dtype;
    const c = (v: number): TensorRef => g.scalar(v, pd);
    const t = g.cast(tf, pd);
    const { lr: groupLr, wd } = groupOf(spec, p.key);
    const plr = g.cast(groupLr === spec.lr ? lr : g.mul(lr, cf(groupLr / spec.lr)), pd);
    const grad = grads[i];

    if (spec.kind === 'sgd') {
      // L2 (coupled): g ← g + wd·p; b ← μ·b + g; p ← p − lr·(nesterov ? g + μ·b : b)
      const mu = spec.momentum ?? 0;
      const gd = wd > 0 ? g.add(grad, g.mul(p.param, c(wd))) : grad;
      if (mu === 0) return g.sub(p.param, g.mul(gd, plr));
      const b0 = slot(p.key, 'momentum', p.param);
      const b = g.add(g.mul(b0, c(mu)), gd);
      keep(p.key, b0, b);
      const dir = spec.nesterov ? g.add(gd, g.mul(b, c(mu))) : b;
      return g.sub(p.param, g.mul(dir, plr));
    }

    // AdamW: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; m̂ = m/(1−β₁ᵗ⁺¹); v̂ = v/(1−β₂ᵗ⁺¹);
    // p ← p − lr·(m̂ / (√v̂ + ε) + wd·p)
    const [b1, b2, eps] = [spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.eps ?? 1e-8];
    const m0 = slot(p.key, 'm', p.param);
    const v0 = slot(p.key, 'v', p.param);
    const m = g.add(g.mul(m0, c(b1)), g.mul(grad, c(1 - b1)));
    const v = g.add(g.mul(v0, c(b2)), g.mul(g.mul(grad, grad), c(1 - b2)));
    keep(p.key, m0, m);
    keep(p.key, v0, v);
    const t1 = g.add(t, c(1));
    const mHat = g.div(m, g.sub(c(1), g.pow(c(b1), t1)));
    const vHat = g.div(v, g.sub(c(1), g.pow(c(b2), t1)));
    let update = g.div(mHat, g.add(g.sqrt(vHat), c(eps)));
    if (wd > 0) update = g.add(update, g.mul(p.param, c(wd)));
    return g.sub(p.param, g.mul(update, plr));
  });

  return { newParams, state, lr, gradNorm: norm };
}

function sumOf(g: GraphBuilder, xs: readonly TensorRef[]): TensorRef {
  return g.node('Sum', xs, {}, [{ dtype: xs[0].dtype, shape: [] }])[0];
}
