import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraph } from '../engine/graph-impl';
import { createSession, i64 } from '../engine/session';
import { logger } from '../util/log';
import { writeTinyBertFolder } from './__fixtures__/tiny-bert';
import { buildEncoderGraph, loadEncoder, type Encoder } from './encoder';
import { findFetchedMiniLM, MINILM_MISSING_REASON } from './paths';

const log = logger('models');

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const TEXTS = [
  'the movie was great fun !',
  'boring',
  'it was not very good , and the film is unbelievable .',
  'a film',
  'great',
];

describe('loadEncoder on a tiny BERT folder', () => {
  let enc: Encoder;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-enc-'));
    writeTinyBertFolder(dir, { layers: 3 });
    enc = await loadEncoder(dir, { threads: 1 });
  });
  afterAll(() => enc.release());

  it('pools hidden states mask-aware and keeps input order despite length sorting', async () => {
    expect(enc.hiddenStateCount).toBe(4);
    const H = enc.hiddenSize;
    const progress: number[] = [];
    const pooled = await enc.embed(TEXTS, {
      batchSize: 2,
      layers: [-1, 0, 2],
      onProgress: (done) => progress.push(done),
    });
    expect(pooled.length).toBe(TEXTS.length * 3 * H);
    expect(progress).toEqual([2, 4, 5]);

    // Each text alone (no padding at all) through the raw hidden states, pooled by hand.
    for (const pooling of ['mean', 'cls', 'max'] as const) {
      const all =
        pooling === 'mean'
          ? pooled
          : await enc.embed(TEXTS, { batchSize: 2, layers: [-1, 0, 2], pooling });
      for (let t = 0; t < TEXTS.length; t++) {
        const single = enc.tokenizer.encodeBatch([TEXTS[t]]);
        const states = await enc.hiddenStates(single, [3, 0, 2]);
        states.forEach((h, k) => {
          const expected = new Float32Array(H);
          for (let i = 0; i < H; i++) {
            const column = Array.from({ length: single.seqLen }, (_, s) => h[s * H + i]);
            expected[i] =
              pooling === 'mean'
                ? column.reduce((a, b) => a + b, 0) / column.length
                : pooling === 'cls'
                  ? column[0]
                  : Math.max(...column);
          }
          const got = all.subarray(t * 3 * H + k * H, t * 3 * H + (k + 1) * H);
          expect(maxAbsDiff(got, expected)).toBeLessThan(1e-5);
        });
      }
    }
  });

  it('buildEncoderGraph gives the same pooled features inside another graph', async () => {
    const g = createGraph('bundle');
    const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
    const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
    const pooled = await buildEncoderGraph(g, enc.dir, {
      inputIds,
      attentionMask,
      layer: -2,
      pooling: 'max',
    });
    expect(pooled.shape).toEqual(['batch', 8]);
    g.output(pooled, 'features');
    // Only layers up to the chosen one are built: 3 layers, hidden state 2 -> 2 layers.
    expect(g.inputs().map((r) => r.name)).toEqual(['input_ids', 'attention_mask']);

    const batch = enc.tokenizer.encodeBatch(TEXTS);
    const dims = [batch.batch, batch.seqLen];
    const session = await createSession(g.toModelProto(), { threads: 1 });
    const out = await session.run({
      input_ids: i64(batch.inputIds, dims),
      attention_mask: i64(batch.attentionMask, dims),
    });
    await session.release();
    const expected = await enc.embed(TEXTS, { layers: [2], pooling: 'max' });
    expect(maxAbsDiff(out.features.data as Float32Array, expected)).toBeLessThan(1e-5);
    await expect(
      buildEncoderGraph(g, enc.dir, { inputIds, attentionMask, layer: 4 }),
    ).rejects.toThrow(/layer 4 is not a hidden-state index .* accepted 0\.\.3/);
  });

  it('rejects bad layers, pooling and batch sizes with the accepted values', async () => {
    await expect(enc.embed(['a'], { layers: [4] })).rejects.toThrow(/accepted 0\.\.3 .* -4\.\.-1/);
    await expect(enc.embed(['a'], { pooling: 'sum' as never })).rejects.toThrow(
      /pooling must be one of mean, cls, max, got sum/,
    );
    await expect(enc.embed(['a'], { batchSize: 0 })).rejects.toThrow(/batchSize must be/);
    await expect(enc.embed(['a'], { maxLength: 64 })).rejects.toThrow(
      /maxLength must be an integer in 3\.\.32, the model's max_position/,
    );
    const controller = new AbortController();
    controller.abort();
    await expect(enc.embed(['a'], { signal: controller.signal })).rejects.toThrow(/cancelled/);
    expect((await enc.embed([])).length).toBe(0);
  });
});

