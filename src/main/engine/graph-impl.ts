/**
 * The graph builder's reductions, shape ops and serialisation, and `createGraph`.
 * (graph.ts has the contract; graph-ops.ts the other ops; graph-core.ts the storage.)
 */
import type { Attrs, GraphBuilder, ModelOptions, OutputSpec } from './graph';
import type { BuilderOptions } from './graph-ops';
import { describe, fail, GraphOps, int } from './graph-ops';
import { encodeModel } from './onnx-proto';
import * as S from './shapes';
import type { Dim, TensorRef } from './types';
import { formatShape } from './types';

export const OPSET = 18;
export const IR_VERSION = 10;

const ints = (value: readonly number[]): { kind: 'ints'; value: readonly number[] } => ({
  kind: 'ints',
  value,
});

export type CreateGraphOptions = Omit<BuilderOptions, 'paramPrefix'>;

/** Start a new top-level graph. */
export function createGraph(name: string, opts: CreateGraphOptions = {}): GraphBuilder {
  return new GraphBuilderImpl(name, opts, null);
}

export class GraphBuilderImpl extends GraphOps implements GraphBuilder {
  constructor(name: string, opts: BuilderOptions, parent: GraphBuilderImpl | null) {
    super(name, opts, parent);
  }

  // ---- reductions ---------------------------------------------------------------------------

  private reduce(
    op: string,
    x: TensorRef,
    axes: readonly number[] | null,
    keepdims: boolean,
  ): TensorRef {
    const shape = S.reduceShape(op, x.shape, axes, keepdims);
    const inputs = axes && axes.length > 0 ? [x, this.int64s(axes)] : [x];
    const attrs: Attrs = { keepdims: int(keepdims ? 1 : 0) };
    return this.emit(op, inputs, attrs, [{ dtype: x.dtype, shape }])[0];
  }

  reduceSum(x: TensorRef, axes: readonly number[] | null = null, keepdims = false): TensorRef {
    return this.reduce('ReduceSum', x, axes, keepdims);
  }

  reduceMean(x: TensorRef, axes: readonly number[] | null = null, keepdims = false): TensorRef {
    return this.reduce('ReduceMean', x, axes, keepdims);
  }

  reduceMax(x: TensorRef, axes: readonly number[] | null = null, keepdims = false): TensorRef {
    return this.reduce('ReduceMax', x, axes, keepdims);
  }

  // ---- shape --------------------------------------------------------------------------------

  reshape(
    x: TensorRef,
    shape: readonly number[] | TensorRef,
    outShape?: readonly Dim[],
  ): TensorRef {
    if (isRef(shape)) {
      if (shape.dtype !== 'int64') {
        fail('Reshape', `shape tensor must be int64, got ${describe(shape)}`);
      }
      const n = shape.shape[0];
      if (!outShape && typeof n !== 'number') {
        fail('Reshape', `a shape tensor of unknown length needs outShape`);
      }
      // Without a hint every dim becomes its own symbol.
      const out = outShape ?? Array.from({ length: n as number }, (_, i) => `${x.name}_d${i}`);
      return this.emit('Reshape', [x, shape], {}, [{ dtype: x.dtype, shape: out }])[0];
    }
    const out = S.reshapeShape('Reshape', x.shape, shape);
    return this.emit('Reshape', [x, this.int64s(shape)], {}, [{ dtype: x.dtype, shape: out }])[0];
  }

  transpose(x: TensorRef, perm?: readonly number[]): TensorRef {
    const p = perm ?? x.shape.map((_, i) => x.shape.length - 1 - i);
    const shape = S.transposeShape('Transpose', x.shape, p);
    return this.emit('Transpose', [x], { perm: ints(p) }, [{ dtype: x.dtype, shape }])[0];
  }

  concat(xs: readonly TensorRef[], axis: number): TensorRef {
    const dtypes = new Set(xs.map((x) => x.dtype));
    if (dtypes.size > 1) fail('Concat', `dtypes differ: ${xs.map(describe).join(', ')}`);
    const shape = S.concatShape(
      'Concat',
      xs.map((x) => x.shape),
      axis,
    );
    return this.emit('Concat', xs, { axis: int(axis) }, [{ dtype: xs[0].dtype, shape }])[0];
  }

