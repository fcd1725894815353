/**
 * The gradient table: one entry per differentiable ONNX op, each a vector-Jacobian product.
 *
 * Notation in the one-line comments: y is the op's output, dy the gradient arriving at y, dx the
 * gradient leaving for input x; ∑ₐ sums over axes a; ub(·) undoes broadcasting (GradContext).
 * Every entry is checked against finite differences in gradients.test.ts.
 */
import { GraftError } from '../../shared/errors';
import type { GradContext, GradFn } from './autodiff';
import type { OpNode } from './graph';
import type { TensorRef } from './types';

type Dx = TensorRef | null;

function attrInt(node: OpNode, name: string, fallback: number): number {
  const a = node.attrs[name];
  return a && a.kind === 'int' ? a.value : fallback;
}

function attrFloat(node: OpNode, name: string, fallback: number): number {
  const a = node.attrs[name];
  return a && a.kind === 'float' ? a.value : fallback;
}

function input(node: OpNode, i: number): TensorRef {
  const ref = node.inputs[i];
  if (!ref) throw new GraftError('internal', `${node.op}: input ${i} is missing`);
  return ref;
}

function axesOf(c: GradContext, node: OpNode, rank: number): number[] {
  const given = c.ints(node.inputs[1] ?? null, node.op);
  const axes = given && given.length > 0 ? given : Array.from({ length: rank }, (_, i) => i);
  return axes.map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
}

/** dy of a reduction, with the reduced axes restored as size 1 (keepdims). */
function keepDims(c: GradContext, node: OpNode, dy: TensorRef): TensorRef {
  const x = input(node, 0);
  if (attrInt(node, 'keepdims', 1) === 1) return dy;
  return c.g.unsqueeze(dy, axesOf(c, node, x.shape.length));
}

/** Swap the last two axes. */
function swapLast(c: GradContext, x: TensorRef): TensorRef {
  const r = x.shape.length;
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return c.g.transpose(x, perm);
}

const lift = (f: (c: GradContext, n: OpNode, dy: TensorRef) => TensorRef): GradFn => {
  return (c, n, dys) => [f(c, n, dys[0])];
};

