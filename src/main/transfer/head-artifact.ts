/**
 * A trained head on disk, in the run's folder: what export needs to rebuild the classifier
 * without retraining. Float arrays travel as base64 of their little-endian bytes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraftError } from '../../shared/errors';
import type { HeadState, NamedArray } from './heads';

export const HEAD_FILE = 'head.json';

export interface HeadArtifact {
  head: HeadState;
  labels: string[];
  modelId: string;
  hiddenSize: number;
}

interface Stored {
  format: 'graft-head/1';
  labels: string[];
  modelId: string;
  hiddenSize: number;
  shape: HeadState['shape'];
  mean: string;
  invStd: string;
  params: Record<string, { shape: number[]; data: string }>;
}

const encode = (a: Float32Array): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function decode(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
}

export function saveHeadArtifact(runDir: string, artifact: HeadArtifact): void {
  const stored: Stored = {
    format: 'graft-head/1',
    labels: artifact.labels,
    modelId: artifact.modelId,
    hiddenSize: artifact.hiddenSize,
    shape: artifact.head.shape,
    mean: encode(artifact.head.mean),
    invStd: encode(artifact.head.invStd),
    params: Object.fromEntries(
      Object.entries(artifact.head.params).map(([k, v]) => [
        k,
        { shape: v.shape, data: encode(v.data) },
      ]),
    ),
  };
  writeFileSync(join(runDir, HEAD_FILE), JSON.stringify(stored));
}

export function loadHeadArtifact(runDir: string): HeadArtifact {
  const file = join(runDir, HEAD_FILE);
  if (!existsSync(file)) {
    throw new GraftError('not-found', `no trained head in ${runDir}: the run has not completed`);
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Stored;
  if (stored.format !== 'graft-head/1') {
    throw new GraftError(
      'bad-input',
      `${file}: unknown format "${stored.format}", expected graft-head/1`,
    );
  }
  const params: Record<string, NamedArray> = {};
  for (const [k, v] of Object.entries(stored.params))
    params[k] = { shape: v.shape, data: decode(v.data) };
  return {
    labels: stored.labels,
    modelId: stored.modelId,
    hiddenSize: stored.hiddenSize,
    head: { shape: stored.shape, mean: decode(stored.mean), invStd: decode(stored.invStd), params },
  };
}
