/**
 * BERT-family encoder (BERT, MiniLM, the BERT miniatures) written with Graft's graph builder,
 * so the same graph serves frozen feature extraction and fine-tuning.
 *
 * It follows HF transformers' BertModel (modeling_bert.py) in eval mode: absolute position and
 * token-type embeddings, post-LayerNorm residual blocks, exact erf GELU, and the attention mask
 * applied as an additive bias of -1e9 on padded keys (exp(-1e9) is 0 in f32, as HF's
 * finfo.min is). Padded query rows are computed too, exactly as HF computes them.
 *
 * Weights keep their HF names and torch layouts (Linear is [out, in], multiplied as x·Wᵀ), so
 * `trainable(name)` speaks HF names and trained values map back to a checkpoint one to one.
 * Frozen weights become initializers; trainable ones pure graph inputs (see engine/graph.ts).
 */
import { GraftError } from '../../shared/errors';
import type { GraphBuilder } from '../engine/graph';
import type { TensorRef } from '../engine/types';
import type { BertConfig } from './hf-folder';
import type { Weights } from './safetensors';

/** Added to attention scores of padded keys; large enough that softmax gives exactly 0. */
const MASK_BIAS = -1e9;

export interface BertBuildOptions {
  /** int64 [batch, seq] token ids. */
  inputIds: TensorRef;
  /** int64 [batch, seq], 1 for real tokens and 0 for padding. */
  attentionMask: TensorRef;
  /** int64 [batch, seq]; default all zeros (single-segment input). */
  tokenTypeIds?: TensorRef;
  /** HF parameter name (without a "bert." prefix) -> trainable; default: everything frozen. */
  trainable?: (paramName: string) => boolean;
  /** Build only the first k transformer layers (default all); fewer layers, less compute. */
  layers?: number;
  /** Default false. True applies the config's dropout (needs the rng counter input fed). */
  training?: boolean;
  /** Dropout probabilities when training (HF's hidden/attention_probs_dropout_prob; 0.1). */
  hiddenDropout?: number;
  attentionDropout?: number;
}

export interface BertEncoder {
  /** Embeddings output, then each layer's output: `layers + 1` tensors of [batch, seq, hidden]. */
  hiddenStates: TensorRef[];
  /** Names of the parameters made trainable (HF names), in creation order. */
  trainableNames: string[];
}

/** The prefix heads add to encoder weights ("bert." in BertForSequenceClassification), or "". */
export function bertWeightPrefix(weights: Weights): string {
  for (const name of weights.keys()) {
    const at = name.indexOf('embeddings.word_embeddings.weight');
    if (at >= 0) return name.slice(0, at);
  }
  throw new GraftError(
    'bad-input',
    'weights have no embeddings.word_embeddings.weight; not a BERT-family checkpoint',
  );
}