export const GRADIENTS: Readonly<Record<string, GradFn>> = {
  // y = a + b: da = ub(dy), db = ub(dy)
  Add: (c, n, [dy], need) => [
    need[0] ? c.unbroadcast(dy, input(n, 0).shape) : null,
    need[1] ? c.unbroadcast(dy, input(n, 1).shape) : null,
  ],

  // y = a − b: da = ub(dy), db = −ub(dy)
  Sub: (c, n, [dy], need) => [
    need[0] ? c.unbroadcast(dy, input(n, 0).shape) : null,
    need[1] ? c.g.neg(c.unbroadcast(dy, input(n, 1).shape)) : null,
  ],

  // y = a·b: da = ub(dy·b), db = ub(dy·a)
  Mul: (c, n, [dy], need) => [
    need[0] ? c.unbroadcast(c.g.mul(dy, input(n, 1)), input(n, 0).shape) : null,
    need[1] ? c.unbroadcast(c.g.mul(dy, input(n, 0)), input(n, 1).shape) : null,
  ],

  // y = a / b: da = ub(dy / b), db = ub(−dy·y / b)
  Div: (c, n, [dy], need) => [
    need[0] ? c.unbroadcast(c.g.div(dy, input(n, 1)), input(n, 0).shape) : null,
    need[1]
      ? c.unbroadcast(c.g.neg(c.g.div(c.g.mul(dy, n.outputs[0]), input(n, 1))), input(n, 1).shape)
      : null,
  ],

  // y = aᵇ: da = ub(dy·b·aᵇ⁻¹), db = ub(dy·y·ln a)
  Pow: (c, n, [dy], need) => {
    const [a, b] = [input(n, 0), input(n, 1)];
    const g = c.g;
    return [
      need[0]
        ? c.unbroadcast(g.mul(dy, g.mul(b, g.pow(a, g.sub(b, c.scalar(1, b))))), a.shape)
        : null,
      need[1] ? c.unbroadcast(g.mul(g.mul(dy, n.outputs[0]), g.log(a)), b.shape) : null,
    ];
  },

  // y = max(a, b): da = ub(dy·[a ≥ b]), db = ub(dy·[a < b])
  Max: (c, n, [dy], need) => pick(c, n, dy, need, c.g.less(input(n, 0), input(n, 1))),

  // y = min(a, b): da = ub(dy·[a ≤ b]), db = ub(dy·[a > b])
  Min: (c, n, [dy], need) => pick(c, n, dy, need, c.g.greater(input(n, 0), input(n, 1))),

  // y = −x: dx = −dy
  Neg: lift((c, _n, dy) => c.g.neg(dy)),

  // y = |x|: dx = dy·sign(x)
  Abs: lift((c, n, dy) => {
    const x = input(n, 0);
    return c.g.mul(dy, c.g.node('Sign', [x], {}, [{ dtype: x.dtype, shape: x.shape }])[0]);
  }),

  // y = eˣ: dx = dy·y
  Exp: lift((c, n, dy) => c.g.mul(dy, n.outputs[0])),

  // y = ln x: dx = dy / x
  Log: lift((c, n, dy) => c.g.div(dy, input(n, 0))),

  // y = √x: dx = dy / (2y)
  Sqrt: lift((c, n, dy) => c.g.div(dy, c.g.mul(c.scalar(2, dy), n.outputs[0]))),

  // y = erf x: dx = dy·(2/√π)·e^(−x²)
  Erf: lift((c, n, dy) => {
    const x = input(n, 0);
    const bump = c.g.exp(c.g.neg(c.g.mul(x, x)));
    return c.g.mul(dy, c.g.mul(c.scalar(2 / Math.sqrt(Math.PI), x), bump));
  }),

  // y = tanh x: dx = dy·(1 − y²)
  Tanh: lift((c, n, dy) => {
    const y = n.outputs[0];
    return c.g.mul(dy, c.g.sub(c.scalar(1, y), c.g.mul(y, y)));
  }),

  // y = σ(x): dx = dy·y·(1 − y)
  Sigmoid: lift((c, n, dy) => {
    const y = n.outputs[0];
    return c.g.mul(dy, c.g.mul(y, c.g.sub(c.scalar(1, y), y)));
  }),

  // y = ln(1 + eˣ): dx = dy·σ(x)
  Softplus: lift((c, n, dy) => c.g.mul(dy, c.g.sigmoid(input(n, 0)))),

  // y = max(x, 0): dx = dy·[x > 0]
  Relu: lift((c, n, dy) => {
    const x = input(n, 0);
    return c.g.where(c.g.greater(x, c.scalar(0, x)), dy, c.scalar(0, dy));
  }),

  // y = x: dx = dy
  Identity: lift((_c, _n, dy) => dy),

  // y = cast(x): dx = cast(dy) back to x's float type
  Cast: lift((c, n, dy) => c.g.cast(dy, input(n, 0).dtype)),

  // y = cond ? a : b: da = ub(cond ? dy : 0), db = ub(cond ? 0 : dy)
  Where: (c, n, [dy], need) => {
    const [cond, a, b] = [input(n, 0), input(n, 1), input(n, 2)];
    const zero = c.scalar(0, dy);
    return [
      null,
      need[1] ? c.unbroadcast(c.g.where(cond, dy, zero), a.shape) : null,
      need[2] ? c.unbroadcast(c.g.where(cond, zero, dy), b.shape) : null,
    ];
  },

  // y = a·b (batched): da = ub(dy·bᵀ), db = ub(aᵀ·dy)
  MatMul: (c, n, [dy], need) => {
    const [a, b] = [input(n, 0), input(n, 1)];
    if (a.shape.length < 2 || b.shape.length < 2) {
      const hint = 'use [1, K] or [K, 1]';
      throw new GraftError('unsupported', `gradients: MatMul with a 1-D operand (${hint})`);
    }
    const da = need[0] ? c.unbroadcast(c.g.matMul(dy, swapLast(c, b)), a.shape) : null;
    if (!need[1]) return [da, null];

    // A shared 2-D weight under a batched a: fold the batch axes into one GEMM, aᵀ·dy.
    if (b.shape.length === 2 && a.shape.length > 2) {
      const a2 = c.g.reshape(a, [-1, a.shape[a.shape.length - 1] as number]);
      const dy2 = c.g.reshape(dy, [-1, dy.shape[dy.shape.length - 1] as number]);
      return [da, c.g.gemm(a2, dy2, null, { transA: true })];
    }
    return [da, c.unbroadcast(c.g.matMul(swapLast(c, a), dy), b.shape)];
  },

  // y = α·A'·B' + β·C: dA' = α·dy·B'ᵀ, dB' = α·A'ᵀ·dy, dC = β·ub(dy)
  Gemm: (c, n, [dy], need) => {
    const [a, b] = [input(n, 0), input(n, 1)];
    const alpha = attrFloat(n, 'alpha', 1);
    const beta = attrFloat(n, 'beta', 1);
    const tA = attrInt(n, 'transA', 0) === 1;
    const tB = attrInt(n, 'transB', 0) === 1;
    const da = !need[0]
      ? null
      : tA
        ? c.g.gemm(b, dy, null, { transA: tB, transB: true, alpha })
        : c.g.gemm(dy, b, null, { transB: !tB, alpha });
    const db = !need[1]
      ? null
      : tB
        ? c.g.gemm(dy, a, null, { transA: true, transB: tA, alpha })
        : c.g.gemm(a, dy, null, { transA: !tA, alpha });
    const cIn = n.inputs[2];
    const dc = cIn && need[2] ? c.g.mul(c.unbroadcast(dy, cIn.shape), c.scalar(beta, dy)) : null;
    return [da, db, dc];
  },

  // y = softmax(x): dx = y·(dy − ∑ₐ(dy·y))
  Softmax: lift((c, n, dy) => {
    const y = n.outputs[0];
    const axis = attrInt(n, 'axis', -1);
    return c.g.mul(y, c.g.sub(dy, c.g.reduceSum(c.g.mul(dy, y), [axis], true)));
  }),

  // y = log softmax(x): dx = dy − eʸ·∑ₐ dy
  LogSoftmax: lift((c, n, dy) => {
    const axis = attrInt(n, 'axis', -1);
    return c.g.sub(dy, c.g.mul(c.g.exp(n.outputs[0]), c.g.reduceSum(dy, [axis], true)));
  }),

  // y = ∑ₐ x: dx = expand(dy)
  ReduceSum: lift((c, n, dy) => c.expandLike(keepDims(c, n, dy), input(n, 0))),

  // y = ∑ₐ x / N: dx = expand(dy) / N
  ReduceMean: lift((c, n, dy) => {
    const x = input(n, 0);
    const dims = axesOf(c, n, x.shape.length).map((a) => x.shape[a]);
    const count = dims.every((d) => typeof d === 'number')
      ? c.scalar(
          (dims as number[]).reduce((p, d) => p * d, 1),
          dy,
        )
      : runtimeCount(c, x, n.outputs[0], dy);
    return c.g.div(c.expandLike(keepDims(c, n, dy), x), count);
  }),

  // y = maxₐ x: dx = dy·[x = y] / #ties
  ReduceMax: lift((c, n, dy) => {
    const x = input(n, 0);
    const yk = keepDims(c, n, n.outputs[0]);
    const mask = c.g.cast(c.g.equal(x, c.expandLike(yk, x)), x.dtype);
    const ties = c.g.reduceSum(mask, axesOf(c, n, x.shape.length), true);
    return c.g.mul(mask, c.g.div(keepDims(c, n, dy), ties));
  }),

  // y = x̂·s + b, x̂ = (x − μ)·r, r = (σ² + ε)^(−½):
  // dx = r·(d − mean(d) − x̂·mean(d·x̂)) with d = dy·s; ds = ub(dy·x̂); db = ub(dy)
  LayerNormalization: (c, n, [dy], need) => {
    const [x, s, b] = [input(n, 0), input(n, 1), input(n, 2)];
    const g = c.g;
    const rank = x.shape.length;
    const axis = attrInt(n, 'axis', -1);
    const first = axis < 0 ? axis + rank : axis;
    const axes = Array.from({ length: rank - first }, (_, i) => first + i);
    const xc = g.sub(x, g.reduceMean(x, axes, true));
    const variance = g.reduceMean(g.mul(xc, xc), axes, true);
    const eps = c.scalar(attrFloat(n, 'epsilon', 1e-5), x);
    const r = g.div(c.scalar(1, x), g.sqrt(g.add(variance, eps)));
    const xhat = g.mul(xc, r);

    let dx: Dx = null;
    if (need[0]) {
      const d = g.mul(dy, s);
      const centred = g.sub(d, g.reduceMean(d, axes, true));
      dx = g.mul(r, g.sub(centred, g.mul(xhat, g.reduceMean(g.mul(d, xhat), axes, true))));
    }
    return [
      dx,
      need[1] ? c.unbroadcast(g.mul(dy, xhat), s.shape) : null,
      need[2] ? c.unbroadcast(dy, b.shape) : null,
    ];
  },

  // y = reshape(x): dx = reshape(dy, shape(x))
  Reshape: (c, n, [dy]) => [c.reshapeLike(dy, input(n, 0)), null],

  // y = expand(x): dx = ub(dy)
  Expand: (c, n, [dy]) => [c.unbroadcast(dy, input(n, 0).shape), null],

  // y = squeeze(x, a): dx = reshape(dy, shape(x))
  Squeeze: (c, n, [dy]) => [c.reshapeLike(dy, input(n, 0)), null],

  // y = unsqueeze(x, a): dx = squeeze(dy, a)
  Unsqueeze: (c, n, [dy]) => [c.g.squeeze(dy, c.ints(input(n, 1), 'Unsqueeze') ?? []), null],

  // y = transpose(x, p): dx = transpose(dy, p⁻¹)
  Transpose: lift((c, n, dy) => {
    const a = n.attrs.perm;
    const rank = dy.shape.length;
    const reversed = Array.from({ length: rank }, (_, i) => rank - 1 - i);
    const perm = a && a.kind === 'ints' ? a.value : reversed;
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return c.g.transpose(dy, inverse);
  }),

  // y = concat(xᵢ, a): dxᵢ = split(dy, sizes, a)ᵢ
  Concat: (c, n, [dy]) => {
    const axis = attrInt(n, 'axis', 0);
    const sizes = n.inputs.map((x) => x?.shape[axis < 0 ? axis + dy.shape.length : axis]);
    if (sizes.some((s) => typeof s !== 'number')) {
      throw new GraftError('unsupported', 'gradients: Concat along a symbolic axis');
    }
    return c.g.split(dy, sizes as number[], axis);
  },

  // yᵢ = split(x, a)ᵢ: dx = concat(dyᵢ, a)
  Split: (c, n, dys) => [c.g.concat(dys, attrInt(n, 'axis', 0)), null],

  // y = x[s:e] along axes: dx = pad(dy) with zeros back to x's extent
  Slice: (c, n, [dy]) => [padBack(c, n, dy), null, null, null, null],

  // y = data[idx] on axis 0: d(data) = scatter-add of dy rows at idx
  Gather: (c, n, [dy], need) => {
    const [data, idx] = [input(n, 0), input(n, 1)];
    if (attrInt(n, 'axis', 0) !== 0) {
      throw new GraftError('unsupported', 'gradients: Gather on an axis other than 0');
    }
    if (!need[0]) return [null, null];
    const where = c.g.unsqueeze(c.g.cast(idx, 'int64'), [-1]);
    const spec = [{ dtype: data.dtype, shape: data.shape }];
    const attrs = { reduction: { kind: 'string', value: 'add' } } as const;
    return [c.g.node('ScatterND', [c.zerosLike(data), where, dy], attrs, spec)[0], null];
  },
};

