/**
 * A tiny, seeded, random-weight BERT folder in the exact HF layout (config.json, vocab.txt,
 * tokenizer_config.json, model.safetensors), so model code and transfer strategies can be tested
 * end to end in milliseconds without real weights. Values are deterministic for a given seed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeSafetensors } from '../safetensors';

export interface TinyBertOptions {
  hiddenSize?: number; // 8: two heads of 4
  layers?: number; // 2: enough to see per-layer outputs differ
  heads?: number;
  intermediateSize?: number;
  maxPositions?: number;
  seed?: number;
  /** Prefix every tensor name (e.g. "bert." as BertForSequenceClassification saves them). */
  prefix?: string;
}

export interface TinyBert {
  dir: string;
  config: Record<string, unknown>;
  tensors: Record<string, { shape: number[]; data: Float32Array }>;
  vocab: string[];
}

/** Specials at BERT's usual ids would need 30k rows; here they sit first, like many vocabs. */
export const TINY_VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  'the',
  'a',
  'movie',
  'film',
  'was',
  'is',
  'good',
  'bad',
  'great',
  'not',
  'very',
  'and',
  'it',
  'fun',
  'boring',
  '.',
  ',',
  '!',
  "'",
  's',
  'un',
  '##believ',
  '##able',
  '##s',
  '##ly',
];

/** mulberry32: a 32-bit seeded PRNG, good enough for test weights. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function writeTinyBertFolder(dir: string, options: TinyBertOptions = {}): TinyBert {
  const H = options.hiddenSize ?? 8;
  const L = options.layers ?? 2;
  const heads = options.heads ?? 2;
  const I = options.intermediateSize ?? 16;
  const P = options.maxPositions ?? 32;
  const V = TINY_VOCAB.length;
  const prefix = options.prefix ?? '';
  const rand = prng(options.seed ?? 1);

  // Uniform in [-scale, scale); LayerNorm gains stay near 1 so activations keep their size.
  const noise = (n: number, scale: number, centre = 0): Float32Array =>
    Float32Array.from({ length: n }, () => centre + (rand() * 2 - 1) * scale);
  const tensors: TinyBert['tensors'] = {};
  const add = (name: string, shape: number[], scale: number, centre = 0): void => {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors[prefix + name] = { shape, data: noise(size, scale, centre) };
  };
  const layerNorm = (name: string): void => {
    add(`${name}.weight`, [H], 0.1, 1);
    add(`${name}.bias`, [H], 0.1);
  };
  const linear = (name: string, out: number, inp: number): void => {
    add(`${name}.weight`, [out, inp], 0.5); // torch Linear layout: [out, in]
    add(`${name}.bias`, [out], 0.1);
  };

  add('embeddings.word_embeddings.weight', [V, H], 1);
  add('embeddings.position_embeddings.weight', [P, H], 0.5);
  add('embeddings.token_type_embeddings.weight', [2, H], 0.5);
  layerNorm('embeddings.LayerNorm');
  for (let l = 0; l < L; l++) {
    const base = `encoder.layer.${l}`;
    for (const part of ['query', 'key', 'value']) linear(`${base}.attention.self.${part}`, H, H);
    linear(`${base}.attention.output.dense`, H, H);
    layerNorm(`${base}.attention.output.LayerNorm`);
    linear(`${base}.intermediate.dense`, I, H);
    linear(`${base}.output.dense`, H, I);
    layerNorm(`${base}.output.LayerNorm`);
  }
  linear('pooler.dense', H, H);

  const config = {
    architectures: ['BertModel'],
    model_type: 'bert',
    vocab_size: V,
    hidden_size: H,
    num_hidden_layers: L,
    num_attention_heads: heads,
    intermediate_size: I,
    max_position_embeddings: P,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
    hidden_act: 'gelu',
    pad_token_id: 0,
    position_embedding_type: 'absolute',
  };

  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, 'vocab.txt'), TINY_VOCAB.join('\n') + '\n');
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ do_lower_case: true, model_max_length: P }),
  );
  writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(tensors, { format: 'pt' }));
  return { dir, config, tensors, vocab: TINY_VOCAB };
}
