/**
 * The model library: importing a folder copies it into the data directory (so a run never
 * depends on a path outside it) and records what the model is.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ModelImportRequest, type Model } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { DataLayout } from '../data-dir';
import type { Store } from '../store';
import { logger } from '../util/log';
import { inspectModelFolder } from './hf-folder';
import { inspectOnnxFolder, isOnnxFolder } from './onnx-encoder';
import { isWordVectorsPath, readWordVectors } from './word-vectors';

const log = logger('models');

/**
 * What a hub snapshot carries for other runtimes: Graft reads safetensors (or, for an ONNX-only
 * folder, model.onnx), so a copy of these would only cost disk (all-MiniLM-L6-v2's snapshot
 * holds about 1 GB of ONNX, OpenVINO, TensorFlow, Flax and Rust variants of a 90 MB model).
 */
const OTHER_RUNTIME_FILES = new Set(['.bin', '.h5', '.msgpack', '.ot', '.ckpt', '.pt', '.pth']);
const OTHER_RUNTIME_FOLDERS = new Set(['onnx', 'openvino', 'coreml', 'tflite']);

/** Whether a file or folder of the source (relative path) goes into the library copy. */
export function keepInLibrary(rel: string, onnxOnly: boolean): boolean {
  const parts = rel.split(sep);
  if (parts.some((p) => p.startsWith('.'))) return false;
  if (onnxOnly) return true;
  if (OTHER_RUNTIME_FOLDERS.has(parts[0])) return false;
  return !OTHER_RUNTIME_FILES.has(extname(rel).toLowerCase());
}

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
  const left: string[] = [];
  cpSync(source, target, {
    recursive: true,
    filter: (src) => {
      const rel = relative(source, src);
      if (rel === '' || keepInLibrary(rel, onnx)) return true;
      if (!basename(src).startsWith('.')) left.push(rel);
      return false;
    },
  });
  if (left.length > 0) log.info(`not copied (other runtimes' weights): ${left.join(', ')}`);

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
      sizeOnDisk: folderBytes(target),
    });
  } catch (error) {
    rmSync(target, { recursive: true, force: true }); // nothing half-imported stays behind
    throw error;
  }
}

function folderBytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return bytes;
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
