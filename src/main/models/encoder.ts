/**
 * A ready-to-use frozen encoder: HF folder in, pooled sentence features out.
 *
 * One ONNX session holds the whole encoder graph (any architecture of arch-config.ts) with
 * every hidden state exposed raw and pooled
 * three ways (mask-aware mean, [CLS], mask-aware max); ORT computes only what a run fetches, so
 * the unused outputs cost nothing. Texts are tokenised once, sorted by length and batched so
 * each batch pads to similar lengths (on SST-2 that removes most of the padding work), then the
 * rows are put back in input order.
 */
import { GraftError } from '../../shared/errors';
import type { GraphBuilder } from '../engine/graph';
import { createGraph } from '../engine/graph-impl';
import { createSession, i64, type EngineSession, type Provider } from '../engine/session';
import type { TensorRef } from '../engine/types';
import { logger } from '../util/log';
import { buildTransformerEncoder } from './transformer';
import { inspectModelFolder, type ModelFolderInfo } from './hf-folder';
import { isOnnxFolder, loadOnnxEncoder, refuseOnnxOnly, type OnnxFolderInfo } from './onnx-encoder';
import { loadFolderWeights } from './safetensors';
import { loadTokenizer, packRows, type EncodedBatch, type TextTokenizer } from './tokenizer';

const log = logger('models');

export const POOLINGS = ['mean', 'cls', 'max'] as const;
export type Pooling = (typeof POOLINGS)[number];

export interface LoadEncoderOptions {
  /** Default 'cpu'; 'auto' tries CUDA first (see engine/session.ts). */
  provider?: Provider;
  /** ORT intra-op threads; default ORT's choice (all cores). */
  threads?: number;
  /** Build only the first k transformer layers (default all): cheaper lower-layer features. */
  depth?: number;
}

