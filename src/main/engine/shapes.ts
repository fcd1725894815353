/**
 * Build-time shape inference for the builder's ops.
 *
 * Every function takes the op name for its error messages, so a failure reads
 * "matMul: inner dims differ: [batch, 3] · [4, 2]". Symbolic dims are strings; two equal strings
 * are the same size, and products/sums of symbols become new symbol strings ('batch*16').
 */
import { GraftError } from '../../shared/errors';
import type { Dim } from './types';
import { formatShape } from './types';

function fail(op: string, message: string): never {
  throw new GraftError('invalid-argument', `${op}: ${message}`);
}

/** Normalise a possibly negative axis against a rank, naming the op when out of range. */
export function normAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    fail(op, `axis ${axis} is outside [${-rank}, ${rank - 1}] for a rank-${rank} tensor`);
  }
  return axis < 0 ? axis + rank : axis;
}

export function sameDim(a: Dim, b: Dim): boolean {
  return a === b;
}

/** numpy broadcasting of two shapes. */
export function broadcast(op: string, a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];

  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    out.push(broadcastDim(op, da, db, a, b));
  }
  return out;
}

function broadcastDim(op: string, da: Dim, db: Dim, a: readonly Dim[], b: readonly Dim[]): Dim {
  if (sameDim(da, db)) return da;
  if (da === 1) return db;
  if (db === 1) return da;

  // A symbol against a static size > 1 must be that size for the op to be valid at all.
  if (typeof da === 'string' && typeof db === 'number') return db;
  if (typeof db === 'string' && typeof da === 'number') return da;

  return fail(op, `shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast`);
}

export function broadcastAll(op: string, shapes: readonly (readonly Dim[])[]): Dim[] {
  return shapes.reduce<Dim[]>((acc, s) => broadcast(op, acc, s), []);
}

/** numpy matmul shape rules, including 1-D operands. */
export function matMulShape(op: string, a: readonly Dim[], b: readonly Dim[]): Dim[] {
  if (a.length === 0 || b.length === 0) fail(op, 'operands must be at least 1-D');

  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const k1 = a2[a2.length - 1];
  const k2 = b2[b2.length - 2];
  if (!sameDim(k1, k2) && typeof k1 === 'number' && typeof k2 === 'number') {
    fail(op, `inner dims differ: ${formatShape(a)} · ${formatShape(b)}`);
  }
  if (!sameDim(k1, k2) && (typeof k1 === 'string') === (typeof k2 === 'string')) {
    const both = `${formatShape(a)} · ${formatShape(b)}`;
    fail(op, `inner dims ${k1} and ${k2} cannot be proven equal: ${both}`);
  }

  const batch = broadcast(op, a2.slice(0, -2), b2.slice(0, -2));
  const out = [...batch, a2[a2.length - 2], b2[b2.length - 1]];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.splice(out.length - 1, 1);
  return out;
}

