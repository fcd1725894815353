/**
 * The BERT-family encoder (BERT/MiniLM, RoBERTa/XLM-R, DistilBERT, ALBERT, ELECTRA) written with
 * Graft's graph builder, so one graph serves frozen feature extraction and fine-tuning.
 *
 * All six are post-LayerNorm encoders that follow HF transformers' modeling files in eval mode:
 * absolute position embeddings, optional token-type embeddings, activation per config, and the
 * attention mask applied as an additive bias of -1e9 on padded keys (exp(-1e9) is 0 in f32, as
 * HF's finfo.min is). Padded query rows are computed too, exactly as HF computes them. What
 * differs is a weight-name table (arch-weights.ts) and three switches in the embeddings:
 * RoBERTa's padding-offset positions, ALBERT/ELECTRA's embedding projection, DistilBERT's
 * sinusoidal table. ALBERT's shared layers reuse one graph value per weight, so a trainable
 * shared weight sums the gradients of every layer that uses it.
 *
 * Weights keep their HF names and torch layouts (Linear is [out, in], multiplied as x·Wᵀ), so
 * `trainable(name)` speaks HF names and trained values map back to a checkpoint one to one.
 * Frozen weights become initializers; trainable ones pure graph inputs (see engine/graph.ts).
 */
import { GraftError } from '../../shared/errors';
import type { GraphBuilder } from '../engine/graph';
import type { TensorRef } from '../engine/types';
import { activationKind, type EncoderConfig } from './arch-config';
import { archLayout, type BlockWeights } from './arch-weights';
import type { Weights } from './safetensors';

/** Added to attention scores of padded keys; large enough that softmax gives exactly 0. */
const MASK_BIAS = -1e9;

export interface EncoderBuildOptions {
  /** int64 [batch, seq] token ids. */
  inputIds: TensorRef;
  /** int64 [batch, seq], 1 for real tokens and 0 for padding. */
  attentionMask: TensorRef;
  /** int64 [batch, seq]; default all zeros. Ignored where the model has no token types. */
  tokenTypeIds?: TensorRef;
  /** HF parameter name (without the encoder prefix) -> trainable; default all frozen. */
  trainable?: (paramName: string) => boolean;
  /** Build only the first k transformer layers (default all); fewer layers, less compute. */
  layers?: number;
  /** Default false. True applies dropout (needs the rng counter input fed). */
  training?: boolean;
  /** Dropout probabilities when training (HF's hidden/attention_probs_dropout_prob; 0.1). */
  hiddenDropout?: number;
  attentionDropout?: number;
}

export interface TransformerEncoder {
  /** Embeddings output, then each layer's output: `layers + 1` tensors of [batch, seq, hidden]. */
  hiddenStates: TensorRef[];
  /** Names of the parameters made trainable (HF names), in creation order. */
  trainableNames: string[];
}

/** The prefix heads add to encoder weights ("bert.", "roberta.", ...), or "". */
export function encoderWeightPrefix(weights: Weights | Iterable<string>): string {
  const names = weights instanceof Map ? weights.keys() : weights;
  for (const name of names) {
    const at = name.indexOf('embeddings.word_embeddings.weight');
    if (at >= 0) return name.slice(0, at);
  }
  throw new GraftError(
    'bad-input',
    'weights have no embeddings.word_embeddings.weight; not a BERT-family checkpoint',
  );
}

