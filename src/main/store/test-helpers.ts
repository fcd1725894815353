/** Temp-dir databases for the store's tests: real SQLite files, removed after each test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model } from '../../shared/contract';
import type { NewModel } from './models-repo';

export interface TempDir {
  dir: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(prefix = 'graft-store-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file: (name: string): string => join(dir, name),
    remove: (): void => rmSync(dir, { recursive: true, force: true }),
  };
}

export function sampleModel(overrides: Partial<Model> = {}): NewModel {
  return {
    name: 'tiny-bert',
    kind: 'transformer',
    architecture: 'BertModel',
    path: '/models/tiny-bert',
    layers: 2,
    hiddenSize: 128,
    heads: 2,
    vocabSize: 30522,
    maxPositions: 512,
    parameters: 4_385_920,
    sizeOnDisk: 17_565_000,
    ...overrides,
  };
}