  slice(
    x: TensorRef,
    starts: readonly number[],
    ends: readonly number[],
    axes?: readonly number[],
  ): TensorRef {
    const ax = axes ?? starts.map((_, i) => i);
    const shape = S.sliceShape('Slice', x.shape, starts, ends, ax);
    const clampedEnds = ends.map((e) => Math.min(e, Number.MAX_SAFE_INTEGER));
    const inputs = [x, this.int64s(starts), this.int64s(clampedEnds), this.int64s(ax)];
    return this.emit('Slice', inputs, {}, [{ dtype: x.dtype, shape }])[0];
  }

  split(x: TensorRef, sizes: readonly number[], axis = 0): TensorRef[] {
    const ax = S.normAxis('Split', axis, x.shape.length);
    const total = sizes.reduce((p, s) => p + s, 0);
    const d = x.shape[ax];
    if (typeof d === 'number' && d !== total) {
      fail(
        'Split',
        `sizes ${formatShape(sizes)} sum to ${total}, but axis ${ax} of ` +
          `${describe(x)} is ${d}`,
      );
    }
    const specs: OutputSpec[] = sizes.map((s) => {
      const shape = [...x.shape];
      shape[ax] = s;
      return { dtype: x.dtype, shape };
    });
    return this.emit('Split', [x, this.int64s(sizes)], { axis: int(ax) }, specs);
  }

  squeeze(x: TensorRef, axes: readonly number[]): TensorRef {
    const shape = S.squeezeShape('Squeeze', x.shape, axes);
    return this.emit('Squeeze', [x, this.int64s(axes)], {}, [{ dtype: x.dtype, shape }])[0];
  }

  unsqueeze(x: TensorRef, axes: readonly number[]): TensorRef {
    const shape = S.unsqueezeShape('Unsqueeze', x.shape, axes);
    return this.emit('Unsqueeze', [x, this.int64s(axes)], {}, [{ dtype: x.dtype, shape }])[0];
  }

  expand(x: TensorRef, shape: readonly number[] | TensorRef, outShape?: readonly Dim[]): TensorRef {
    if (isRef(shape)) {
      if (!outShape) fail('Expand', 'a shape tensor needs outShape, the static result shape');
      S.broadcast('Expand', x.shape, outShape);
      return this.emit('Expand', [x, shape], {}, [{ dtype: x.dtype, shape: outShape }])[0];
    }
    const out = S.broadcast('Expand', x.shape, shape);
    return this.emit('Expand', [x, this.int64s(shape)], {}, [{ dtype: x.dtype, shape: out }])[0];
  }

  gather(data: TensorRef, indices: TensorRef, axis = 0): TensorRef {
    if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
      fail('Gather', `indices must be int64 or int32, got ${describe(indices)}`);
    }
    const shape = S.gatherShape('Gather', data.shape, indices.shape, axis);
    const spec = [{ dtype: data.dtype, shape }];
    return this.emit('Gather', [data, indices], { axis: int(axis) }, spec)[0];
  }

  shapeOf(x: TensorRef, start = 0, end?: number): TensorRef {
    const rank = x.shape.length;
    const s = start < 0 ? start + rank : start;
    const e = end === undefined ? rank : end < 0 ? end + rank : end;
    const attrs: Attrs =
      end === undefined ? { start: int(start) } : { start: int(start), end: int(end) };
    return this.emit('Shape', [x], attrs, [{ dtype: 'int64', shape: [Math.max(0, e - s)] }])[0];
  }

  // ---- escape hatch -------------------------------------------------------------------------

  node(
    op: string,
    inputs: readonly (TensorRef | null)[],
    attrs: Attrs,
    outputs: readonly OutputSpec[],
  ): TensorRef[] {
    return this.emit(op, inputs, attrs, outputs);
  }

  subgraph(name: string, opts: { paramPrefix?: string } = {}): GraphBuilder {
    return new GraphBuilderImpl(name, { seed: this.seed, paramPrefix: opts.paramPrefix }, this);
  }

  toModelProto(opts: ModelOptions = {}): Uint8Array {
    if (this.parent) fail('toModelProto', `'${this.name}' is a subgraph; serialise its root`);
    if (this.outputList.length === 0) fail('toModelProto', `graph '${this.name}' has no outputs`);
    return encodeModel({
      irVersion: IR_VERSION,
      producerName: opts.producerName ?? 'graft',
      producerVersion: '0.1.0',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: this.toGraphObj(opts.prune ?? false),
    });
  }
}

function isRef(x: readonly number[] | TensorRef): x is TensorRef {
  return !Array.isArray(x);
}
