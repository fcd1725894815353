/**
 * What a strategy beyond plain feature extraction keeps in its run folder for export: a small
 * JSON record (layers, pooling, sizes) plus named arrays (scalar-mix weights, gate parameters,
 * word-vector and TF-IDF tables), each array a raw little-endian file beside it. The export
 * bundle is rebuilt from the run folder alone, with no access to the library's vectors file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraftError } from '../../shared/errors';

export const STRATEGY_FILE = 'strategy.json';

export type StoredArray = Float32Array | Int32Array;

export interface StrategyArtifact {
  strategy: string;
  /** Strategy-specific settings (JSON values only). */
  settings: Record<string, unknown>;
  arrays: Record<string, StoredArray>;
}

interface Stored {
  format: 'graft-strategy/1';
  strategy: string;
  settings: Record<string, unknown>;
  arrays: Record<string, { dtype: 'float32' | 'int32'; file: string; length: number }>;
}

export function saveStrategyArtifact(runDir: string, artifact: StrategyArtifact): void {
  const arrays: Stored['arrays'] = {};
  for (const [name, data] of Object.entries(artifact.arrays)) {
    const file = `strategy.${name}.bin`;
    writeFileSync(join(runDir, file), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    arrays[name] = {
      dtype: data instanceof Int32Array ? 'int32' : 'float32',
      file,
      length: data.length,
    };
  }
  const stored: Stored = {
    format: 'graft-strategy/1',
    strategy: artifact.strategy,
    settings: artifact.settings,
    arrays,
  };
  writeFileSync(join(runDir, STRATEGY_FILE), JSON.stringify(stored, null, 2));
}

export function loadStrategyArtifact(runDir: string): StrategyArtifact {
  const path = join(runDir, STRATEGY_FILE);
  if (!existsSync(path)) {
    throw new GraftError(
      'not-found',
      `no ${STRATEGY_FILE} in ${runDir}: the run has not completed`,
    );
  }
  const stored = JSON.parse(readFileSync(path, 'utf8')) as Stored;
  if (stored.format !== 'graft-strategy/1') {
    throw new GraftError(
      'bad-input',
      `${path}: unknown format "${stored.format}", expected graft-strategy/1`,
    );
  }
  const arrays: Record<string, StoredArray> = {};
  for (const [name, a] of Object.entries(stored.arrays)) {
    const bytes = readFileSync(join(runDir, a.file));
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    arrays[name] = a.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    if (arrays[name].length !== a.length) {
      throw new GraftError(
        'bad-input',
        `${a.file} holds ${arrays[name].length} values, expected ${a.length}`,
      );
    }
  }
  return { strategy: stored.strategy, settings: stored.settings, arrays };
}

export function requireArray(artifact: StrategyArtifact, name: string): StoredArray {
  const value = artifact.arrays[name];
  if (!value) throw new GraftError('bad-input', `strategy artifact lacks the array "${name}"`);
  return value;
}
