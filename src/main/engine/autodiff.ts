/**
 * Reverse-mode autodiff over the builder's recorded nodes.
 *
 * `gradients` appends the backward pass to the same graph: it walks the nodes that lie on a path
 * from a `wrt` tensor to the loss, newest first, and asks the gradient table (gradients-table.ts,
 * one entry per op) for each input's gradient. Nothing is emitted for frozen parameters or
 * constants: an input gets a gradient only when it depends on a `wrt` tensor.
 *
 * Broadcasting is undone from the build-time shapes (`unbroadcast`), so symbolic dims cost no
 * Shape ops unless a gradient must be expanded back to a symbolic shape.
 */
import { GraftError, invariant } from '../../shared/errors';
import type { GraphBuilder, OpNode } from './graph';
import { GRADIENTS } from './gradients-table';
import type { Dim, TensorRef } from './types';
import { formatShape, isFloat, staticSize } from './types';

/** What a gradient entry may use besides the builder. */
export interface GradContext {
  readonly g: GraphBuilder;
  /** Sum dy over the axes that broadcasting added or stretched, giving `shape`. */
  unbroadcast(dy: TensorRef, shape: readonly Dim[]): TensorRef;
  /** Zeros with x's dtype and shape. */
  zerosLike(x: TensorRef): TensorRef;
  /** Broadcast dy up to x's shape. */
  expandLike(dy: TensorRef, x: TensorRef): TensorRef;
  /** Reshape dy to x's shape. */
  reshapeLike(dy: TensorRef, x: TensorRef): TensorRef;
  /** A scalar constant with `like`'s dtype. */
  scalar(value: number, like: TensorRef): TensorRef;
  /** The numbers of a constant int64 input (axes, starts, ...). */
  ints(ref: TensorRef | null, op: string): number[] | null;
}

/**
 * Gradient function of one op: maps the output gradients (null where an output does not reach
 * the loss) to one gradient per input, computed only where `needs[i]`.
 */
export type GradFn = (
  c: GradContext,
  node: OpNode,
  dys: readonly TensorRef[],
  needs: readonly boolean[],
) => (TensorRef | null)[];

/**
 * Append d(loss)/d(w) for every w in `wrt` to g and return them in order. `loss` must be a float
 * scalar. A `wrt` tensor the loss does not depend on gets zeros.
 */
export function gradients(
  g: GraphBuilder,
  loss: TensorRef,
  wrt: readonly TensorRef[],
): TensorRef[] {
  if (!isFloat(loss.dtype) || staticSize(loss.shape) !== 1) {
    throw new GraftError(
      'invalid-argument',
      `gradients: loss must be a float scalar, got ${loss.dtype}${formatShape(loss.shape)}`,
    );
  }
  const nodes = [...g.nodes()];
  const c = context(g);

  // Forward: which values depend on a wrt tensor (float values only; ints carry no gradient).
  const active = new Set<string>(wrt.map((w) => w.name));
  for (const n of nodes) {
    if (n.inputs.some((i) => i && active.has(i.name))) {
      for (const o of n.outputs) if (isFloat(o.dtype)) active.add(o.name);
    }
  }

  // Backward: which values the loss depends on; a node matters if it is on both sides.
  const needed = new Set<string>([loss.name]);
  const onPath: OpNode[] = [];
  for (let k = nodes.length - 1; k >= 0; k--) {
    const n = nodes[k];
    if (!n.outputs.some((o) => needed.has(o.name) && active.has(o.name))) continue;
    onPath.push(n);
    for (const i of n.inputs) if (i && active.has(i.name)) needed.add(i.name);
  }

  // Walk the path newest first, accumulating contributions per value.
  const contributions = new Map<string, TensorRef[]>();
  contributions.set(loss.name, [c.scalar(1, loss)]);
  const total = (ref: TensorRef): TensorRef | null => sumAll(g, contributions.get(ref.name));

  for (const n of onPath) {
    const dys = n.outputs.map(total);
    if (dys.every((d) => d === null)) continue;

    const fn = GRADIENTS[n.op];
    if (!fn) {
      const known = Object.keys(GRADIENTS).sort().join(', ');
      const message = `gradients: no gradient for ${n.op}; the table has ${known}`;
      throw new GraftError('unsupported', message);
    }
    const filled = dys.map((d, i) => d ?? c.zerosLike(n.outputs[i]));
    const needs = n.inputs.map((i) => i !== null && active.has(i.name));
    const dxs = fn(c, n, filled, needs);

    n.inputs.forEach((input, i) => {
      const dx = dxs[i];
      if (!input || !needs[i] || !dx) return;
      const list = contributions.get(input.name) ?? [];
      list.push(dx);
      contributions.set(input.name, list);
    });
    for (const o of n.outputs) contributions.delete(o.name); // consumed; frees the table
  }

  return wrt.map((w) => total(w) ?? c.zerosLike(w));
}

function sumAll(g: GraphBuilder, refs: TensorRef[] | undefined): TensorRef | null {
  if (!refs || refs.length === 0) return null;
  if (refs.length === 1) return refs[0];
  const spec = [{ dtype: refs[0].dtype, shape: refs[0].shape }];
  const sum = g.node('Sum', refs, {}, spec)[0];
  refs.splice(0, refs.length, sum);
  return sum;
}

function context(g: GraphBuilder): GradContext {
  const scalar = (value: number, like: TensorRef): TensorRef => g.scalar(value, like.dtype);

  const isStatic = (shape: readonly Dim[]): shape is readonly number[] =>
    shape.every((d) => typeof d === 'number');

  const unbroadcast = (dy: TensorRef, shape: readonly Dim[]): TensorRef => {
    // Leading axes that broadcasting added are summed away; axes stretched from 1 are summed
    // with keepdims. Shapes are compared at build time, so nothing here depends on run time.
    const lead = dy.shape.length - shape.length;
    invariant(lead >= 0, `unbroadcast: ${formatShape(dy.shape)} to ${formatShape(shape)}`);
    let out = dy;
    if (lead > 0)
      out = g.reduceSum(
        out,
        Array.from({ length: lead }, (_, i) => i),
        false,
      );
    const stretched = shape.flatMap((d, i) => (d === 1 && out.shape[i] !== 1 ? [i] : []));
    if (stretched.length > 0) out = g.reduceSum(out, stretched, true);
    return out;
  };

  const zerosLike = (x: TensorRef): TensorRef =>
    isStatic(x.shape)
      ? g.expand(g.scalar(0, x.dtype), [...x.shape])
      : g.expand(g.scalar(0, x.dtype), g.shapeOf(x), x.shape);

  const expandLike = (dy: TensorRef, x: TensorRef): TensorRef =>
    isStatic(x.shape) ? g.expand(dy, [...x.shape]) : g.expand(dy, g.shapeOf(x), x.shape);

  const reshapeLike = (dy: TensorRef, x: TensorRef): TensorRef =>
    isStatic(x.shape) ? g.reshape(dy, [...x.shape]) : g.reshape(dy, g.shapeOf(x), x.shape);

  const ints = (ref: TensorRef | null, op: string): number[] | null => {
    if (!ref) return null;
    const data = g.constantValue(ref);
    if (!data) {
      const message = `gradients: ${op} needs constant ${ref.name} at build time`;
      throw new GraftError('unsupported', message);
    }
    return Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
  };

  return { g, unbroadcast, zerosLike, expandLike, reshapeLike, scalar, ints };
}
