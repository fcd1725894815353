import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraph } from '../engine/graph-impl';
import { encodeModel, ModelProto, type ModelProtoObj } from '../engine/onnx-proto';
import { writeOnnxOnlyFolder } from './__fixtures__/onnx-only';
import { writeTinyBertFolder } from './__fixtures__/tiny-bert';
import { loadEncoder } from './encoder';
import { inspectModelFolder } from './hf-folder';
import { inspectOnnxFolder, isOnnxFolder, refuseOnnxOnly } from './onnx-encoder';

type Node = { opType: string; input: string[]; output: string[]; attribute?: { f?: number }[] };
type Init = { name: string; dims: number[]; dataType: number; rawData: Uint8Array };

/** Rewrites every LayerNormalization node as the opset-11-style chain of elementwise ops. */
function decomposeLayerNorms(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
  const model = ModelProto.toObject(ModelProto.decode(readFileSync(join(from, 'model.onnx'))), {
    longs: Number,
    defaults: false,
  });
  const graph = model.graph as { node: Node[]; initializer: Init[] };
  const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer);
  graph.initializer.push({
    name: 'ln_axes',
    dims: [1],
    dataType: 7,
    rawData: bytes(BigInt64Array.of(-1n)),
  });
  graph.node = graph.node.flatMap((n, k) => {
    if (n.opType !== 'LayerNormalization') return [n];
    const [x, scale, bias] = n.input;
    const p = `ln${k}_`;
    const eps = n.attribute?.find((a) => a.f !== undefined)?.f ?? 1e-5;
    graph.initializer.push({
      name: `${p}eps`,
      dims: [],
      dataType: 1,
      rawData: bytes(Float32Array.of(eps)),
    });
    const op = (opType: string, input: string[], output: string): Node => ({
      opType,
      input,
      output: [output],
    });
    return [
      op('ReduceMean', [x, 'ln_axes'], `${p}mean`),
      op('Sub', [x, `${p}mean`], `${p}d`),
      op('Mul', [`${p}d`, `${p}d`], `${p}sq`),
      op('ReduceMean', [`${p}sq`, 'ln_axes'], `${p}var`),
      op('Add', [`${p}var`, `${p}eps`], `${p}ve`),
      op('Sqrt', [`${p}ve`], `${p}sd`),
      op('Div', [`${p}d`, `${p}sd`], `${p}n`),
      op('Mul', [`${p}n`, scale], `${p}s`),
      op('Add', [`${p}s`, bias], n.output[0]),
    ];
  });
  writeFileSync(join(to, 'model.onnx'), encodeModel(model as unknown as ModelProtoObj));
}

const TEXTS = ['the movie was good', 'a very bad film !', 'it is fun', 'not boring .'];

let dir: string;
let hfDir: string;
let onnxDir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'graft-onnx-enc-'));
  hfDir = join(dir, 'hf');
  onnxDir = join(dir, 'onnx');
  writeTinyBertFolder(hfDir, { layers: 3 });
  await writeOnnxOnlyFolder(hfDir, onnxDir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ONNX-only encoders', () => {
  it('detects and inspects the folder, finding every layer', () => {
    expect(isOnnxFolder(onnxDir)).toBe(true);
    expect(isOnnxFolder(hfDir)).toBe(false);
    const info = inspectOnnxFolder(onnxDir);
    expect(info.architecture).toBe('onnx');
    expect(info.layers).toBe(3);
    expect(info.hiddenSize).toBe(8);
    expect(info.inputs).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(info.hiddenValues).toHaveLength(4);
    const hf = inspectModelFolder(hfDir);
    expect(info.parameters).toBeGreaterThan(0);
    expect(info.parameters).toBeLessThanOrEqual(hf.parameters);
  });

  it.each([
    ['last layer', -1],
    ['an intermediate layer', 1],
    ['the embeddings', 0],
  ])('features match the HF-folder path for %s', async (_, layer) => {
    const hf = await loadEncoder(hfDir);
    const onnx = await loadEncoder(onnxDir);
    try {
      expect(onnx.layers).toBe(3);
      for (const pooling of ['mean', 'cls', 'max'] as const) {
        const a = await hf.embed(TEXTS, { layers: [layer], pooling, batchSize: 3 });
        const b = await onnx.embed(TEXTS, { layers: [layer], pooling, batchSize: 3 });
        expect(b.length).toBe(a.length);
        a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5));
      }
    } finally {
      await hf.release();
      await onnx.release();
    }
  });

  it('finds hidden states in a graph whose LayerNorms are decomposed', async () => {
    const flat = join(dir, 'decomposed');
    decomposeLayerNorms(onnxDir, flat);
    expect(inspectOnnxFolder(flat).layers).toBe(3);
    const hf = await loadEncoder(hfDir);
    const onnx = await loadEncoder(flat);
    try {
      const a = await hf.embed(TEXTS, { layers: [1, -1] });
      const b = await onnx.embed(TEXTS, { layers: [1, -1] });
      a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5));
    } finally {
      await hf.release();
      await onnx.release();
    }
  });

  it('refuses strategies that rebuild the encoder, naming them', () => {
    expect(() => refuseOnnxOnly(onnxDir, 'fine-tune')).toThrow(
      /fine-tune.*ONNX-only encoders support frozen strategies only/,
    );
    expect(() => refuseOnnxOnly(hfDir, 'fine-tune')).not.toThrow();
  });

  it('refuses a folder whose graph lacks last_hidden_state', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    const g = createGraph('bad');
    const ids = g.input('input_ids', 'int64', ['batch', 'seq']);
    g.input('attention_mask', 'int64', ['batch', 'seq']);
    g.output(g.cast(ids, 'float32'), 'logits');
    writeFileSync(join(bad, 'model.onnx'), g.toModelProto());
    copyFileSync(join(hfDir, 'vocab.txt'), join(bad, 'vocab.txt'));
    expect(() => inspectOnnxFolder(bad)).toThrow(/last_hidden_state/);
  });
});