export function buildBertEncoder(
  g: GraphBuilder,
  weights: Weights,
  config: BertConfig,
  options: BertBuildOptions,
): BertEncoder {
  const { inputIds, attentionMask } = options;
  const H = config.hiddenSize;
  const heads = config.heads;
  const headDim = H / heads;
  const layerCount = options.layers ?? config.layers;
  if (!Number.isInteger(layerCount) || layerCount < 0 || layerCount > config.layers) {
    throw new GraftError('invalid-argument',
      `layers must be an integer in 0..${config.layers}, got ${layerCount}`);
  }
  const idInputs = { inputIds, attentionMask, tokenTypeIds: options.tokenTypeIds };
  for (const [what, ref] of Object.entries(idInputs)) {
    if (ref && (ref.dtype !== 'int64' || ref.shape.length !== 2)) {
      throw new GraftError('invalid-argument',
        `${what} must be int64 [batch, seq], got ${ref.dtype}[${ref.shape.join(', ')}]`);
    }
  }

  const prefix = bertWeightPrefix(weights);
  const isTrainable = options.trainable ?? ((): boolean => false);
  const trainableNames: string[] = [];
  const training = options.training ?? false;
  const dropout = (x: TensorRef, p: number | undefined): TensorRef =>
    training && (p ?? 0.1) > 0 ? g.dropout(x, p ?? 0.1, { training: true }) : x;

  /** One weight as a graph value; older TF conversions name LayerNorm params gamma/beta. */
  const param = (name: string, expected: number[]): TensorRef => {
    const aliases = [name, name.replace(/\.weight$/, '.gamma'), name.replace(/\.bias$/, '.beta')];
    const tensor = aliases.map((n) => weights.get(prefix + n)).find((t) => t !== undefined);
    if (!tensor) {
      throw new GraftError('bad-input', `weights lack ${prefix}${name} (needed by layer config ` +
        `hidden_size ${H}, num_hidden_layers ${config.layers})`);
    }
    if (tensor.shape.join(',') !== expected.join(',')) {
      throw new GraftError('bad-input', `${prefix}${name} is [${tensor.shape.join(', ')}], ` +
        `config.json implies [${expected.join(', ')}]`);
    }
    const trainable = isTrainable(name);
    if (trainable) trainableNames.push(name);
    return g.param(name, tensor.data, expected, { trainable });
  };

  /** nn.Linear: x·Wᵀ + b with W stored [out, in]. */
  const linear = (x: TensorRef, name: string, out: number, inp: number): TensorRef => {
    const w = param(`${name}.weight`, [out, inp]);
    const b = param(`${name}.bias`, [out]);
    return g.add(g.matMul(x, g.transpose(w, [1, 0])), b);
  };

  const layerNorm = (x: TensorRef, name: string): TensorRef =>
    g.layerNorm(x, param(`${name}.weight`, [H]), param(`${name}.bias`, [H]), {
      epsilon: config.layerNormEps,
    });

  // ---- embeddings: word + position + token type, then LayerNorm ------------------------------

  const word = g.gather(param('embeddings.word_embeddings.weight', [config.vocabSize, H]),
    inputIds); // [batch, seq, H]

  // position ids 0..seq-1 as Range -> Gather, so the table's gradient is Gather's.
  const seqLen = g.squeeze(g.shapeOf(inputIds, 1, 2), [0]); // int64 scalar
  const [positionIds] = g.node('Range', [g.scalar(0, 'int64'), seqLen, g.scalar(1, 'int64')], {},
    [{ dtype: 'int64', shape: [inputIds.shape[1]] }]);
  const positions = g.gather(param('embeddings.position_embeddings.weight',
    [config.maxPositions, H]), positionIds); // [seq, H], broadcasts over batch

  const typeTable = param('embeddings.token_type_embeddings.weight', [config.typeVocabSize, H]);
  const types = options.tokenTypeIds
    ? g.gather(typeTable, options.tokenTypeIds) // [batch, seq, H]
    : g.slice(typeTable, [0], [1], [0]); // [1, H]: segment 0 everywhere

  let hidden = g.add(g.add(word, positions), types);
  hidden = dropout(layerNorm(hidden, 'embeddings.LayerNorm'), options.hiddenDropout);
  const hiddenStates = [hidden];

  // ---- additive attention bias: 0 on real keys, -1e9 on padding; [batch, 1, 1, seq] ----------

  const keep = g.unsqueeze(g.cast(attentionMask, 'float32'), [1, 2]);
  const bias = g.mul(g.sub(g.scalar(1), keep), g.scalar(MASK_BIAS));
  const scale = g.scalar(1 / Math.sqrt(headDim));

  // [batch, seq, H] -> [batch, heads, seq, headDim]
  const splitHeads = (x: TensorRef): TensorRef =>
    g.transpose(g.reshape(x, [0, 0, heads, headDim]), [0, 2, 1, 3]);

  for (let l = 0; l < layerCount; l++) {
    const base = `encoder.layer.${l}`;
    const x = hidden;

    // Self-attention: softmax(q·kᵀ/√d + bias)·v per head.
    const q = splitHeads(linear(x, `${base}.attention.self.query`, H, H));
    const kT = g.transpose(splitHeads(linear(x, `${base}.attention.self.key`, H, H)),
      [0, 1, 3, 2]); // [batch, heads, headDim, seq]
    const v = splitHeads(linear(x, `${base}.attention.self.value`, H, H));
    const scores = g.add(g.mul(g.matMul(q, kT), scale), bias); // [batch, heads, seq, seq]
    const probs = dropout(g.softmax(scores, -1), options.attentionDropout);
    const context = g.reshape(g.transpose(g.matMul(probs, v), [0, 2, 1, 3]), [0, 0, H]);

    const attended = dropout(linear(context, `${base}.attention.output.dense`, H, H),
      options.hiddenDropout);
    const afterAttention = layerNorm(g.add(attended, x), `${base}.attention.output.LayerNorm`);

    // Feed-forward: W2·act(W1·h), residual, LayerNorm.
    const inner = linear(afterAttention, `${base}.intermediate.dense`, config.intermediateSize, H);
    const activated = config.hiddenAct === 'relu' ? g.relu(inner) : g.gelu(inner);
    const ffn = dropout(linear(activated, `${base}.output.dense`, H, config.intermediateSize),
      options.hiddenDropout);
    hidden = layerNorm(g.add(ffn, afterAttention), `${base}.output.LayerNorm`);
    hiddenStates.push(hidden);
  }

  return { hiddenStates, trainableNames };
}