/** Shape after reducing `axes` (all axes when null). */
export function reduceShape(
  op: string,
  shape: readonly Dim[],
  axes: readonly number[] | null,
  keepdims: boolean,
): Dim[] {
  const all = axes === null || axes.length === 0;
  const picked = all ? shape.map((_, i) => i) : axes.map((a) => normAxis(op, a, shape.length));
  const set = new Set(picked);
  const out: Dim[] = [];
  shape.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/** Product of dims as a Dim: a number when all are static, else a symbol string. */
export function dimProduct(dims: readonly Dim[]): Dim {
  let n = 1;
  const symbols: string[] = [];
  for (const d of dims) {
    if (typeof d === 'number') n *= d;
    else symbols.push(d);
  }
  if (symbols.length === 0) return n;
  if (n === 1 && symbols.length === 1) return symbols[0];
  return [...symbols, ...(n === 1 ? [] : [String(n)])].join('*');
}

/** Reshape target with ONNX's 0 (copy) and -1 (infer) rules. */
export function reshapeShape(op: string, input: readonly Dim[], target: readonly number[]): Dim[] {
  const out: Dim[] = target.map((t, i) => {
    if (t === 0) {
      if (i >= input.length) fail(op, `0 at position ${i} has no input dim to copy`);
      return input[i];
    }
    return t;
  });
  const inferAt = target.indexOf(-1);
  if (target.some((t) => t < -1 || !Number.isInteger(t))) {
    fail(op, `target ${formatShape(target)} may only hold sizes, 0 and -1`);
  }
  if (target.lastIndexOf(-1) !== inferAt) fail(op, `target ${formatShape(target)} has two -1`);

  if (inferAt < 0) {
    checkSameSize(op, input, out);
    return out;
  }

  // Cancel symbols that appear on both sides, then divide the static parts.
  const inSyms = input.filter((d): d is string => typeof d === 'string');
  const outKnown = out.filter((_, i) => i !== inferAt);
  const outSyms = outKnown.filter((d): d is string => typeof d === 'string');
  const left = [...inSyms];
  for (const s of outSyms) {
    const k = left.indexOf(s);
    if (k < 0) fail(op, `cannot infer -1: ${s} in ${formatShape(target)} is not in the input`);
    left.splice(k, 1);
  }
  const inStatic = input.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
  const outStatic = outKnown.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
  if (outStatic === 0 || inStatic % outStatic !== 0) {
    if (left.length === 0) {
      fail(op, `cannot reshape ${formatShape(input)} to ${formatShape(target)}`);
    }
    out[inferAt] = `${dimProduct(left)}*${inStatic}/${outStatic}`;
    return out;
  }
  out[inferAt] = dimProduct([...left, inStatic / outStatic]);
  return out;
}

function checkSameSize(op: string, input: readonly Dim[], out: readonly Dim[]): void {
  const a = dimProduct(input);
  const b = dimProduct(out);
  if (typeof a === 'number' && typeof b === 'number' && a !== b) {
    fail(op, `cannot reshape ${formatShape(input)} (${a} elements) to ${formatShape(out)} (${b})`);
  }
}

export function transposeShape(op: string, shape: readonly Dim[], perm: readonly number[]): Dim[] {
  const sorted = [...perm].sort((x, y) => x - y);
  if (perm.length !== shape.length || sorted.some((p, i) => p !== i)) {
    fail(op, `perm ${formatShape(perm)} is not a permutation of the axes of ${formatShape(shape)}`);
  }
  return perm.map((p) => shape[p]);
}

export function concatShape(op: string, shapes: readonly (readonly Dim[])[], axis: number): Dim[] {
  if (shapes.length === 0) fail(op, 'needs at least one tensor');
  const rank = shapes[0].length;
  const ax = normAxis(op, axis, rank);
  const out = [...shapes[0]];

  for (const s of shapes.slice(1)) {
    if (s.length !== rank) {
      fail(op, `ranks differ: ${shapes.map((x) => formatShape(x)).join(', ')}`);
    }
    s.forEach((d, i) => {
      if (i !== ax && !sameDim(d, out[i]) && typeof d === 'number' && typeof out[i] === 'number') {
        fail(op, `dim ${i} differs: ${shapes.map((x) => formatShape(x)).join(', ')}`);
      }
    });
  }
  out[ax] = dimSum(shapes.map((s) => s[ax]));
  return out;
}

export function dimSum(dims: readonly Dim[]): Dim {
  if (dims.every((d) => typeof d === 'number')) {
    return (dims as number[]).reduce((p, d) => p + d, 0);
  }
  return dims.join('+');
}

/** Slice with step 1; clamps like ONNX on static dims. */
export function sliceShape(
  op: string,
  shape: readonly Dim[],
  starts: readonly number[],
  ends: readonly number[],
  axes: readonly number[],
): Dim[] {
  if (starts.length !== ends.length || starts.length !== axes.length) {
    fail(op, `starts, ends and axes must have one entry each per sliced axis`);
  }
  const out = [...shape];

  axes.forEach((a, k) => {
    const ax = normAxis(op, a, shape.length);
    const d = shape[ax];
    if (typeof d === 'number') {
      const s = clampIndex(starts[k], d);
      const e = clampIndex(ends[k], d);
      out[ax] = Math.max(0, e - s);
    } else if (starts[k] >= 0 && ends[k] >= 0 && ends[k] < 2 ** 31) {
      out[ax] = Math.max(0, ends[k] - starts[k]); // assumes the symbol is at least `end`
    } else if (starts[k] === 0 && ends[k] >= 2 ** 31) {
      out[ax] = d;
    } else {
      out[ax] = `${d}[${starts[k]}:${ends[k]}]`;
    }
  });
  return out;
}

export function clampIndex(i: number, d: number): number {
  const j = i < 0 ? i + d : i;
  return Math.min(Math.max(j, 0), d);
}

export function squeezeShape(op: string, shape: readonly Dim[], axes: readonly number[]): Dim[] {
  const set = new Set(axes.map((a) => normAxis(op, a, shape.length)));
  for (const a of set) {
    if (shape[a] !== 1 && typeof shape[a] === 'number') {
      fail(op, `axis ${a} of ${formatShape(shape)} has size ${shape[a]}, not 1`);
    }
  }
  return shape.filter((_, i) => !set.has(i));
}

export function unsqueezeShape(op: string, shape: readonly Dim[], axes: readonly number[]): Dim[] {
  const rank = shape.length + axes.length;
  const set = new Set(axes.map((a) => normAxis(op, a, rank)));
  if (set.size !== axes.length) fail(op, `repeated axes ${formatShape(axes)}`);
  const out: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(set.has(i) ? 1 : shape[j++]);
  return out;
}

export function gatherShape(
  op: string,
  data: readonly Dim[],
  indices: readonly Dim[],
  axis: number,
): Dim[] {
  const ax = normAxis(op, axis, data.length);
  return [...data.slice(0, ax), ...indices, ...data.slice(ax + 1)];
}