/** Max/Min: the first input wins where `lose` is false. */
function pick(
  c: GradContext,
  n: OpNode,
  dy: TensorRef,
  need: readonly boolean[],
  lose: TensorRef,
): Dx[] {
  const zero = c.scalar(0, dy);
  return [
    need[0] ? c.unbroadcast(c.g.where(lose, zero, dy), input(n, 0).shape) : null,
    need[1] ? c.unbroadcast(c.g.where(lose, dy, zero), input(n, 1).shape) : null,
  ];
}

/** Elements reduced into each output, when dims are symbolic: size(x) / size(y). */
function runtimeCount(c: GradContext, x: TensorRef, y: TensorRef, like: TensorRef): TensorRef {
  const size = (t: TensorRef): TensorRef =>
    c.g.node('ReduceProd', [c.g.shapeOf(t)], { keepdims: { kind: 'int', value: 0 } }, [
      { dtype: 'int64', shape: [] },
    ])[0];
  return c.g.cast(c.g.div(size(x), size(y)), like.dtype);
}

/**
 * Pads for Slice's backward. Static dims clamp like ONNX; on a symbolic dim the slice is taken
 * to be in range, so a negative end e pads −e and a start s ≥ 0 pads s.
 */
function padBack(c: GradContext, n: OpNode, dy: TensorRef): TensorRef {
  const x = input(n, 0);
  const rank = x.shape.length;
  const starts = c.ints(n.inputs[1], 'Slice') ?? [];
  const ends = c.ints(n.inputs[2], 'Slice') ?? [];
  const axes = (c.ints(n.inputs[3] ?? null, 'Slice') ?? starts.map((_, i) => i)).map((a) =>
    a < 0 ? a + rank : a,
  );
  const steps = c.ints(n.inputs[4] ?? null, 'Slice');
  if (steps && steps.some((s) => s !== 1)) {
    throw new GraftError('unsupported', 'gradients: Slice with steps other than 1');
  }

  const begin: TensorRef[] = [];
  const end: TensorRef[] = [];
  axes.forEach((ax, k) => {
    const d = x.shape[ax];
    const one = (v: number): TensorRef => c.g.constant([v], 'int64', [1]);
    if (typeof d === 'number') {
      const s = clamp(starts[k], d);
      begin.push(one(s));
      end.push(one(d - Math.max(s, clamp(ends[k], d))));
      return;
    }
    if (starts[k] < 0) {
      throw new GraftError('unsupported', 'gradients: Slice from the end of a symbolic dim');
    }
    begin.push(one(starts[k]));
    if (ends[k] < 0) end.push(one(-ends[k]));
    else if (ends[k] >= 2 ** 31) end.push(one(0));
    else end.push(c.g.sub(c.g.shapeOf(x, ax, ax + 1), one(ends[k])));
  });

  const pads = c.g.concat([...begin, ...end], 0);
  const spec = [{ dtype: dy.dtype, shape: x.shape }];
  const axesRef = c.g.constant(axes, 'int64', [axes.length]);
  return c.g.node('Pad', [dy, pads, null, axesRef], {}, spec)[0];
}

function clamp(i: number, d: number): number {
  const j = i < 0 ? i + d : i;
  return Math.min(Math.max(j, 0), d);
}
