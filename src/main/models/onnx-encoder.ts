/**
 * ONNX-only encoders: a folder with model.onnx and a tokenizer (tokenizer.json or vocab.txt,
 * optional config.json) but no safetensors. Graft cannot rebuild such a graph with its engine,
 * so these models serve the frozen strategies only (feature extraction, scalar mix, feature
 * concatenation): the imported graph runs as-is, with intermediate hidden states appended as
 * extra graph outputs where the graph shows them, and pooling is done in JavaScript.
 *
 * Hidden states are found structurally: LayerNormalization nodes whose scale is an initializer
 * of shape [hidden] (or, in older opsets, the decomposed Div -> Mul(scale) -> Add(bias) tail of
 * one), in topological order. A post-LN BERT-family graph holds 2L + 1 of them
 * (embeddings, then attention-output and layer-output per layer); the even ones are the hidden
 * states 0..L. Any other count exposes last_hidden_state only (0 layers found).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GraftError } from '../../shared/errors';
import { encodeModel, ModelProto, OnnxDataType, type ModelProtoObj } from '../engine/onnx-proto';
import { createSession, i64, type EngineSession, type Provider } from '../engine/session';
import { logger } from '../util/log';
import { embedInBatches, type EmbedOptions, type Encoder, type Pooling } from './encoder';
import { loadTokenizer, type EncodedBatch } from './tokenizer';

const log = logger('models');

export const ONNX_FILE = 'model.onnx';
const WEIGHT_FILES = ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin'];
const REQUIRED_INPUTS = ['input_ids', 'attention_mask'];
const LAST = 'last_hidden_state';

export interface OnnxFolderInfo {
  architecture: 'onnx';
  layers: number;
  hiddenSize: number;
  heads: number;
  vocabSize: number;
  maxPositions: number;
  parameters: number;
  sizeOnDisk: number;
  /** Graph inputs the model takes (input_ids, attention_mask, maybe token_type_ids). */
  inputs: string[];
  /** Value names of hidden states 0..layers; the last is last_hidden_state's source. */
  hiddenValues: string[];
}

export type Obj = Record<string, unknown>;
interface RawNode {
  opType?: string;
  input?: string[];
  output?: string[];
}
interface RawInit {
  name?: string;
  dims?: number[];
}
interface RawValueInfo {
  name?: string;
  type?: { tensorType?: { shape?: { dim?: { dimValue?: number; dimParam?: string }[] } } };
}
export interface RawGraph {
  node?: RawNode[];
  initializer?: RawInit[];
  input?: RawValueInfo[];
  output?: RawValueInfo[];
}

/** A folder with model.onnx and no safetensors / PyTorch weights. */
export function isOnnxFolder(dir: string): boolean {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
  if (!existsSync(join(dir, ONNX_FILE))) return false;
  return !WEIGHT_FILES.some((f) => existsSync(join(dir, f)));
}

export function readGraph(dir: string): { model: Obj; graph: RawGraph } {
  const path = join(dir, ONNX_FILE);
  let model: Obj;
  try {
    // Bytes stay Uint8Array (no copy to number arrays), so large initializers re-encode cheaply.
    const message = ModelProto.decode(readFileSync(path));
    model = ModelProto.toObject(message, { longs: Number, defaults: false });
  } catch (error) {
    const why = (error as Error).message;
    throw new GraftError('bad-input', `${path}: not a readable ONNX model (${why})`);
  }
  const graph = model.graph as RawGraph | undefined;
  if (!graph) throw new GraftError('bad-input', `${path}: the model holds no graph`);
  return { model, graph };
}

const dimsOf = (v: RawValueInfo | undefined): (number | string | undefined)[] =>
  (v?.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimValue ?? d.dimParam);