interface Golden {
  sentences: string[];
  max_length: number;
  input_ids: number[][];
  attention_mask: number[][];
  last_hidden_first8: number[][][];
  hidden_states_first4: number[][][][];
  mean_pooled_norm: number[];
  mean_pooled_normalised_first16: number[][];
  cosine: number[][];
}

const minilm = findFetchedMiniLM();
if (!minilm) log.warn(`encoder.test: skipping the MiniLM golden test: ${MINILM_MISSING_REASON}`);

describe.skipIf(!minilm)('all-MiniLM-L6-v2 against the PyTorch golden file', () => {
  const golden = JSON.parse(
    readFileSync(join(import.meta.dirname, '__fixtures__', 'minilm-golden.json'), 'utf8'),
  ) as Golden;
  let enc: Encoder;
  beforeAll(async () => {
    enc = await loadEncoder(minilm!);
  });
  afterAll(() => enc.release());

  it('tokenises the batch exactly like transformers', () => {
    const batch = enc.tokenizer.encodeBatch(golden.sentences, { maxLength: golden.max_length });
    const rows = (a: BigInt64Array): number[][] =>
      golden.input_ids.map((_, b) =>
        Array.from(a.subarray(b * batch.seqLen, (b + 1) * batch.seqLen), Number),
      );
    expect(rows(batch.inputIds)).toEqual(golden.input_ids);
    expect(rows(batch.attentionMask)).toEqual(golden.attention_mask);
  });

  it('matches every hidden state within 1e-4 (padding rows included)', async () => {
    const batch = enc.tokenizer.encodeBatch(golden.sentences, { maxLength: golden.max_length });
    const H = enc.hiddenSize;
    const states = await enc.hiddenStates(batch, [0, 1, 2, 3, 4, 5, 6]);
    const slice = (h: Float32Array, b: number, s: number, n: number): Float32Array =>
      h.subarray((b * batch.seqLen + s) * H, (b * batch.seqLen + s) * H + n);

    let worst = 0;
    golden.hidden_states_first4.forEach((layer, l) =>
      layer.forEach((rows, b) =>
        rows.forEach((expected, s) => {
          worst = Math.max(worst, maxAbsDiff(slice(states[l], b, s, 4), expected));
        }),
      ),
    );
    golden.last_hidden_first8.forEach((rows, b) =>
      rows.forEach((expected, s) => {
        worst = Math.max(worst, maxAbsDiff(slice(states[6], b, s, 8), expected));
      }),
    );
    log.info(`MiniLM golden: worst hidden-state difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
  });

  it('matches normalised mean-pooled embeddings within 1e-4, whatever the batching', async () => {
    const H = enc.hiddenSize;
    for (const batchSize of [4, 3, 1]) {
      const pooled = await enc.embed(golden.sentences, { batchSize, maxLength: golden.max_length });
      const unit = golden.sentences.map((_, b) => {
        const row = pooled.subarray(b * H, (b + 1) * H);
        const norm = Math.hypot(...row);
        expect(Math.abs(norm - golden.mean_pooled_norm[b])).toBeLessThan(1e-4);
        return row.map((v) => v / norm);
      });
      unit.forEach((u, b) => {
        expect(
          maxAbsDiff(u.subarray(0, 16), golden.mean_pooled_normalised_first16[b]),
        ).toBeLessThan(1e-4);
        unit.forEach((v, c) => {
          const cos = u.reduce((s, x, i) => s + x * v[i], 0);
          expect(Math.abs(cos - golden.cosine[b][c])).toBeLessThan(1e-4);
        });
      });
    }
  });
});
