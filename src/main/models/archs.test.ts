/**
 * Every non-BERT architecture against transformers: tiny random-weight folders made by
 * scripts/golden/tiny_archs.py, with hidden states and gradients computed by PyTorch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradients } from '../engine/autodiff';
import { createGraph } from '../engine/graph-impl';
import { createSession, f32, i64 } from '../engine/session';
import { parseEncoderConfig } from './arch-config';
import { encoderWeight, loadEncoder } from './encoder';
import { inspectModelFolder } from './hf-folder';
import { loadFolderWeights } from './safetensors';
import type { EncodedBatch } from './tokenizer';
import { buildTransformerEncoder, sinusoidalTable } from './transformer';

const FIXTURES = join(__dirname, '__fixtures__', 'archs');
const TOLERANCE = 1e-4;

interface Expected {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][] | null;
  hidden_size: number;
  hidden_states: number[][];
  grads: Record<string, number[]>;
}

const CASES: [string, string][] = [
  ['roberta', 'roberta'],
  ['xlm-roberta', 'xlm-roberta'],
  ['distilbert', 'distilbert'],
  ['distilbert-sinusoidal', 'distilbert'],
  ['albert', 'albert'],
  ['electra', 'electra'],
];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function load(name: string): { dir: string; expected: Expected; batch: EncodedBatch } {
  const dir = join(FIXTURES, name);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const ids = expected.input_ids;
  const big = (rows: number[][]): BigInt64Array => BigInt64Array.from(rows.flat(), BigInt);
  const batch: EncodedBatch = {
    inputIds: big(ids),
    attentionMask: big(expected.attention_mask),
    tokenTypeIds: big(expected.token_type_ids ?? ids.map((r) => r.map(() => 0))),
    batch: ids.length,
    seqLen: ids[0].length,
    lengths: Int32Array.from(expected.attention_mask.map((r) => r.reduce((a, b) => a + b, 0))),
    truncated: 0,
  };
  return { dir, expected, batch };
}

describe.each(CASES)('%s matches transformers', (name, modelType) => {
  it('every hidden state through loadEncoder (forward), padding rows included', async () => {
    const { dir, expected, batch } = load(name);
    expect(inspectModelFolder(dir).architecture).toBe(modelType);

    const enc = await loadEncoder(dir, { threads: 1 });
    try {
      expect(enc.hiddenStateCount).toBe(expected.hidden_states.length);
      // The family's specials from the folder's own tokenizer files.
      const roberta = modelType.includes('roberta');
      expect(enc.tokenizer.padId).toBe(roberta ? 1 : 0);
      expect(Array.from(enc.tokenizer.encode('tok7 tok8').ids)).toEqual(
        roberta ? [0, 7, 8, 2] : [2, 7, 8, 3],
      );
      const all = expected.hidden_states.map((_, i) => i);
      const states = await enc.hiddenStates(batch, all);
      states.forEach((h, l) => {
        expect(maxAbsDiff(h, expected.hidden_states[l])).toBeLessThan(TOLERANCE);
      });
    } finally {
      await enc.release();
    }
  });

  // The variant fixtures (XLM-R, sinusoidal DistilBERT) share their family's backward path
  // and carry no gradients; the test is only generated where the fixture has them.
  const hasGrads = Object.keys(load(name).expected.grads).length > 0;
  const declareIf = (cond: boolean): typeof it => (cond ? it : ((() => undefined) as never));
  declareIf(hasGrads)('gradients of a weighted sum of the last layer (backward)', async () => {
    const { dir, expected, batch } = load(name);
    const info = inspectModelFolder(dir);
    const weights = await loadFolderWeights(dir, { filter: encoderWeight });
    const wanted = new Set(Object.keys(expected.grads));

    const g = createGraph(`grad-${name}`);
    const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
    const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
    const tokenTypeIds = g.input('token_type_ids', 'int64', ['batch', 'seq']);
    const enc = buildTransformerEncoder(g, weights, info, {
      inputIds,
      attentionMask,
      tokenTypeIds,
      trainable: (n) => wanted.has(n),
    });
    expect(new Set(enc.trainableNames)).toEqual(wanted);

    // loss = Σ_i h_last[i] · sin(i + 1) over the flat [batch, seq, hidden] last state.
    const H = expected.hidden_size;
    const dims = [batch.batch, batch.seqLen, H];
    const sines = Float32Array.from({ length: dims[0] * dims[1] * H }, (_, i) => Math.sin(i + 1));
    const last = enc.hiddenStates[enc.hiddenStates.length - 1];
    const loss = g.reduceSum(g.mul(last, g.constant(sines, 'float32', dims)), null, false);
    const params = g.trainableParams();
    gradients(
      g,
      loss,
      params.map((p) => p.ref),
    ).forEach((d, i) => g.output(d, `d_${i}`));

    const session = await createSession(g.toModelProto(), { threads: 1 });
    const feeds = Object.fromEntries(
      params.map((p) => [p.ref.name, f32(p.init as Float32Array, p.ref.shape as number[])]),
    );
    const bd = [batch.batch, batch.seqLen];
    const out = await session.run({
      ...feeds,
      input_ids: i64(batch.inputIds, bd),
      attention_mask: i64(batch.attentionMask, bd),
      token_type_ids: i64(batch.tokenTypeIds, bd),
    });
    await session.release();
    params.forEach((p, i) => {
      const got = out[`d_${i}`].data as Float32Array;
      expect(maxAbsDiff(got, expected.grads[p.key])).toBeLessThan(TOLERANCE);
    });
  });
});

describe('architecture configs', () => {
  it('names an unknown model_type and every supported one', () => {
    expect(() => parseEncoderConfig({ model_type: 'gpt2' }, 'x/config.json')).toThrow(
      new RegExp(
        'x/config\\.json: model_type "gpt2" is not supported; Graft builds "bert", ' +
          '"roberta", "xlm-roberta", "distilbert", "albert", "electra"',
      ),
    );
  });

  it('reads DistilBERT spelling and RoBERTa defaults', () => {
    const distil = parseEncoderConfig({
      model_type: 'distilbert',
      vocab_size: 10,
      dim: 8,
      n_layers: 2,
      n_heads: 2,
      hidden_dim: 16,
      max_position_embeddings: 12,
    });
    expect(distil).toMatchObject({ hiddenSize: 8, layers: 2, typeVocabSize: 0, hiddenAct: 'gelu' });
    const roberta = parseEncoderConfig({
      model_type: 'roberta',
      vocab_size: 10,
      hidden_size: 8,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 16,
      max_position_embeddings: 14,
      type_vocab_size: 1,
    });
    expect(roberta).toMatchObject({
      padTokenId: 1,
      layerNormEps: 1e-5,
      paddingOffsetPositions: true,
    });
  });

  it('refuses factorised embeddings outside ALBERT and ELECTRA', () => {
    expect(() =>
      parseEncoderConfig({
        model_type: 'bert',
        vocab_size: 10,
        hidden_size: 8,
        embedding_size: 4,
        num_hidden_layers: 1,
        num_attention_heads: 2,
        intermediate_size: 16,
        max_position_embeddings: 12,
      }),
    ).toThrow(/embedding_size 4 differs from hidden_size 8/);
  });

  it('computes the sinusoidal table as DistilBERT does', () => {
    const t = sinusoidalTable(3, 4);
    // Row 2: sin(2), cos(2), sin(2 / 100), cos(2 / 100).
    expect(Array.from(t.subarray(8, 12))).toEqual(
      [Math.sin(2), Math.cos(2), Math.sin(0.02), Math.cos(0.02)].map(Math.fround),
    );
  });
});