/** Validates an ONNX-only folder and describes it, including the hidden states it exposes. */
export function inspectOnnxFolder(dir: string): OnnxFolderInfo {
  const path = join(dir, ONNX_FILE);
  if (!isOnnxFolder(dir)) {
    throw new GraftError('bad-input', `"${dir}" is not an ONNX-only model folder (no ${path})`);
  }
  if (!existsSync(join(dir, 'tokenizer.json')) && !existsSync(join(dir, 'vocab.txt'))) {
    const what = 'missing a tokenizer (tokenizer.json or vocab.txt)';
    throw new GraftError('bad-input', `"${dir}": ${what}`);
  }
  const { graph } = readGraph(dir);
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t.dims ?? []]));
  const inputs = (graph.input ?? []).map((v) => v.name ?? '').filter((n) => !inits.has(n));
  const missing = REQUIRED_INPUTS.filter((n) => !inputs.includes(n));
  const extra = inputs.filter((n) => ![...REQUIRED_INPUTS, 'token_type_ids'].includes(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new GraftError(
      'bad-input',
      `${path}: graph inputs are [${inputs.join(', ')}]; expected input_ids, attention_mask ` +
        `and optionally token_type_ids`,
    );
  }
  const last = (graph.output ?? []).find((v) => v.name === LAST);
  const lastDims = dimsOf(last);
  const hiddenSize = lastDims[2];
  if (!last || lastDims.length !== 3 || typeof hiddenSize !== 'number') {
    throw new GraftError(
      'bad-input',
      `${path}: graph outputs must include ${LAST} [batch, seq, hidden] with a fixed hidden size`,
    );
  }

  const hiddenValues = findHiddenStates(graph, inits, hiddenSize);
  let parameters = 0;
  for (const dims of inits.values()) parameters += dims.reduce((a, b) => a * b, 1);
  const embedding = [...inits.values()].filter((d) => d.length === 2 && d[1] === hiddenSize);
  const config = readConfig(dir);
  const files = readdirSync(dir).filter((f) => !f.startsWith('.'));
  return {
    architecture: 'onnx',
    layers: hiddenValues.length - 1,
    hiddenSize,
    heads: config.num_attention_heads ?? 0,
    vocabSize: config.vocab_size ?? Math.max(0, ...embedding.map((d) => d[0])),
    maxPositions: config.max_position_embeddings ?? 512,
    parameters,
    sizeOnDisk: files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0),
    inputs,
    hiddenValues,
  };
}

function readConfig(dir: string): Record<string, number | undefined> {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, number | undefined>;
  } catch (error) {
    throw new GraftError('bad-input', `${path}: not valid JSON (${(error as Error).message})`);
  }
}

/** Hidden-state value names 0..L (see the file comment); [source of last_hidden_state] else. */
function findHiddenStates(graph: RawGraph, inits: Map<string, number[]>, H: number): string[] {
  const nodes = graph.node ?? [];
  const producer = new Map<string, RawNode>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  // Follow Identity chains back from last_hidden_state.
  let lastSource = LAST;
  for (let p = producer.get(lastSource); p?.opType === 'Identity'; p = producer.get(lastSource)) {
    lastSource = p.input?.[0] ?? lastSource;
  }
  const isVector = (name: string | undefined): boolean => {
    const dims = inits.get(name ?? '');
    return dims !== undefined && dims.length === 1 && dims[0] === H;
  };
  let norms = nodes
    .filter((n) => n.opType === 'LayerNormalization' && isVector(n.input?.[1]))
    .map((n) => n.output?.[0] ?? '');
  if (norms.length === 0) {
    // Older opsets decompose LayerNorm: ... Div -> Mul(scale [H]) -> Add(bias [H]).
    const other = (n: RawNode | undefined): string | undefined =>
      n?.input?.find((i) => !isVector(i));
    norms = nodes
      .filter((n) => n.opType === 'Add' && n.input?.length === 2 && n.input.some(isVector))
      .filter((n) => {
        const mul = producer.get(other(n) ?? '');
        const div = producer.get(other(mul) ?? '');
        return mul?.opType === 'Mul' && mul.input!.some(isVector) && div?.opType === 'Div';
      })
      .map((n) => n.output?.[0] ?? '');
  }
  const sorted = topologicalIndex(nodes);
  norms.sort((a, b) => (sorted.get(a) ?? 0) - (sorted.get(b) ?? 0));
  if (norms.length >= 3 && norms.length % 2 === 1 && norms[norms.length - 1] === lastSource) {
    return norms.filter((_, i) => i % 2 === 0);
  }
  log.warn(`ONNX graph: no per-layer hidden states recognised; exposing ${LAST} only`);
  return [lastSource];
}

/** Value name -> position of its producer in a topological order of the nodes. */
function topologicalIndex(nodes: RawNode[]): Map<string, number> {
  const produced = new Set<string>();
  for (const n of nodes) for (const o of n.output ?? []) produced.add(o);
  const ready = new Set<string>();
  const order = new Map<string, number>();
  let pending = nodes;
  let step = 0;
  while (pending.length > 0) {
    const next: RawNode[] = [];
    for (const n of pending) {
      if ((n.input ?? []).every((i) => i === '' || !produced.has(i) || ready.has(i))) {
        for (const o of n.output ?? []) {
          ready.add(o);
          order.set(o, step++);
        }
      } else next.push(n);
    }
    if (next.length === pending.length) break; // a cycle: keep file order for the rest
    pending = next;
  }
  return order;
}