/** DistilBERT's fixed table: sin (even columns), cos (odd); angle pos / 10000^(2⌊j/2⌋/dim). */
export function sinusoidalTable(positions: number, dim: number): Float32Array {
  const out = new Float32Array(positions * dim);
  for (let p = 0; p < positions; p++) {
    for (let j = 0; j < dim; j++) {
      const angle = p / Math.pow(10000, (2 * Math.floor(j / 2)) / dim);
      out[p * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}

function checkIdInputs(options: EncoderBuildOptions): void {
  const { inputIds, attentionMask, tokenTypeIds } = options;
  for (const [what, ref] of Object.entries({ inputIds, attentionMask, tokenTypeIds })) {
    if (ref && (ref.dtype !== 'int64' || ref.shape.length !== 2)) {
      throw new GraftError(
        'invalid-argument',
        `${what} must be int64 [batch, seq], got ${ref.dtype}[${ref.shape.join(', ')}]`,
      );
    }
  }
}

export function buildTransformerEncoder(
  g: GraphBuilder,
  weights: Weights,
  config: EncoderConfig,
  options: EncoderBuildOptions,
): TransformerEncoder {
  const { inputIds, attentionMask } = options;
  const H = config.hiddenSize;
  const E = config.embeddingSize;
  const heads = config.heads;
  const headDim = H / heads;
  const layerCount = options.layers ?? config.layers;
  if (!Number.isInteger(layerCount) || layerCount < 0 || layerCount > config.layers) {
    throw new GraftError(
      'invalid-argument',
      `layers must be an integer in 0..${config.layers}, got ${layerCount}`,
    );
  }
  checkIdInputs(options);

  const layout = archLayout(config);
  const prefix = encoderWeightPrefix(weights);
  const isTrainable = options.trainable ?? ((): boolean => false);
  const trainableNames: string[] = [];
  const training = options.training ?? false;
  const dropout = (x: TensorRef, p: number | undefined): TensorRef =>
    training && (p ?? 0.1) > 0 ? g.dropout(x, p ?? 0.1, { training: true }) : x;

  // One graph value per weight: ALBERT's shared blocks ask for the same names every layer.
  const made = new Map<string, TensorRef>();

  /** One weight as a graph value; older TF conversions name LayerNorm params gamma/beta. */
  const param = (name: string, expected: number[]): TensorRef => {
    const seen = made.get(name);
    if (seen) return seen;
    const aliases = [name, name.replace(/\.weight$/, '.gamma'), name.replace(/\.bias$/, '.beta')];
    const tensor = aliases.map((n) => weights.get(prefix + n)).find((t) => t !== undefined);
    if (!tensor) {
      throw new GraftError(
        'bad-input',
        `weights lack ${prefix}${name} (needed by ` +
          `model_type "${config.modelType}" with hidden_size ${H}, ${config.layers} layers)`,
      );
    }
    if (tensor.shape.join(',') !== expected.join(',')) {
      throw new GraftError(
        'bad-input',
        `${prefix}${name} is [${tensor.shape.join(', ')}], ` +
          `config.json implies [${expected.join(', ')}]`,
      );
    }
    const trainable = isTrainable(name);
    if (trainable) trainableNames.push(name);
    const ref = g.param(name, tensor.data, expected, { trainable });
    made.set(name, ref);
    return ref;
  };

  /** nn.Linear: x·Wᵀ + b with W stored [out, in]. */
  const linear = (x: TensorRef, name: string, out: number, inp: number): TensorRef => {
    const w = param(`${name}.weight`, [out, inp]);
    const b = param(`${name}.bias`, [out]);
    return g.add(g.matMul(x, g.transpose(w, [1, 0])), b);
  };

  const layerNorm = (x: TensorRef, name: string, width = H): TensorRef =>
    g.layerNorm(x, param(`${name}.weight`, [width]), param(`${name}.bias`, [width]), {
      epsilon: config.layerNormEps,
    });

  // ---- embeddings: word + position (+ token type), LayerNorm, optional projection to H ------

  const word = g.gather(param(layout.wordEmbeddings, [config.vocabSize, E]), inputIds);
  const positionTable = positionEmbeddings(
    g,
    weights,
    prefix,
    config,
    layout.positionEmbeddings,
    () => param(layout.positionEmbeddings, [config.maxPositions, E]),
  );
  let embedded = g.add(word, g.gather(positionTable, positionIds(g, inputIds, config)));

  if (layout.tokenTypeEmbeddings && config.typeVocabSize > 0) {
    const typeTable = param(layout.tokenTypeEmbeddings, [config.typeVocabSize, E]);
    const types = options.tokenTypeIds
      ? g.gather(typeTable, options.tokenTypeIds) // [batch, seq, E]
      : g.slice(typeTable, [0], [1], [0]); // [1, E]: type 0 everywhere
    embedded = g.add(embedded, types);
  }
  let hidden = dropout(layerNorm(embedded, layout.embeddingNorm, E), options.hiddenDropout);
  if (layout.embeddingProjection) hidden = linear(hidden, layout.embeddingProjection, H, E);
  const hiddenStates = [hidden];

  // ---- additive attention bias: 0 on real keys, -1e9 on padding; [batch, 1, 1, seq] ----------

  const keep = g.unsqueeze(g.cast(attentionMask, 'float32'), [1, 2]);
  const bias = g.mul(g.sub(g.scalar(1), keep), g.scalar(MASK_BIAS));
  const scale = g.scalar(1 / Math.sqrt(headDim));
  const act = activationKind(config.hiddenAct);

  // [batch, seq, H] -> [batch, heads, seq, headDim]
  const splitHeads = (x: TensorRef): TensorRef =>
    g.transpose(g.reshape(x, [0, 0, heads, headDim]), [0, 2, 1, 3]);

  const block = (x: TensorRef, w: BlockWeights): TensorRef => {
    // Self-attention: softmax(q·kᵀ/√d + bias)·v per head.
    const q = splitHeads(linear(x, w.query, H, H));
    const kT = g.transpose(splitHeads(linear(x, w.key, H, H)), [0, 1, 3, 2]); // [b, h, d, s]
    const v = splitHeads(linear(x, w.value, H, H));
    const scores = g.add(g.mul(g.matMul(q, kT), scale), bias); // [batch, heads, seq, seq]
    const probs = dropout(g.softmax(scores, -1), options.attentionDropout);
    const context = g.reshape(g.transpose(g.matMul(probs, v), [0, 2, 1, 3]), [0, 0, H]);

    const attended = dropout(linear(context, w.attentionOut, H, H), options.hiddenDropout);
    const afterAttention = layerNorm(g.add(attended, x), w.attentionNorm);

    // Feed-forward: W2·act(W1·h), residual, LayerNorm.
    const inner = linear(afterAttention, w.ffnIn, config.intermediateSize, H);
    const activated = act === 'relu' ? g.relu(inner) : g.gelu(inner, { approximate: act });
    const ffn = dropout(
      linear(activated, w.ffnOut, H, config.intermediateSize),
      options.hiddenDropout,
    );
    return layerNorm(g.add(ffn, afterAttention), w.outputNorm);
  };

  for (let l = 0; l < layerCount; l++) {
    for (const w of layout.layerBlocks(l)) hidden = block(hidden, w);
    hiddenStates.push(hidden);
  }
  return { hiddenStates, trainableNames };
}

/**
 * int64 position ids: [seq] 0..seq-1 (broadcast over the batch), or RoBERTa's [batch, seq]
 * pad + cumsum(ids != pad) on real tokens and pad on padding (create_position_ids_from_input_ids).
 */
function positionIds(g: GraphBuilder, inputIds: TensorRef, config: EncoderConfig): TensorRef {
  if (config.paddingOffsetPositions) {
    const pad = g.scalar(config.padTokenId, 'int64');
    const real = g.cast(g.not(g.equal(inputIds, pad)), 'int64'); // [batch, seq] 0/1
    const [running] = g.node('CumSum', [real, g.scalar(1, 'int64')], {}, [
      { dtype: 'int64', shape: inputIds.shape },
    ]);
    return g.add(g.mul(running, real), pad);
  }
  // Range -> Gather, so the table's gradient is Gather's.
  const seqLen = g.squeeze(g.shapeOf(inputIds, 1, 2), [0]); // int64 scalar
  const [ids] = g.node('Range', [g.scalar(0, 'int64'), seqLen, g.scalar(1, 'int64')], {}, [
    { dtype: 'int64', shape: [inputIds.shape[1]] },
  ]);
  return ids;
}

/** The position table; DistilBERT checkpoints with sinusoidal positions may leave it out. */
function positionEmbeddings(
  g: GraphBuilder,
  weights: Weights,
  prefix: string,
  config: EncoderConfig,
  name: string,
  fromWeights: () => TensorRef,
): TensorRef {
  if (!config.sinusoidalPositions || weights.has(prefix + name)) return fromWeights();
  const table = sinusoidalTable(config.maxPositions, config.embeddingSize);
  return g.constant(table, 'float32', [config.maxPositions, config.embeddingSize]);
}
