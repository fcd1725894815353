/**
 * Storage and serialisation under the graph builder: values, nodes, initializers, names.
 *
 * The op methods live in graph-impl.ts; this file knows nothing about individual ops. A child
 * graph (a Loop body) shares its root's name counter, so every value name in a model is unique
 * (ONNX forbids a subgraph shadowing an outer name), and puts its constants in the root graph,
 * which the body then reads from the outer scope.
 */
import { GraftError, invariant } from '../../shared/errors';
import type { AttrValue, Attrs, GraphBuilder, OpNode, OutputSpec, TrainableParam } from './graph';
import type {
  AttributeObj,
  DimObj,
  GraphProtoObj,
  NodeProtoObj,
  TensorProtoObj,
  ValueInfoObj,
} from './onnx-proto';
import { OnnxAttrType } from './onnx-proto';
import type { DType, Dim, TensorData, TensorName, TensorRef } from './types';
import { checkData, formatShape, onnxDataType, tensorName } from './types';

const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_.:/-]*$/;

interface Initializer {
  ref: TensorRef;
  data: TensorData;
}

/** Shared by a root graph and all its children. */
interface Scope {
  counter: number;
  names: Set<string>;
}

export abstract class GraphCore {
  readonly name: string;
  readonly seed: number;
  readonly parent: GraphBuilder | null;

  protected readonly scope: Scope;
  protected readonly nodeList: OpNode[] = [];
  protected readonly inputList: TensorRef[] = [];
  protected readonly outputList: TensorRef[] = [];
  protected readonly initializers = new Map<string, Initializer>();
  protected readonly trainables: TrainableParam[] = [];
  protected readonly producers = new Map<string, OpNode>();
  private readonly constCache = new Map<string, TensorRef>();

  protected constructor(name: string, seed: number, parent: GraphCore | null) {
    this.name = name;
    this.seed = seed;
    this.parent = parent as unknown as GraphBuilder | null;
    this.scope = parent ? parent.scope : { counter: 0, names: new Set() };
  }

  protected get root(): GraphCore {
    return this.parent ? (this.parent as unknown as GraphCore).root : this;
  }

  /** A fresh, unused value name. */
  protected fresh(prefix: string): TensorName {
    let name: string;
    do name = `${prefix}_${this.scope.counter++}`;
    while (this.scope.names.has(name));
    this.scope.names.add(name);
    return tensorName(name);
  }

  /** Reserve a user-chosen name; it must be valid and unused in the whole model. */
  protected claim(what: string, name: string): TensorName {
    if (!VALID_NAME.test(name)) {
      throw new GraftError(
        'invalid-argument',
        `${what}: name '${name}' must start with a letter or _ and hold only [A-Za-z0-9_.:/-]`,
      );
    }
    if (this.scope.names.has(name)) {
      throw new GraftError('invalid-argument', `${what}: name '${name}' is already used`);
    }
    this.scope.names.add(name);
    return tensorName(name);
  }

  protected addInput(name: string, dtype: DType, shape: readonly Dim[]): TensorRef {
    const ref: TensorRef = { name: this.claim('input', name), dtype, shape: [...shape] };
    this.inputList.push(ref);
    return ref;
  }

  protected addInitializer(
    name: TensorName,
    data: TensorData,
    dtype: DType,
    shape: readonly Dim[],
  ): TensorRef {
    checkData(`initializer '${name}'`, data, dtype);
    const size = shape.reduce<number>((p, d) => p * (typeof d === 'number' ? d : NaN), 1);
    if (size !== data.length) {
      throw new GraftError(
        'invalid-argument',
        `initializer '${name}': shape ${formatShape(shape)} needs ${size} values, ` +
          `got ${data.length}`,
      );
    }
    const ref: TensorRef = { name, dtype, shape: [...shape] };
    this.initializers.set(name, { ref, data });
    return ref;
  }

  /** A constant initializer in the root graph; small ones are shared by value. */
  protected addConstant(data: TensorData, dtype: DType, shape: readonly Dim[]): TensorRef {
    const root = this.root;
    const values = data.length <= 16 ? Array.from(data as ArrayLike<unknown>).join(',') : null;
    const key = values !== null ? `${dtype}|${shape.join(',')}|${values}` : '';
    const hit = key ? root.constCache.get(key) : undefined;
    if (hit) return hit;

    const ref = root.addInitializer(root.fresh('const'), data, dtype, shape);
    if (key) root.constCache.set(key, ref);
    return ref;
  }

  protected addTrainable(ref: TensorRef, init: Float32Array | Float64Array, key: string): void {
    this.inputList.push(ref);
    this.trainables.push({ ref, init, key });
  }

