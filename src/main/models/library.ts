/**
 * The model library: importing a folder copies it into the data directory (so a run never
 * depends on a path outside it) and records what the model is.
 */
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { ModelImportRequest, type Model } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { DataLayout } from '../data-dir';
import type { Store } from '../store';
import { logger } from '../util/log';
import { inspectModelFolder } from './hf-folder';
import { inspectOnnxFolder, isOnnxFolder } from './onnx-encoder';
import { isWordVectorsPath, readWordVectors } from './word-vectors';

const log = logger('models');

export function importModel(store: Store, layout: DataLayout, request: ModelImportRequest): Model {
  const { path, name } = ModelImportRequest.parse(request);
  const source = resolve(path);
  if (!existsSync(source)) {
    throw new GraftError('not-found', `model folder "${source}" does not exist`);
  }

  if (isWordVectorsPath(source)) return importWordVectors(store, layout, source, name);

  const onnx = isOnnxFolder(source);
  const info = onnx ? inspectOnnxFolder(source) : inspectModelFolder(source);
  if (onnx) log.info(`${source}: ONNX-only encoder, ${info.layers} layers found`);
  const suffix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const target = join(layout.models, `import-${suffix}`);
  log.info(`copying ${source} into the model library`);
  cpSync(source, target, { recursive: true, filter: (src) => !basename(src).startsWith('.') });

  try {
    return store.models.insert({
      name: name ?? basename(source),
      kind: 'transformer',
      architecture: info.architecture,
      path: target,
      layers: info.layers,
      hiddenSize: info.hiddenSize,
      heads: info.heads,
      vocabSize: info.vocabSize,
      maxPositions: info.maxPositions,
      parameters: info.parameters,
      sizeOnDisk: info.sizeOnDisk,
    });
  } catch (error) {
    rmSync(target, { recursive: true, force: true }); // nothing half-imported stays behind
    throw error;
  }
}

/** Forgets the model and removes its copy, but never a folder outside the library. */
export function deleteModel(store: Store, layout: DataLayout, id: string): void {
  const model = store.models.get(id);
  store.models.delete(id);

  const inside = relative(layout.models, model.path);
  if (inside && !inside.startsWith('..') && !isAbsolute(inside) && existsSync(model.path)) {
    rmSync(model.path, { recursive: true, force: true });
  }
}

/** A GloVe / word2vec text file (optionally gzipped): kind 'word-vectors', hidden size = dim. */
function importWordVectors(store: Store, layout: DataLayout, source: string, name?: string): Model {
  const vectors = readWordVectors(source); // refuses a file that holds no vectors, first
  const suffix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const target = join(layout.models, `import-${suffix}`);
  mkdirSync(target, { recursive: true });
  cpSync(source, join(target, basename(source)));
  log.info(
    `word vectors ${source}: ${vectors.words.length} x ${vectors.dim}, ` +
      `${vectors.lowercase ? 'lower-case' : 'cased'} vocabulary`,
  );

  try {
    return store.models.insert({
      name: name ?? basename(source),
      kind: 'word-vectors',
      architecture: vectors.format,
      path: target,
      layers: 0,
      hiddenSize: vectors.dim,
      heads: 0,
      vocabSize: vectors.words.length,
      maxPositions: 0,
      parameters: vectors.words.length * vectors.dim,
      sizeOnDisk: statSync(source).size,
    });
  } catch (error) {
    rmSync(target, { recursive: true, force: true });
    throw error;
  }
}
