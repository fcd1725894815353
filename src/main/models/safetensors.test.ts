import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';
import { findFetchedMiniLM, MINILM_MISSING_REASON } from './paths';
import {
  countParameters,
  encodeSafetensors,
  folderTensorInfo,
  loadFolderWeights,
  readSafetensors,
  readSafetensorsHeader,
} from './safetensors';

const log = logger('models');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'graft-st-'));
}

/** Writes a safetensors file from raw (already encoded) tensor bytes of any dtype. */
function writeRaw(
  file: string,
  tensors: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }>,
): void {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const end = offset + t.bytes.length;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(file, Buffer.concat([head, json, ...Object.values(tensors).map((t) => t.bytes)]));
}

function u16(values: number[]): Uint8Array {
  return new Uint8Array(Uint16Array.from(values).buffer);
}

describe('safetensors', () => {
  it('round-trips f32 tensors with shapes and metadata', async () => {
    const dir = tempDir();
    const a = Float32Array.from([1, -2, 3.5, 4, 5, 6]);
    const b = Float32Array.from([0.25]);
    const file = join(dir, 'model.safetensors');
    const tensors = { a: { shape: [2, 3], data: a }, b: { shape: [1], data: b } };
    writeFileSync(file, encodeSafetensors(tensors, { format: 'pt' }));

    const header = readSafetensorsHeader(file);
    expect(header.metadata).toEqual({ format: 'pt' });
    const w = await readSafetensors(file);
    expect([...w.keys()]).toEqual(['a', 'b']);
    expect(w.get('a')).toEqual({ dtype: 'F32', shape: [2, 3], data: a });
    expect(Array.from(w.get('b')!.data)).toEqual([0.25]);
    expect(countParameters(header.tensors)).toBe(7);

    const filtered = await readSafetensors(file, { filter: (n) => n !== 'a' });
    expect([...filtered.keys()]).toEqual(['b']);
  });

  it('widens F16, BF16 and I64 to f32', async () => {
    const file = join(tempDir(), 'x.safetensors');
    // f16: 0x3c00 = 1, 0xc000 = -2, 0x3555 ~ 0.33325, 0x0001 = 2^-24, 0x7c00 = +inf
    // bf16: 0x3f80 = 1, 0xc040 = -3, 0x3e80 = 0.25
    writeRaw(file, {
      h: { dtype: 'F16', shape: [5], bytes: u16([0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00]) },
      b: { dtype: 'BF16', shape: [3], bytes: u16([0x3f80, 0xc040, 0x3e80]) },
      i: { dtype: 'I64', shape: [1, 2], bytes: new Uint8Array(new BigInt64Array([7n, 9n]).buffer) },
    });
    const w = await readSafetensors(file);
    const h = Array.from(w.get('h')!.data);
    expect(h.slice(0, 2)).toEqual([1, -2]);
    expect(h[2]).toBeCloseTo(0.33325, 5);
    expect(h[3]).toBe(2 ** -24);
    expect(h[4]).toBe(Infinity);
    expect(Array.from(w.get('b')!.data)).toEqual([1, -3, 0.25]);
    expect(w.get('i')).toEqual({ dtype: 'I64', shape: [1, 2], data: Float32Array.from([7, 9]) });
    // Integer buffers are not parameters.
    expect(countParameters(readSafetensorsHeader(file).tensors)).toBe(8);
  });

  it('rejects truncated, lying and unsupported files with the file named', async () => {
    const dir = tempDir();
    const short = join(dir, 'short.safetensors');
    writeFileSync(short, Buffer.from([1, 2, 3]));
    await expect(readSafetensors(short)).rejects.toThrow(/short\.safetensors.*8-byte/);

    const huge = join(dir, 'huge.safetensors');
    const head = Buffer.alloc(16);
    head.writeBigUInt64LE(1000n);
    writeFileSync(huge, head);
    await expect(readSafetensors(huge)).rejects.toThrow(/header length 1000 exceeds/);

    const lying = join(dir, 'lying.safetensors');
    writeRaw(lying, { t: { dtype: 'F32', shape: [4], bytes: new Uint8Array(8) } });
    await expect(readSafetensors(lying)).rejects.toThrow(/"t" spans 8 bytes.*needs 16/);

    const fp8 = join(dir, 'fp8.safetensors');
    writeRaw(fp8, { t: { dtype: 'F8_E4M3', shape: [1], bytes: new Uint8Array(1) } });
    const error = await readSafetensors(fp8).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraftError);
    expect((error as GraftError).code).toBe('unsupported');
    expect((error as GraftError).message).toMatch(/F8_E4M3.*supported dtypes are F64, F32, F16/);
  });

  it('merges a sharded folder through model.safetensors.index.json', async () => {
    const dir = tempDir();
    const one = { shape: [2], data: Float32Array.from([1, 2]) };
    const two = { shape: [1], data: Float32Array.from([3]) };
    writeFileSync(join(dir, 'model-00001-of-00002.safetensors'), encodeSafetensors({ x: one }));
    writeFileSync(join(dir, 'model-00002-of-00002.safetensors'), encodeSafetensors({ y: two }));
    writeFileSync(
      join(dir, 'model.safetensors.index.json'),
      JSON.stringify({
        metadata: { total_size: 12 },
        weight_map: {
          x: 'model-00001-of-00002.safetensors',
          y: 'model-00002-of-00002.safetensors',
        },
      }),
    );
    const w = await loadFolderWeights(dir);
    expect(Array.from(w.get('x')!.data)).toEqual([1, 2]);
    expect(Array.from(w.get('y')!.data)).toEqual([3]);
    expect(countParameters(folderTensorInfo(dir))).toBe(3);

    writeFileSync(
      join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: { x: '../elsewhere.safetensors' } }),
    );
    await expect(loadFolderWeights(dir)).rejects.toThrow(/not a \.safetensors file in the same/);
  });

  it('refuses pickle-only folders and asks for safetensors', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pytorch_model.bin'), Buffer.from('not unpickled'));
    const error = (await loadFolderWeights(dir).catch((e: unknown) => e)) as GraftError;
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/only pytorch_model\.bin.*Provide model\.safetensors/);

    const empty = tempDir();
    await expect(loadFolderWeights(empty)).rejects.toThrow(/has no weights: expected model\.safe/);
  });
});

const minilm = findFetchedMiniLM();
if (!minilm) log.warn(`safetensors.test: skipping the real-weights test: ${MINILM_MISSING_REASON}`);

describe.skipIf(!minilm)('safetensors on the real all-MiniLM-L6-v2', () => {
  it('reads every tensor with BERT shapes', async () => {
    const w = await loadFolderWeights(minilm!);
    expect(w.get('embeddings.word_embeddings.weight')!.shape).toEqual([30522, 384]);
    expect(w.get('encoder.layer.5.intermediate.dense.weight')!.shape).toEqual([1536, 384]);
    // Values checked with python safetensors.safe_open on the same file.
    const word = w.get('embeddings.word_embeddings.weight')!.data;
    expect(Array.from(word.subarray(0, 2))).toEqual([-0.019989013671875, -0.0034027099609375]);
    expect(word[2000 * 384 + 5]).toBeCloseTo(-0.012144682928919792, 7);
    expect(w.get('embeddings.position_ids')).toMatchObject({ dtype: 'I64', shape: [1, 512] });
    expect(w.size).toBe(104);
    const params = countParameters(folderTensorInfo(minilm!));
    expect(params).toBe(22_713_216);
  });
});