  /** Append a node; outputs get fresh names derived from the op. */
  protected emit(
    op: string,
    inputs: readonly (TensorRef | null)[],
    attrs: Attrs,
    outputs: readonly OutputSpec[],
  ): TensorRef[] {
    const prefix = op.charAt(0).toLowerCase() + op.slice(1);
    const outs: TensorRef[] = outputs.map((o) => ({
      name: this.fresh(prefix),
      dtype: o.dtype,
      shape: [...o.shape],
    }));
    const id = this.nodeList.length;
    const node: OpNode = { id, op, inputs: [...inputs], outputs: outs, attrs };
    this.nodeList.push(node);
    for (const o of outs) this.producers.set(o.name, node);
    return outs;
  }

  protected markOutput(ref: TensorRef): void {
    this.outputList.push(ref);
  }

  nodes(): readonly OpNode[] {
    return this.nodeList;
  }

  inputs(): readonly TensorRef[] {
    return this.inputList;
  }

  outputs(): readonly TensorRef[] {
    return this.outputList;
  }

  trainableParams(): readonly TrainableParam[] {
    return this.trainables;
  }

  producer(ref: TensorRef): OpNode | null {
    return this.producers.get(ref.name) ?? null;
  }

  constantValue(ref: TensorRef): TensorData | null {
    const own = this.initializers.get(ref.name);
    if (own) return own.data;
    return this.parent ? this.parent.constantValue(ref) : null;
  }

  setInputOrder(refs: readonly TensorRef[]): void {
    const names = new Set(refs.map((r) => r.name));
    invariant(names.size === refs.length, 'setInputOrder: repeated input');
    for (const r of refs) {
      const known = this.inputList.some((i) => i.name === r.name);
      invariant(known, `setInputOrder: ${r.name} is not an input`);
    }
    const rest = this.inputList.filter((i) => !names.has(i.name));
    this.inputList.splice(0, this.inputList.length, ...refs, ...rest);
  }

  /**
   * The GraphProto object for this graph (recursing into subgraph attributes). `prune` keeps
   * only the nodes, inputs and initializers the outputs need (a training graph rebuilt for
   * inference has loss nodes and label inputs that must not be asked for).
   */
  toGraphObj(prune = false): GraphProtoObj {
    const used = prune ? this.usedNames() : null;
    const keep = (name: string): boolean => used === null || used.has(name);
    const nodes = this.nodeList.filter((n) => n.outputs.some((o) => keep(o.name)));
    return {
      name: this.name,
      node: nodes.map((n) => nodeObj(n, `${this.name}_n${n.id}`)),
      initializer: [...this.initializers.values()]
        .filter((x) => keep(x.ref.name))
        .map((x) => tensorObj(x.ref, x.data)),
      input: this.inputList.filter((r) => keep(r.name)).map(valueInfo),
      output: this.outputList.map(valueInfo),
    };
  }

  /** Names reachable backwards from the outputs; a subgraph's every reference counts. */
  private usedNames(): Set<string> {
    const used = new Set(this.outputList.map((o) => o.name));
    for (let k = this.nodeList.length - 1; k >= 0; k--) {
      const n = this.nodeList[k];
      if (!n.outputs.some((o) => used.has(o.name))) continue;
      for (const i of n.inputs) if (i) used.add(i.name);
      for (const a of Object.values(n.attrs)) {
        if (a.kind !== 'graph') continue;
        const body = a.value as unknown as GraphCore;
        for (const m of body.nodeList) for (const i of m.inputs) if (i) used.add(i.name);
      }
    }
    return used;
  }
}

function nodeObj(n: OpNode, name: string): NodeProtoObj {
  return {
    name: `${name}_${n.op}`,
    opType: n.op,
    domain: '',
    input: n.inputs.map((r) => (r ? r.name : '')),
    output: n.outputs.map((r) => r.name),
    attribute: Object.entries(n.attrs).map(([k, v]) => attributeObj(k, v)),
  };
}

function attributeObj(name: string, v: AttrValue): AttributeObj {
  switch (v.kind) {
    case 'int':
      return { name, type: OnnxAttrType.INT, i: v.value };
    case 'float':
      return { name, type: OnnxAttrType.FLOAT, f: v.value };
    case 'ints':
      return { name, type: OnnxAttrType.INTS, ints: [...v.value] };
    case 'floats':
      return { name, type: OnnxAttrType.FLOATS, floats: [...v.value] };
    case 'string':
      return { name, type: OnnxAttrType.STRING, s: new TextEncoder().encode(v.value) };
    case 'graph':
      return { name, type: OnnxAttrType.GRAPH, g: (v.value as unknown as GraphCore).toGraphObj() };
  }
}

/** Tensor with raw_data: the typed array's bytes, little-endian as on every host Node runs on. */
export function tensorObj(ref: TensorRef, data: TensorData): TensorProtoObj {
  return {
    name: ref.name,
    dims: ref.shape.map((d) => d as number),
    dataType: onnxDataType(ref.dtype),
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

function valueInfo(ref: TensorRef): ValueInfoObj {
  const dim: DimObj[] = ref.shape.map((d) =>
    typeof d === 'number' ? { dimValue: d } : { dimParam: d },
  );
  const elemType = onnxDataType(ref.dtype);
  return { name: ref.name, type: { tensorType: { elemType, shape: { dim } } } };
}
