/**
 * Hub downloads as library entries, and where every entry came from.
 *
 * A downloaded snapshot stays where the cache put it (<data>/models/hub/<owner>--<name>/<commit>)
 * and is recorded like an imported folder; downloading the same commit again returns the same
 * record. Provenance (source, licence) is read from the folder rather than a store column: the
 * hub stamp for downloads, the model card's front matter for imported folders.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelDownloadRequest, type EventPayload, type Model } from '../../shared/contract';
import type { DataLayout } from '../data-dir';
import type { Store } from '../store';
import { logger } from '../util/log';
import { inspectModelFolder } from './hf-folder';
import { downloadHubModel, HUB_STAMP, type HubDownloadOptions } from './hub';

const log = logger('models');

export interface DownloadModelOptions {
  /** Receives `model.download` progress events. */
  emit?: (payload: EventPayload<'model.download'>) => void;
  /** Overrides for tests: hub URL, fetch, token. */
  hub?: Pick<HubDownloadOptions, 'hubUrl' | 'fetch' | 'accessToken' | 'signal'>;
}

export async function downloadModel(
  store: Store,
  layout: DataLayout,
  request: ModelDownloadRequest,
  options: DownloadModelOptions = {},
): Promise<Model> {
  const { repo, revision } = ModelDownloadRequest.parse(request);
  const snapshot = await downloadHubModel({
    ...options.hub,
    repo,
    revision,
    cacheDir: join(layout.models, 'hub'),
    onProgress: (p) => options.emit?.({ ...p, revision: revision ?? 'main' }),
  });

  const known = store.models.list().find((m) => m.path === snapshot.dir);
  if (known) return withProvenance(known);

  const info = inspectModelFolder(snapshot.dir);
  const model = store.models.insert({
    name: revision && revision !== 'main' ? `${repo}@${revision}` : repo,
    kind: 'transformer',
    architecture: info.architecture,
    path: snapshot.dir,
    layers: info.layers,
    hiddenSize: info.hiddenSize,
    heads: info.heads,
    vocabSize: info.vocabSize,
    maxPositions: info.maxPositions,
    parameters: info.parameters,
    sizeOnDisk: info.sizeOnDisk,
  });
  log.info(`downloaded ${repo}@${snapshot.commit.slice(0, 8)} as model ${model.id}`);
  return withProvenance(model);
}

/** The record plus `source` and `licence`, read from the model's folder. */
export function withProvenance(model: Model): Model {
  const stamp = join(model.path, HUB_STAMP);
  if (existsSync(stamp)) {
    try {
      const s = JSON.parse(readFileSync(stamp, 'utf8')) as {
        repo: string;
        commit: string;
        licence: string | null;
      };
      return { ...model, source: `hub:${s.repo}@${s.commit}`, licence: s.licence };
    } catch {
      // fall through: an unreadable stamp leaves provenance unknown, not the model unusable
    }
  }
  const source = model.kind === 'word-vectors' ? 'file' : 'folder';
  return { ...model, source, licence: cardLicence(model.path) };
}

/** `license:` from README.md's YAML front matter (how HF model cards state it), else null. */
export function cardLicence(dir: string): string | null {
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) return null;
  const text = readFileSync(readme, 'utf8').slice(0, 8192);
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  const line = front && /^licen[cs]e:\s*["']?([^"'\r\n]+?)["']?\s*$/m.exec(front[1]);
  return line ? line[1] : null;
}
