/**
 * The model library: importing a folder copies it into the data directory (so a run never
 * depends on a path outside it) and records what the model is.
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ModelImportRequest, type Model } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { DataLayout } from '../data-dir';
import type { Store } from '../store';
import { logger } from '../util/log';
import { inspectModelFolder } from './hf-folder';

const log = logger('models');

export function importModel(store: Store, layout: DataLayout, request: ModelImportRequest): Model {
  const { path, name } = ModelImportRequest.parse(request);
  const source = resolve(path);
  if (!existsSync(source)) {
    throw new GraftError('not-found', `model folder "${source}" does not exist`);
  }

  const info = inspectModelFolder(source);
  const target = join(layout.models, `import-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`);
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

export function deleteModel(store: Store, id: string): void {
  const model = store.models.get(id);
  store.models.delete(id);
  if (model.path.startsWith('/') && existsSync(model.path)) rmSync(model.path, { recursive: true, force: true });
}