export interface EmbedOptions {
  /** Default 32 texts per session run. */
  batchSize?: number;
  /** Default the tokenizer's maxLength (sentence_bert_config / model limits, at most 512). */
  maxLength?: number;
  /**
   * Hidden-state indices as in HF `hidden_states`: 0 is the embeddings output, k is layer k;
   * negative counts from the end. Default [-1]. Features are concatenated in this order.
   */
  layers?: readonly number[];
  /** Default 'mean' (mask-aware, what sentence-transformers uses for MiniLM). */
  pooling?: Pooling;
  /** Called after each batch with texts done so far. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface Encoder {
  readonly dir: string;
  readonly info: ModelFolderInfo | OnnxFolderInfo;
  readonly tokenizer: TextTokenizer;
  readonly hiddenSize: number;
  /** Transformer layers built (all of the model's unless `depth` was given). */
  readonly layers: number;
  /** Number of hidden states: built layers + 1 (the embeddings output). */
  readonly hiddenStateCount: number;
  readonly provider: 'cpu' | 'cuda';
  /** Raw hidden states of one packed batch, each [batch, seqLen, hidden] row-major. */
  hiddenStates(batch: EncodedBatch, layers?: readonly number[]): Promise<Float32Array[]>;
  /** Pooled features, Float32Array [texts.length, hidden * layers.length] row-major. */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * Pools [batch, seq, hidden] to [batch, hidden] over real tokens only: mean divides by the
 * token count, max pushes padding to -1e9 first (as sentence-transformers does), cls takes
 * position 0.
 */
export function poolHidden(
  g: GraphBuilder,
  h: TensorRef,
  attentionMask: TensorRef,
  pooling: Pooling,
): TensorRef {
  if (pooling === 'cls') return g.squeeze(g.slice(h, [0], [1], [1]), [1]);
  const keep = g.unsqueeze(g.cast(attentionMask, 'float32'), [2]); // [batch, seq, 1]
  if (pooling === 'max') {
    const padPenalty = g.mul(g.sub(g.scalar(1), keep), g.scalar(-1e9)); // 0 real, -1e9 padding
    return g.reduceMax(g.add(h, padPenalty), [1], false);
  }
  // Rows always hold [CLS], so the count is >= 1; the floor only guards empty masks.
  const count = g.max(g.reduceSum(keep, [1], false), g.scalar(1e-9)); // [batch, 1]
  return g.div(g.reduceSum(g.mul(h, keep), [1], false), count);
}

/** Adds hidden_i, mean_i, cls_i and max_i outputs for every hidden state. */
function addPooledOutputs(g: GraphBuilder, states: TensorRef[], attentionMask: TensorRef): void {
  states.forEach((h, i) => {
    g.output(h, `hidden_${i}`);
    for (const pooling of POOLINGS) {
      g.output(poolHidden(g, h, attentionMask, pooling), `${pooling}_${i}`);
    }
  });
}

export interface EncoderGraphOptions {
  inputIds: TensorRef;
  attentionMask: TensorRef;
  /** Default: segment 0 everywhere (single texts). */
  tokenTypeIds?: TensorRef;
  /** Hidden-state index (0 = embeddings, -1 = last); layers above it are not built. */
  layer?: number;
  /** Default 'mean'. */
  pooling?: Pooling;
  /** HF parameter name -> trainable; default everything frozen (initializers). */
  trainable?: (paramName: string) => boolean;
}

/**
 * Adds a model folder's encoder plus pooling to an existing graph and returns the pooled
 * [batch, hidden] features: the building block for export bundles and fine-tuning graphs.
 */
export async function buildEncoderGraph(
  g: GraphBuilder,
  dir: string,
  options: EncoderGraphOptions,
): Promise<TensorRef> {
  refuseOnnxOnly(dir, 'building the encoder graph (fine-tune, layer-transfer, export)');
  const info = inspectModelFolder(dir);
  const layer = options.layer ?? -1;
  const index = layer < 0 ? info.layers + 1 + layer : layer;
  if (!Number.isInteger(layer) || index < 0 || index > info.layers) {
    throw new GraftError(
      'invalid-argument',
      `layer ${layer} is not a hidden-state index of ` +
        `${dir}; accepted 0..${info.layers} (0 = embeddings) or -${info.layers + 1}..-1`,
    );
  }
  const pooling = options.pooling ?? 'mean';
  if (!POOLINGS.includes(pooling)) {
    throw new GraftError(
      'invalid-argument',
      `pooling must be one of ${POOLINGS.join(', ')}, got ${String(pooling)}`,
    );
  }
  const weights = await loadFolderWeights(dir, { filter: encoderWeight });
  const { hiddenStates } = buildTransformerEncoder(g, weights, info, {
    inputIds: options.inputIds,
    attentionMask: options.attentionMask,
    tokenTypeIds: options.tokenTypeIds,
    trainable: options.trainable,
    layers: index,
  });
  return poolHidden(g, hiddenStates[index], options.attentionMask, pooling);
}

/**
 * Encoder weights only, so task heads (pooler, lm_head, cls.predictions, ELECTRA's
 * discriminator_predictions) and position_ids buffers are never read into memory.
 */
const ENCODER_WEIGHT = /^([A-Za-z_]+\.)?(embeddings|encoder|transformer|embeddings_project)\./;
export function encoderWeight(name: string): boolean {
  return ENCODER_WEIGHT.test(name) && !name.endsWith('position_ids');
}

export async function loadEncoder(dir: string, options: LoadEncoderOptions = {}): Promise<Encoder> {
  if (isOnnxFolder(dir)) return loadOnnxEncoder(dir, options);
  const started = Date.now();
  const info = inspectModelFolder(dir);
  const tokenizer = loadTokenizer(dir);
  const weights = await loadFolderWeights(dir, { filter: encoderWeight });

  const g = createGraph(`${info.architecture}-encoder`);
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  // Only models with a real segment table take token types (RoBERTa's has one row).
  const tokenTypeIds =
    info.typeVocabSize > 1 ? g.input('token_type_ids', 'int64', ['batch', 'seq']) : undefined;
  const { hiddenStates } = buildTransformerEncoder(g, weights, info, {
    inputIds,
    attentionMask,
    tokenTypeIds,
    layers: options.depth,
  });
  addPooledOutputs(g, hiddenStates, attentionMask);
  weights.clear();

  const session = await createSession(g.toModelProto(), {
    provider: options.provider ?? 'cpu',
    threads: options.threads,
  });
  log.info(
    `encoder ${dir}: ${info.parameters} parameters, ${hiddenStates.length - 1} layers, ` +
      `${session.provider}, ready in ${Date.now() - started} ms`,
  );
  return makeEncoder(dir, info, tokenizer, session, hiddenStates.length);
}

function makeEncoder(
  dir: string,
  info: ModelFolderInfo | OnnxFolderInfo,
  tokenizer: TextTokenizer,
  session: EngineSession,
  hiddenStateCount: number,
): Encoder {
  const H = info.hiddenSize;

  const resolveLayers = (layers: readonly number[]): number[] =>
    layers.map((l) => {
      const index = l < 0 ? hiddenStateCount + l : l;
      if (!Number.isInteger(l) || index < 0 || index >= hiddenStateCount) {
        throw new GraftError(
          'invalid-argument',
          `layers: ${l} is not a hidden-state index; ` +
            `accepted 0..${hiddenStateCount - 1} (0 = embeddings) or -${hiddenStateCount}..-1`,
        );
      }
      return index;
    });

  const feedsOf = (batch: EncodedBatch): Record<string, ReturnType<typeof i64>> => {
    const dims = [batch.batch, batch.seqLen];
    return {
      input_ids: i64(batch.inputIds, dims),
      attention_mask: i64(batch.attentionMask, dims),
      token_type_ids: i64(batch.tokenTypeIds, dims),
    };
  };

  return {
    dir,
    info,
    tokenizer,
    hiddenSize: H,
    layers: hiddenStateCount - 1,
    hiddenStateCount,
    provider: session.provider,

    async hiddenStates(batch, layers = [-1]) {
      const names = resolveLayers(layers).map((l) => `hidden_${l}`);
      const out = await session.run(feedsOf(batch), names);
      return names.map((n) => out[n].data as Float32Array);
    },

    async embed(texts, opts = {}) {
      const batchSize = opts.batchSize ?? 32;
      if (!Number.isInteger(batchSize) || batchSize < 1) {
        const got = batchSize;
        throw new GraftError('invalid-argument', `batchSize must be an integer >= 1, got ${got}`);
      }
      const pooling = opts.pooling ?? 'mean';
      if (!POOLINGS.includes(pooling)) {
        throw new GraftError(
          'invalid-argument',
          `pooling must be one of ${POOLINGS.join(', ')}, got ${String(pooling)}`,
        );
      }
      const layers = resolveLayers(opts.layers ?? [-1]);
      const names = layers.map((l) => `${pooling}_${l}`);
      const width = H * layers.length;

      return embedInBatches(texts, tokenizer, { ...opts, batchSize }, width, async (batch) => {
        const out = await session.run(feedsOf(batch), names);
        return names.map((name) => out[name].data as Float32Array); // each [batch, H]
      });
    },

    release: () => session.release(),
  };
}

/**
 * The batching every encoder shares: tokenise once, run the longest texts first (the biggest
 * batch, and so the peak memory, comes up front, and padding stays small), then scatter each
 * batch's pooled rows back to the texts' own order. `pooledBatch` returns one [batch, H]
 * array per requested layer; the result is [texts, width] with the layers side by side.
 */
export async function embedInBatches(
  texts: readonly string[],
  tokenizer: TextTokenizer,
  opts: EmbedOptions & { batchSize: number },
  width: number,
  pooledBatch: (batch: EncodedBatch) => Promise<Float32Array[]>,
): Promise<Float32Array> {
  const result = new Float32Array(texts.length * width);
  const rows = texts.map((t) => tokenizer.encode(t, { maxLength: opts.maxLength }));
  const order = rows.map((_, i) => i).sort((a, b) => rows[b].ids.length - rows[a].ids.length);

  for (let start = 0; start < order.length; start += opts.batchSize) {
    if (opts.signal?.aborted) throw new GraftError('cancelled', 'embedding was cancelled');
    const chunk = order.slice(start, start + opts.batchSize);
    const pooled = await pooledBatch(
      packRows(
        chunk.map((i) => rows[i]),
        tokenizer.padId,
      ),
    );

    // Row r of this batch is text chunk[r]; its features sit at chunk[r] * width.
    const h = width / pooled.length;
    pooled.forEach((layer, k) => {
      chunk.forEach((textIndex, r) => {
        result.set(layer.subarray(r * h, (r + 1) * h), textIndex * width + k * h);
      });
    });
    opts.onProgress?.(Math.min(start + opts.batchSize, order.length), order.length);
  }
  return result;
}