/** The model with hidden_0..hidden_L appended as graph outputs, re-encoded. */
export function exposeHiddenStates(dir: string, info: OnnxFolderInfo): Uint8Array {
  const { model, graph } = readGraph(dir);
  const outputs = graph.output ?? [];
  info.hiddenValues.forEach((value, i) => {
    outputs.push({
      name: `hidden_${i}`,
      type: {
        tensorType: {
          shape: {
            dim: [{ dimParam: 'batch' }, { dimParam: 'seq' }, { dimValue: info.hiddenSize }],
          },
        },
      },
    });
    (graph.node ??= []).push({ opType: 'Identity', input: [value], output: [`hidden_${i}`] });
  });
  for (const o of outputs) {
    const t = (o.type ??= {}).tensorType as Obj | undefined;
    if (t && t.elemType === undefined) t.elemType = OnnxDataType.FLOAT;
  }
  graph.output = outputs;
  return encodeModel(model as unknown as ModelProtoObj);
}

/** Strategies that rebuild the encoder in the engine call this first. */
export function refuseOnnxOnly(dir: string, strategy: string): void {
  if (!isOnnxFolder(dir)) return;
  throw new GraftError(
    'unsupported',
    `${strategy} needs the model's weights, but ${dir} is an ONNX-only encoder ` +
      `(${ONNX_FILE}, no safetensors); ONNX-only encoders support frozen strategies only ` +
      `(feature-extraction, scalar-mix, feature-concat)`,
  );
}

/** Pools [batch, seq, H] rows over real tokens, as poolHidden does in the graph. */
export function poolRows(
  h: Float32Array,
  batch: EncodedBatch,
  H: number,
  p: Pooling,
): Float32Array {
  const { seqLen } = batch;
  const out = new Float32Array(batch.batch * H);
  for (let b = 0; b < batch.batch; b++) {
    const row = out.subarray(b * H, (b + 1) * H);
    if (p === 'max') row.fill(-Infinity);
    let count = 0;
    for (let s = 0; s < seqLen; s++) {
      const real = Number(batch.attentionMask[b * seqLen + s]) !== 0;
      if (p === 'cls' ? s !== 0 : !real) continue;
      count++;
      const base = (b * seqLen + s) * H;
      for (let k = 0; k < H; k++) {
        row[k] = p === 'max' ? Math.max(row[k], h[base + k]) : row[k] + h[base + k];
      }
    }
    if (p === 'mean') for (let k = 0; k < H; k++) row[k] /= Math.max(count, 1e-9);
  }
  return out;
}

export async function loadOnnxEncoder(
  dir: string,
  options: { provider?: Provider; threads?: number } = {},
): Promise<Encoder> {
  const started = Date.now();
  const info = inspectOnnxFolder(dir);
  const tokenizer = loadTokenizer(dir);
  const session: EngineSession = await createSession(exposeHiddenStates(dir, info), {
    provider: options.provider ?? 'cpu',
    threads: options.threads,
  });
  const count = info.hiddenValues.length;
  const H = info.hiddenSize;
  log.info(
    `ONNX encoder ${dir}: ${info.parameters} parameters, ${info.layers} layers found, ` +
      `${session.provider}, ready in ${Date.now() - started} ms`,
  );
  const resolve = (layers: readonly number[]): number[] =>
    layers.map((l) => {
      const index = l < 0 ? count + l : l;
      if (!Number.isInteger(l) || index < 0 || index >= count) {
        throw new GraftError(
          'invalid-argument',
          `layers: ${l} is not a hidden-state index of ONNX model ${dir}; ` +
            `accepted 0..${count - 1} or -${count}..-1`,
        );
      }
      return index;
    });
  const run = async (batch: EncodedBatch, names: string[]): Promise<Float32Array[]> => {
    const dims = [batch.batch, batch.seqLen];
    const all = {
      input_ids: i64(batch.inputIds, dims),
      attention_mask: i64(batch.attentionMask, dims),
      token_type_ids: i64(batch.tokenTypeIds, dims),
    };
    const feeds = Object.fromEntries(info.inputs.map((n) => [n, all[n as keyof typeof all]]));
    const out = await session.run(feeds, names);
    return names.map((n) => out[n].data as Float32Array);
  };

  return {
    dir,
    info,
    tokenizer,
    hiddenSize: H,
    layers: count - 1,
    hiddenStateCount: count,
    provider: session.provider,
    hiddenStates: (batch, layers = [-1]) =>
      run(
        batch,
        resolve(layers).map((l) => `hidden_${l}`),
      ),
    async embed(texts, opts: EmbedOptions = {}) {
      const batchSize = opts.batchSize ?? 32;
      const pooling = opts.pooling ?? 'mean';
      const names = resolve(opts.layers ?? [-1]).map((l) => `hidden_${l}`);
      const width = H * names.length;
      return embedInBatches(texts, tokenizer, { ...opts, batchSize }, width, async (batch) => {
        const states = await run(batch, names);
        return states.map((h) => poolRows(h, batch, H, pooling));
      });
    },
    release: () => session.release(),
  };
}
