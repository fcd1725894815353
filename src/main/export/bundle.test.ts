/**
 * Export after the run's dataset is deleted: the run keeps what the bundle tells of its
 * dataset, and the card and manifest name its version. Real store, engine and a tiny BERT.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../shared/contract';
import { writeTinyBertFolder } from '../models/__fixtures__/tiny-bert';
import { createWorkbench, type Workbench } from '../workbench';
import type { BundleManifest } from './manifest';

let dir: string;
let wb: Workbench;
let run: Run;
let hash: string;

function csv(count: number, offset: number): string {
  const lines = ['text,label'];
  for (let i = 0; i < count; i++) {
    const [text, label] = i % 2 === 0 ? ['a very good film', 'pos'] : ['a very bad film', 'neg'];
    lines.push(`${text} ${(i + offset) % 7},${label}`);
  }
  return lines.join('\n') + '\n';
}

function readBundle(out: string): { card: string; manifest: BundleManifest } {
  return {
    card: readFileSync(join(out, 'README.md'), 'utf8'),
    manifest: JSON.parse(readFileSync(join(out, 'graft-bundle.json'), 'utf8')) as BundleManifest,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'graft-export-deleted-'));
  writeFileSync(join(dir, 'train.csv'), csv(24, 0));
  writeFileSync(join(dir, 'test.csv'), csv(8, 3));
  writeFileSync(join(dir, 'train2.csv'), csv(30, 1));
  mkdirSync(join(dir, 'tiny'));
  writeTinyBertFolder(join(dir, 'tiny'), { seed: 5 });
  wb = await createWorkbench({ dataDir: join(dir, 'data') });

  const call = wb.dispatcher.call.bind(wb.dispatcher);
  const v1 = await call('datasets.import', {
    path: join(dir, 'train.csv'),
    testPath: join(dir, 'test.csv'),
    name: 'vt',
  });
  // A v2 under the same name: a bare "vt" would no longer say which one the run used
  await call('datasets.import', {
    path: join(dir, 'train2.csv'),
    testPath: join(dir, 'test.csv'),
    name: 'vt',
  });
  hash = v1.contentHash;
  const model = await call('models.import', { path: join(dir, 'tiny'), name: 'tiny' });
  const started = await call('runs.start', { datasetId: v1.id, modelId: model.id, epochs: 2 });
  expect(await wb.runs.settled(started.id)).toBe('completed');
  await call('datasets.delete', { id: v1.id });
  run = await call('runs.get', { id: started.id });
});

afterAll(async () => {
  await wb?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('export of a run whose dataset is deleted', () => {
  it('keeps the dataset with the run', () => {
    expect(run.dataset).toEqual({
      name: 'vt',
      version: 1,
      contentHash: hash,
      splits: { train: 24, test: 8 },
      labels: ['neg', 'pos'],
    });
  });

  it('exports, naming the version and hash on the card and in the manifest', async () => {
    const out = join(dir, 'bundle');
    await wb.dispatcher.call('runs.export', { runId: run.id, outDir: out });
    const { card, manifest } = readBundle(out);

    expect(manifest.source.dataset).toBe('vt v1');
    expect(manifest.source.datasetHash).toBe(hash);
    expect(manifest.labels).toEqual(['neg', 'pos']);
    expect(card).toContain('# vt v1 classifier');
    expect(card).toContain(`- Dataset: vt v1 (train 24, test 8; content hash \`${hash}\`).`);
  });

  it('exports a run older than kept datasets by its dataset id and test labels', async () => {
    // Such a run, as a store from before this change holds it: no dataset kept
    const old = wb.store.runs.create({
      datasetId: run.datasetId,
      modelId: run.modelId,
      config: run.config,
      status: 'completed',
    });
    wb.store.runs.update(old.id, { metrics: run.metrics });
    cpSync(join(wb.layout.runs, run.id), join(wb.layout.runs, old.id), { recursive: true });
    expect(wb.store.runs.get(old.id).dataset).toBeUndefined();

    const out = join(dir, 'old-bundle');
    await wb.dispatcher.call('runs.export', { runId: old.id, outDir: out });
    const { card, manifest } = readBundle(out);

    expect(manifest.source.dataset).toBe(run.datasetId);
    expect(manifest.source.datasetHash).toBeUndefined();
    expect(manifest.labels).toEqual(['neg', 'pos']);
    expect(card).toContain(`- Dataset: ${run.datasetId} (deleted before this export;`);
  });
});
