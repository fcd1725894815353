import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataLayout } from '../data-dir';
import { openStore } from '../store';
import { writeTinyBertFolder } from './__fixtures__/tiny-bert';
import { loadEncoder } from './encoder';
import { importModel, keepInLibrary } from './library';

const dir = mkdtempSync(join(tmpdir(), 'graft-library-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('model library import', () => {
  it('copies what Graft reads and leaves other runtimes behind', async () => {
    const source = join(dir, 'snapshot');
    writeTinyBertFolder(source);
    for (const name of ['pytorch_model.bin', 'tf_model.h5', 'rust_model.ot']) {
      writeFileSync(join(source, name), 'not read by Graft');
    }
    writeFileSync(join(source, 'flax_model.msgpack'), Buffer.alloc(1_000_000));
    mkdirSync(join(source, 'onnx'));
    writeFileSync(join(source, 'onnx', 'model.onnx'), 'an ONNX export');
    mkdirSync(join(source, '1_Pooling'));
    writeFileSync(join(source, '1_Pooling', 'config.json'), '{}');

    const layout = dataLayout(join(dir, 'data'));
    const store = openStore(join(dir, 'graft.db'));
    try {
      const model = importModel(store, layout, { path: source });
      const copied = readdirSync(model.path);

      expect(copied).toContain('model.safetensors');
      const weights = statSync(join(model.path, 'model.safetensors')).size;
      expect(model.sizeOnDisk).toBeGreaterThan(weights);
      expect(model.sizeOnDisk).toBeLessThan(weights + 1_000_000);
      expect(copied).toContain('config.json');
      expect(existsSync(join(model.path, '1_Pooling', 'config.json'))).toBe(true);
      for (const left of [
        'pytorch_model.bin',
        'tf_model.h5',
        'rust_model.ot',
        'flax_model.msgpack',
        'onnx',
      ]) {
        expect(copied).not.toContain(left);
      }
      const encoder = await loadEncoder(model.path);
      expect(encoder.layers).toBe(model.layers);
      const features = await encoder.embed(['a short text']);
      expect(features.length).toBe(model.hiddenSize);
      await encoder.release();
    } finally {
      store.close();
    }
  });

  it('keeps everything of an ONNX-only folder but hidden files', () => {
    expect(keepInLibrary('model.onnx', true)).toBe(true);
    expect(keepInLibrary('weights.bin', true)).toBe(true);
    expect(keepInLibrary('.git', true)).toBe(false);
    expect(keepInLibrary(join('onnx', 'model.onnx'), false)).toBe(false);
    expect(keepInLibrary('tokenizer.json', false)).toBe(true);
  });
});
