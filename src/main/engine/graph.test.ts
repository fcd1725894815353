import { describe, expect, it } from 'vitest';
import { createGraph } from './graph-impl';
import { decodeModel } from './onnx-proto';
import { dropoutKeepMaskJs } from './rng-graph';
import { f32, f64, i64 } from './session';
import { round, runGraph } from './testing';

describe('graph builder in onnxruntime-node', () => {
  it('runs a linear layer: trainable weight (input), frozen bias (initializer)', async () => {
    const g = createGraph('linear');
    const x = g.input('x', 'float32', ['batch', 3]);
    const w = g.param('w', Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
    const b = g.param('b', Float32Array.from([0.5, -0.5]), [2], { trainable: false });
    const y = g.add(g.matMul(x, w), b);
    g.output(y, 'y');

    expect(y.shape).toEqual(['batch', 2]);
    expect(g.trainableParams().map((p) => p.ref.name)).toEqual(['w']);
    expect(g.inputs().map((i) => i.name)).toEqual(['x', 'w']);

    const out = await runGraph(g, {
      x: f32([1, 0, 0, 0, 1, 1], [2, 3]),
      w: f32([1, 2, 3, 4, 5, 6], [3, 2]),
    });
    // row 0 picks w[0] = [1, 2]; row 1 sums w[1] + w[2] = [3+5, 4+6]; then + b
    expect(out.y).toEqual([1 + 0.5, 2 - 0.5, 3 + 5 + 0.5, 4 + 6 - 0.5]);
  });

  it('writes opset 18, IR 10, raw_data initializers and symbolic dims', () => {
    const g = createGraph('meta');
    const x = g.input('x', 'float32', ['batch', 2]);
    g.output(g.mul(x, g.param('k', Float32Array.from([2, 3]), [2], { trainable: false })));
    const m = decodeModel(g.toModelProto()) as {
      irVersion: number;
      opsetImport: { version: number }[];
      graph: { initializer: { rawData: number[] }[]; input: unknown[] };
    };

    expect(m.irVersion).toBe(10);
    expect(m.opsetImport[0].version).toBe(18);
    expect(m.graph.initializer[0].rawData).toHaveLength(2 * 4);
    expect(JSON.stringify(m.graph.input)).toContain('"dimParam":"batch"');
  });

  it('computes activations, softmax and layer norm', async () => {
    const g = createGraph('act');
    const x = g.input('x', 'float64', [1, 4]);
    g.output(g.softmax(x), 'sm');
    g.output(g.logSoftmax(x), 'lsm');
    g.output(g.relu(x), 'relu');
    g.output(g.sigmoid(x), 'sig');
    g.output(g.gelu(g.cast(x, 'float32')), 'gelu');
    g.output(g.gelu(x, { approximate: 'tanh' }), 'gelu_tanh');
    const scale = g.constant([1, 1, 2, 2], 'float64', [4]);
    const bias = g.constant([0, 0, 0, 1], 'float64', [4]);
    g.output(g.layerNorm(x, scale, bias, { epsilon: 0 }), 'ln');

    const xs = [-1, 0, 1, 2];
    const out = await runGraph(g, { x: f64(xs, [1, 4]) });

    const z = xs.reduce((s, v) => s + Math.exp(v), 0);
    expect(round(out.sm, 9)).toEqual(
      round(
        xs.map((v) => Math.exp(v) / z),
        9,
      ),
    );
    expect(round(out.lsm, 9)).toEqual(
      round(
        xs.map((v) => v - Math.log(z)),
        9,
      ),
    );
    expect(out.relu).toEqual([0, 0, 1, 2]);
    expect(round(out.sig, 9)).toEqual(
      round(
        xs.map((v) => 1 / (1 + Math.exp(-v))),
        9,
      ),
    );
    // gelu(1) = 0.5·1·(1 + erf(1/√2)) = 0.5·(1 + 0.682689492) = 0.841344746
    expect(out.gelu[2]).toBeCloseTo(0.841344746, 6);
    expect(out.gelu[1]).toBe(0);
    // tanh form at 1: 0.5·(1 + tanh(√(2/π)·(1 + 0.044715)))
    const tanhForm = 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715));
    expect(out.gelu_tanh[2]).toBeCloseTo(tanhForm, 9);
    // mean 0.5, variance (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25
    const sd = Math.sqrt(1.25);
    const ln = [-1.5 / sd, -0.5 / sd, 2 * (0.5 / sd), 2 * (1.5 / sd) + 1];
    expect(round(out.ln, 9)).toEqual(round(ln, 9));
  });

  it('reduces, reshapes, transposes, slices, splits and gathers', async () => {
    const g = createGraph('shape');
    const x = g.input('x', 'float32', ['batch', 2, 3]);
    g.output(g.reduceSum(x, [2]), 'sum');
    g.output(g.reduceMean(x, [1, 2], true), 'mean');
    g.output(g.reduceMax(x, [-1]), 'max');
    const flat = g.reshape(x, [0, -1]);
    expect(flat.shape).toEqual(['batch', 6]);
    g.output(flat, 'flat');
    const t = g.transpose(x, [0, 2, 1]);
    expect(t.shape).toEqual(['batch', 3, 2]);
    g.output(t, 't');
    g.output(g.slice(x, [1], [3], [2]), 'sl');
    const [a, b] = g.split(x, [1, 2], 2);
    g.output(g.concat([b, a], 2), 'rot');
    g.output(g.squeeze(g.unsqueeze(x, [0]), [0]), 'same');
    const table = g.constant([10, 11, 20, 21, 30, 31], 'float32', [3, 2]);
    const ids = g.input('ids', 'int64', ['batch', 2]);
    const emb = g.gather(table, ids);
    expect(emb.shape).toEqual(['batch', 2, 2]);
    g.output(emb, 'emb');
    g.output(g.expand(g.scalar(7), [2, 2]), 'ex');
    g.output(g.where(g.greater(x, g.scalar(2)), x, g.scalar(0)), 'wh');
    g.output(g.gemm(g.reshape(x, [-1, 3]), table, g.scalar(1), { alpha: 2 }), 'gemm');

    const out = await runGraph(g, {
      x: f32([1, 2, 3, 4, 5, 6], [1, 2, 3]),
      ids: i64(new BigInt64Array([2n, 0n]), [1, 2]),
    });
    expect(out.sum).toEqual([1 + 2 + 3, 4 + 5 + 6]);
    expect(out.mean).toEqual([21 / 6]);
    expect(out.max).toEqual([3, 6]);
    expect(out.flat).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.t).toEqual([1, 4, 2, 5, 3, 6]);
    expect(out.sl).toEqual([2, 3, 5, 6]);
    expect(out.rot).toEqual([2, 3, 1, 5, 6, 4]);
    expect(out.same).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.emb).toEqual([30, 31, 10, 11]);
    expect(out.ex).toEqual([7, 7, 7, 7]);
    expect(out.wh).toEqual([0, 0, 3, 4, 5, 6]);
    // 2·[1,2,3]·table + 1 = 2·[10+40+90, 11+42+93] + 1
    expect(out.gemm.slice(0, 2)).toEqual([2 * 140 + 1, 2 * 146 + 1]);
  });

  it('draws dropout masks from seed and counter, as the JS mirror predicts', async () => {
    const build = (): ReturnType<typeof createGraph> => {
      const g = createGraph('drop');
      const x = g.input('x', 'float32', ['n', 50]);
      g.output(g.dropout(x, 0.25, { training: true, seed: 11 }), 'y');
      g.output(g.dropout(x, 0.25, { training: false }), 'z');
      return g;
    };
    const ones = f32(new Array(100).fill(1), [2, 50]);
    const a = await runGraph(build(), { x: ones, graft_rng_counter: i64([5], []) });
    const b = await runGraph(build(), { x: ones, graft_rng_counter: i64([5], []) });
    const c = await runGraph(build(), { x: ones, graft_rng_counter: i64([6], []) });

    const keep = dropoutKeepMaskJs(100, 0.25, 11, 5n);
    expect(a.y).toEqual(Array.from(keep, (k) => k * Math.fround(1 / 0.75)));
    expect(b.y).toEqual(a.y);
    expect(c.y).not.toEqual(a.y);
    expect(a.z).toEqual(new Array(100).fill(1));
    const kept = keep.reduce((s, k) => s + k, 0);
    expect(kept).toBeGreaterThan(60);
    expect(kept).toBeLessThan(90);
  });

  it('names the op and the shapes when operands do not fit', () => {
    const g = createGraph('bad');
    const a = g.input('a', 'float32', ['batch', 3]);
    const b = g.input('b', 'float32', [4, 2]);
    expect(() => g.matMul(a, b)).toThrow('MatMul: inner dims differ: [batch, 3] · [4, 2]');
    expect(() => g.add(a, b)).toThrow('Add: shapes [batch, 3] and [4, 2] do not broadcast');
    expect(() => g.reshape(b, [3, -1])).toThrow('Reshape: cannot reshape [4, 2] to [3, -1]');
    expect(() => g.add(a, g.input('c', 'float64', [3]))).toThrow('Add: dtypes differ');
    expect(() => g.input('a', 'float32', [1])).toThrow("name 'a' is already used");
    expect(() => g.softmax(a, 2)).toThrow('Softmax: axis 2 is outside [-2, 1]');
  });
});
