/**
 * Frozen features: pooled hidden states of one encoder layer per text, computed once per
 * (model, dataset version, split, layer, pooling, max length) and cached in the data
 * directory as a raw float32 matrix with a JSON sidecar. Later runs that need the same
 * features read the file instead of running the encoder.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Model, SplitName, TrainConfig } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { loadEncoder } from '../models/encoder';
import { logger } from '../util/log';

const log = logger('features');

const CACHE_VERSION = 1;

export class FeatureMatrix {
  constructor(
    readonly data: Float32Array,
    readonly rows: number,
    readonly cols: number,
    readonly cacheHit = false,
    readonly computeSeconds = 0,
  ) {
    if (data.length !== rows * cols) {
      throw new GraftError(
        'internal',
        `feature matrix holds ${data.length} values, expected ${rows}x${cols}`,
      );
    }
  }

  row(i: number): Float32Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  select(indices: readonly number[]): FeatureMatrix {
    const out = new Float32Array(indices.length * this.cols);
    indices.forEach((src, dst) => out.set(this.row(src), dst * this.cols));
    return new FeatureMatrix(out, indices.length, this.cols);
  }
}

export interface FeatureRequest {
  model: Model;
  datasetHash: string;
  split: SplitName;
  texts: readonly string[];
  layer: number;
  /**
   * Several hidden-state indices, pooled each and concatenated in this order ([rows, H * k]);
   * when given, `layer` is ignored. Absent: the single `layer` (cache keys stay as before).
   */
  layers?: readonly number[];
  pooling: TrainConfig['pooling'];
  maxLength: number;
  cacheDir: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
}

export function featureCacheKey(
  r: Omit<FeatureRequest, 'texts' | 'cacheDir' | 'signal' | 'onProgress'>,
): string {
  const identity = {
    v: CACHE_VERSION,
    model: r.model.id,
    dataset: r.datasetHash,
    split: r.split,
    layer: r.layer,
    ...(r.layers ? { layers: [...r.layers] } : {}),
    pooling: r.pooling,
    maxLength: r.maxLength,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

interface Sidecar {
  rows: number;
  cols: number;
  computeSeconds: number;
}

/** The run's max length, capped at what the model's positions allow. */
export function effectiveMaxLength(requested: number, modelLimit: number): number {
  if (requested > modelLimit) {
    log.info(`max length ${requested} exceeds the model's limit; using ${modelLimit}`);
  }
  return Math.min(requested, modelLimit);
}

export async function extractFeatures(request: FeatureRequest): Promise<FeatureMatrix> {
  const key = featureCacheKey(request);
  const dataFile = join(request.cacheDir, `${key}.f32`);
  const metaFile = join(request.cacheDir, `${key}.json`);

  if (existsSync(dataFile) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Sidecar;
    const bytes = readFileSync(dataFile);
    if (meta.rows === request.texts.length && bytes.byteLength === meta.rows * meta.cols * 4) {
      const data = new Float32Array(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      );
      log.info(`${request.split}: ${meta.rows} feature rows from the cache (${key})`);
      request.onProgress?.(meta.rows, meta.rows, `${request.split}: features from the cache`);
      return new FeatureMatrix(data, meta.rows, meta.cols, true, 0);
    }
    log.warn(`feature cache entry ${key} does not match the dataset; recomputing`);
  }

  const started = performance.now();
  const encoder = await loadEncoder(request.model.path);
  try {
    const layers = (request.layers ?? [request.layer]).map((l) =>
      l < 0 ? encoder.layers + 1 + l : l,
    );
    const maxLength = effectiveMaxLength(request.maxLength, encoder.tokenizer.maxLength);
    const data = await encoder.embed(request.texts, {
      maxLength,
      layers,
      pooling: request.pooling,
      signal: request.signal,
      onProgress: (done, total) =>
        request.onProgress?.(done, total, `${request.split}: encoding ${done}/${total} texts`),
    });
    const seconds = (performance.now() - started) / 1000;
    const cols = data.length / Math.max(1, request.texts.length);

    // Write then rename, so a crash mid-write never leaves a truncated entry that looks valid.
    writeFileSync(`${dataFile}.tmp`, data);
    renameSync(`${dataFile}.tmp`, dataFile);
    writeFileSync(
      metaFile,
      JSON.stringify({ rows: request.texts.length, cols, computeSeconds: seconds }),
    );

    log.info(
      `${request.split}: encoded ${request.texts.length} texts in ${seconds.toFixed(1)} s ` +
        `(${(request.texts.length / seconds).toFixed(1)} texts/s)`,
    );
    return new FeatureMatrix(data, request.texts.length, cols, false, seconds);
  } finally {
    await encoder.release();
  }
}
