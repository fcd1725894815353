import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGraph } from '../engine/graph-impl';
import { createSession, f32, i64 } from '../engine/session';
import { referenceBert } from './__fixtures__/bert-reference';
import { writeTinyBertFolder, type TinyBertOptions } from './__fixtures__/tiny-bert';
import { buildBertEncoder } from './bert';
import { inspectModelFolder } from './hf-folder';
import { loadFolderWeights } from './safetensors';

// Token rows of different lengths (0 = [PAD]) with segment ids, to exercise the mask and types.
const IDS = [
  [2, 5, 7, 9, 11, 20, 3],
  [2, 25, 26, 27, 3, 0, 0],
  [2, 3, 0, 0, 0, 0, 0],
];
const MASK = IDS.map((row, b) => row.map((id, s) => (id !== 0 || s === 0 || b === 0 ? 1 : 0)));
const TYPES = [
  [0, 0, 0, 0, 1, 1, 1],
  [0, 0, 0, 0, 0, 0, 0],
  [0, 0, 0, 0, 0, 0, 0],
];

async function tinyEncoder(opts: TinyBertOptions & { withTypes?: boolean; layers?: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'graft-bert-'));
  const tiny = writeTinyBertFolder(dir, opts);
  const weights = await loadFolderWeights(dir);
  const config = inspectModelFolder(dir);

  const g = createGraph('tiny-bert');
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  const tokenTypeIds = opts.withTypes
    ? g.input('token_type_ids', 'int64', ['batch', 'seq'])
    : undefined;
  const enc = buildBertEncoder(g, weights, config, {
    inputIds,
    attentionMask,
    tokenTypeIds,
    layers: opts.layers,
    trainable: (name) => name.startsWith('encoder.layer.1.'),
  });
  enc.hiddenStates.forEach((h, i) => g.output(h, `hidden_${i}`));
  return { g, enc, tiny };
}

function feeds(withTypes: boolean): Record<string, ReturnType<typeof i64>> {
  const dims = [IDS.length, IDS[0].length];
  const out = { input_ids: i64(IDS.flat(), dims), attention_mask: i64(MASK.flat(), dims) };
  return withTypes ? { ...out, token_type_ids: i64(TYPES.flat(), dims) } : out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('buildBertEncoder', () => {
  it('matches a naive f64 BERT on a tiny model, every layer, padding rows included', async () => {
    for (const withTypes of [false, true]) {
      const { g, enc, tiny } = await tinyEncoder({ withTypes, prefix: withTypes ? 'bert.' : '' });
      expect(enc.hiddenStates).toHaveLength(3);
      expect(enc.hiddenStates[2].shape).toEqual(['batch', 'seq', 8]);

      // Trainable params are graph inputs, so they must be fed (with their initial values).
      const session = await createSession(g.toModelProto(), { threads: 1 });
      const trainFeeds = Object.fromEntries(
        g
          .trainableParams()
          .map((p) => [p.ref.name, f32(p.init as Float32Array, p.ref.shape as number[])]),
      );
      const out = await session.run({ ...feeds(withTypes), ...trainFeeds });
      await session.release();

      const plain = Object.fromEntries(
        Object.entries(tiny.tensors).map(([k, v]) => [k.replace(/^bert\./, ''), v]),
      );
      const types = withTypes ? TYPES : undefined;
      const ref = referenceBert(plain, tiny.config as never, IDS, MASK, types);
      for (let l = 0; l < 3; l++) {
        const got = out[`hidden_${l}`].data as Float32Array;
        expect(maxAbsDiff(got, ref[l])).toBeLessThan(2e-5);
      }
    }
  });

  it('makes exactly the chosen params trainable inputs, keeps HF names', async () => {
    const { g, enc } = await tinyEncoder({ prefix: 'bert.' });
    // 6 linear layers (weight + bias) and 2 LayerNorms (weight + bias) in layer 1.
    expect(enc.trainableNames).toHaveLength(16);
    expect(enc.trainableNames).toContain('encoder.layer.1.attention.self.query.weight');
    const inputs = g.inputs().map((r) => r.name);
    expect(inputs).toContain('encoder.layer.1.output.LayerNorm.bias');
    expect(inputs).not.toContain('encoder.layer.0.output.LayerNorm.bias');
    expect(g.trainableParams().map((p) => p.ref.name)).toEqual(enc.trainableNames);
  });

  it('builds only the first k layers when asked', async () => {
    const { enc } = await tinyEncoder({ layers: 1 });
    expect(enc.hiddenStates).toHaveLength(2);
    expect(enc.trainableNames).toEqual([]);
  });

  it('names a weight whose shape disagrees with config.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-bert-'));
    writeTinyBertFolder(dir);
    const weights = await loadFolderWeights(dir);
    const config = { ...inspectModelFolder(dir), intermediateSize: 12 };
    const g = createGraph('bad');
    const ids = g.input('input_ids', 'int64', ['batch', 'seq']);
    const build = (): unknown =>
      buildBertEncoder(g, weights, config, { inputIds: ids, attentionMask: ids });
    const message = /layer\.0\.intermediate\.dense\.weight is \[16, 8\], config.json implies/;
    expect(build).toThrow(message);
  });
});
