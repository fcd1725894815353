/**
 * Token-level frozen states for gated fusion, cached on disk rather than in memory: the last
 * hidden state of every real token of every text ([tokens, H] float32, rows back to back), the
 * token ids, each row's offset and length, and each row's mean-pooled state. 5,000 SST-2 rows
 * at ~13 tokens x 384 floats are ~100 MB, so batches are read back row by row with positional
 * reads instead of holding the whole tensor (60k rows would be well over a GB).
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Model, SplitName } from '../../shared/contract';
import type { Batch } from '../engine/trainer';
import { loadEncoder } from '../models/encoder';
import { packRows } from '../models/tokenizer';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';
import { effectiveMaxLength, FeatureMatrix } from './features';
import type { BatchSource } from './graph-training';

const log = logger('transfer');
const CACHE_VERSION = 1;
const ENCODE_BATCH = 32;

export interface TokenStateRequest {
  model: Model;
  datasetHash: string;
  split: SplitName;
  texts: readonly string[];
  maxLength: number;
  cacheDir: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
}

interface Meta {
  rows: number;
  hidden: number;
  tokens: number;
  padId: number;
  offsets: number[];
  lengths: number[];
}

/** A split's cached token states; `batch` pads rows to the longest in the batch. */
export class TokenStates implements BatchSource {
  private fd: number | null = null;

  constructor(
    private readonly file: string,
    private readonly meta: Meta,
    readonly ids: Int32Array,
    /** Mean-pooled last hidden state per row, for the head's standardisation. */
    readonly pooled: FeatureMatrix,
    readonly cacheHit: boolean,
  ) {}

  get rows(): number {
    return this.meta.rows;
  }

  get hidden(): number {
    return this.meta.hidden;
  }

  batch(rows: readonly number[]): Batch {
    this.fd ??= openSync(this.file, 'r');
    const H = this.meta.hidden;
    const seq = rows.reduce((m, r) => Math.max(m, this.meta.lengths[r]), 1);
    const h = new Float32Array(rows.length * seq * H); // padding stays zero and is masked
    const ids = new BigInt64Array(rows.length * seq).fill(BigInt(this.meta.padId));
    const mask = new BigInt64Array(rows.length * seq);
    rows.forEach((r, i) => {
      const offset = this.meta.offsets[r];
      const length = this.meta.lengths[r];
      const bytes = new Uint8Array(h.buffer, i * seq * H * 4, length * H * 4);
      readSync(this.fd!, bytes, 0, bytes.byteLength, offset * H * 4);
      for (let t = 0; t < length; t++) {
        ids[i * seq + t] = BigInt(this.ids[offset + t]);
        mask[i * seq + t] = 1n;
      }
    });
    return {
      h: { data: h, dims: [rows.length, seq, H] },
      input_ids: { data: ids, dims: [rows.length, seq] },
      attention_mask: { data: mask, dims: [rows.length, seq] },
    };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function cacheKey(r: TokenStateRequest): string {
  const identity = {
    v: CACHE_VERSION,
    kind: 'token-states',
    model: r.model.id,
    dataset: r.datasetHash,
    split: r.split,
    maxLength: r.maxLength,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

export async function tokenStates(request: TokenStateRequest): Promise<TokenStates> {
  const key = cacheKey(request);
  const base = join(request.cacheDir, `${key}.tokens`);
  const files = {
    h: `${base}.f32`,
    ids: `${base}.ids`,
    pooled: `${base}.pool`,
    meta: `${base}.json`,
  };

  if (Object.values(files).every((f) => existsSync(f))) {
    const meta = JSON.parse(readFileSync(files.meta, 'utf8')) as Meta;
    if (meta.rows === request.texts.length) {
      log.info(`${request.split}: token states of ${meta.rows} rows from the cache (${key})`);
      request.onProgress?.(meta.rows, meta.rows, `${request.split}: token states from the cache`);
      return open(files, meta, true);
    }
    log.warn(`token-state cache entry ${key} does not match the dataset; recomputing`);
  }

  const started = performance.now();
  const encoder = await loadEncoder(request.model.path);
  const H = encoder.hiddenSize;
  const maxLength = effectiveMaxLength(request.maxLength, encoder.tokenizer.maxLength);
  const encoded = request.texts.map((t) => encoder.tokenizer.encode(t, { maxLength }));
  const order = encoded
    .map((_, i) => i)
    .sort((a, b) => encoded[b].ids.length - encoded[a].ids.length);
  const meta: Meta = {
    rows: encoded.length,
    hidden: H,
    tokens: 0,
    padId: encoder.tokenizer.padId,
    offsets: new Array<number>(encoded.length).fill(0),
    lengths: encoded.map((e) => e.ids.length),
  };
  const ids = new Int32Array(encoded.reduce((n, e) => n + e.ids.length, 0));
  const pooled = new Float32Array(encoded.length * H);
  const fd = openSync(`${files.h}.tmp`, 'w');
  try {
    for (let start = 0; start < order.length; start += ENCODE_BATCH) {
      if (request.signal?.aborted) throw new GraftError('cancelled', 'run cancelled');
      const chunk = order.slice(start, start + ENCODE_BATCH);
      const batch = packRows(
        chunk.map((i) => encoded[i]),
        encoder.tokenizer.padId,
      );
      const [hidden] = await encoder.hiddenStates(batch, [-1]); // [b, seq, H]
      chunk.forEach((row, b) => {
        const length = meta.lengths[row];
        const states = hidden.subarray(b * batch.seqLen * H, (b * batch.seqLen + length) * H);
        meta.offsets[row] = meta.tokens;
        ids.set(encoded[row].ids, meta.tokens);
        writeSync(fd, states, 0, states.byteLength);
        meta.tokens += length;
        for (let t = 0; t < length; t++) {
          for (let c = 0; c < H; c++) pooled[row * H + c] += states[t * H + c] / length;
        }
      });
      request.onProgress?.(
        Math.min(start + ENCODE_BATCH, order.length),
        order.length,
        `${request.split}: encoding tokens ${Math.min(start + ENCODE_BATCH, order.length)}/${order.length}`,
      );
    }
  } finally {
    closeSync(fd);
    await encoder.release();
  }

  // Data first, then the sidecar: an entry without its sidecar is never read as valid.
  renameSync(`${files.h}.tmp`, files.h);
  writeFileSync(files.ids, ids);
  writeFileSync(files.pooled, pooled);
  writeFileSync(files.meta, JSON.stringify(meta));
  const seconds = (performance.now() - started) / 1000;
  log.info(
    `${request.split}: token states of ${meta.rows} rows (${meta.tokens} tokens) in ` +
      `${seconds.toFixed(1)} s`,
  );
  return open(files, meta, false);
}

function open(
  files: { h: string; ids: string; pooled: string },
  meta: Meta,
  hit: boolean,
): TokenStates {
  const bytes = (f: string): ArrayBuffer => {
    const b = readFileSync(f);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  };
  const pooled = new FeatureMatrix(new Float32Array(bytes(files.pooled)), meta.rows, meta.hidden);
  return new TokenStates(files.h, meta, new Int32Array(bytes(files.ids)), pooled, hit);
}
