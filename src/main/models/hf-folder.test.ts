import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';
import { writeTinyBertFolder } from './__fixtures__/tiny-bert';
import { inspectModelFolder } from './hf-folder';
import { findFetchedMiniLM, MINILM_MISSING_REASON } from './paths';

const log = logger('models');

function tiny(): string {
  const dir = mkdtempSync(join(tmpdir(), 'graft-hf-'));
  writeTinyBertFolder(dir);
  return dir;
}

function errorOf(fn: () => unknown): GraftError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraftError);
    return error as GraftError;
  }
  throw new Error('expected an error');
}

function patchConfig(dir: string, patch: Record<string, unknown>): void {
  const path = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify({ ...config, ...patch }));
}

describe('inspectModelFolder', () => {
  it('describes a tiny BERT folder', () => {
    const dir = tiny();
    const info = inspectModelFolder(dir);
    expect(info).toMatchObject({
      architecture: 'bert',
      architectures: ['BertModel'],
      layers: 2,
      hiddenSize: 8,
      heads: 2,
      intermediateSize: 16,
      vocabSize: 30,
      maxPositions: 32,
      files: ['config.json', 'model.safetensors', 'tokenizer_config.json', 'vocab.txt'],
    });
    // embeddings (30+32+2)*8 + 2*8; per layer 4*(8*8+8) + 2*(2*8) + (16*8+16) + (8*16+8);
    // pooler 8*8+8.
    const perLayer = 4 * 72 + 32 + 144 + 136;
    expect(info.parameters).toBe(64 * 8 + 16 + 2 * perLayer + 72);
    const bytes = info.files.reduce((s, f) => s + statSync(join(dir, f)).size, 0);
    expect(info.sizeOnDisk).toBe(bytes);
  });

  it('names the folder and everything missing from a non-model folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-hf-'));
    writeFileSync(join(dir, 'notes.txt'), 'hi');
    const error = errorOf(() => inspectModelFolder(dir));
    expect(error.code).toBe('bad-input');
    expect(error.message).toContain(dir);
    expect(error.message).toMatch(/missing config\.json; a tokenizer .*; weights/);
    expect(error.message).toContain('Found: notes.txt');

    expect(errorOf(() => inspectModelFolder(join(dir, 'nope'))).code).toBe('not-found');
  });

  it('rejects an unknown model_type naming it and the supported ones', () => {
    const dir = tiny();
    patchConfig(dir, { model_type: 'gpt2' });
    const error = errorOf(() => inspectModelFolder(dir));
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/model_type "gpt2" is not supported; Graft builds "bert"/);
  });

  it('rejects configs the encoder cannot build', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ hidden_act: 'silu' }, /hidden_act "silu" is not supported; accepted: gelu, relu, gelu_/],
      [{ position_embedding_type: 'relative_key' }, /position_embedding_type "relative_key"/],
      [{ num_attention_heads: 3 }, /hidden_size 8 is not a multiple of num_attention_heads 3/],
      [{ hidden_size: 'big' }, /"hidden_size" must be a non-negative integer, got "big"/],
      [{ vocab_size: 31 }, /word_embeddings\.weight is \[30, 8\] but config\.json says vocab/],
    ];
    for (const [patch, message] of cases) {
      const dir = tiny();
      patchConfig(dir, patch);
      expect(() => inspectModelFolder(dir)).toThrow(message);
    }
  });

  it('asks for safetensors when only a pickle is there', () => {
    const dir = tiny();
    rmSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'pytorch_model.bin'), 'pickle');
    const error = errorOf(() => inspectModelFolder(dir));
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/pytorch_model\.bin.*Provide model\.safetensors/);
  });

  it('reports an unparseable config.json by path', () => {
    const dir = tiny();
    writeFileSync(join(dir, 'config.json'), '{ nope');
    expect(() => inspectModelFolder(dir)).toThrow(/config\.json: not valid JSON/);
  });
});

const minilm = findFetchedMiniLM();
if (!minilm) log.warn(`hf-folder.test: skipping the MiniLM test: ${MINILM_MISSING_REASON}`);

describe.skipIf(!minilm)('inspectModelFolder on the fetched all-MiniLM-L6-v2', () => {
  it('reads the real metadata', () => {
    const info = inspectModelFolder(minilm!);
    expect(info).toMatchObject({
      architecture: 'bert',
      layers: 6,
      hiddenSize: 384,
      heads: 12,
      intermediateSize: 1536,
      vocabSize: 30522,
      maxPositions: 512,
      parameters: 22_713_216,
    });
    expect(info.files).toContain('1_Pooling/config.json');
    expect(info.files).not.toContain('.graft-fetch.json');
    expect(info.sizeOnDisk).toBeGreaterThan(90_000_000);
  });
});
