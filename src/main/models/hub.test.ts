/**
 * Hub download against a fake hub on 127.0.0.1 (fake-hub.ts) serving the tiny RoBERTa fixture:
 * progress, cache, resume after a dropped connection, checksum failure, offline, and the
 * `models.download` call through the workbench with its events.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { createWorkbench } from '../workbench';
import { startFakeHub, type FakeHub, type FakeRepo } from './__fixtures__/fake-hub';
import { inspectModelFolder } from './hf-folder';
import { downloadHubModel, type HubProgress } from './hub';

const FOLDER = join(__dirname, '__fixtures__', 'archs', 'roberta');
const COMMIT = 'a'.repeat(40);

function repo(): FakeRepo {
  const files: Record<string, Uint8Array> = {};
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors']) {
    files[f] = readFileSync(join(FOLDER, f));
  }
  files['README.md'] = Buffer.from('---\nlicense: mit\n---\n# tiny\n');
  files['pytorch_model.bin'] = Buffer.from('a pickle Graft must never fetch');
  return { repo: 'graft-test/tiny-roberta', commit: COMMIT, files, licence: 'mit' };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'graft-hub-'));
let hub: FakeHub | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});

async function failure(promise: Promise<unknown>): Promise<GraftError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraftError);
  return error as GraftError;
}

describe('downloadHubModel', () => {
  it('downloads, verifies and reports progress; a second call is a cache hit', async () => {
    hub = await startFakeHub(repo());
    const cacheDir = tmp();
    const progress: HubProgress[] = [];
    const snap = await downloadHubModel({
      repo: 'graft-test/tiny-roberta',
      cacheDir,
      hubUrl: hub.url,
      onProgress: (p) => progress.push(p),
    });

    expect(snap).toMatchObject({ commit: COMMIT, licence: 'mit', cached: false });
    expect(snap.dir).toBe(join(cacheDir, 'graft-test--tiny-roberta', COMMIT));
    expect(inspectModelFolder(snap.dir).architecture).toBe('roberta');
    expect(readdirSync(snap.dir).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(existsSync(join(snap.dir, 'pytorch_model.bin'))).toBe(false);
    expect(hub.requests.some((r) => r.includes('pytorch_model.bin'))).toBe(false);

    const total = Object.entries(repo().files)
      .filter(([f]) => !f.endsWith('.bin'))
      .reduce((s, [, b]) => s + b.length, 0);
    expect(progress[0].phase).toBe('resolving');
    expect(progress.at(-1)).toMatchObject({ phase: 'done', done: total, total });
    const bytes = progress.filter((p) => p.phase === 'downloading').map((p) => p.done);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));

    const before = hub.requests.length;
    const again = await downloadHubModel({
      repo: 'graft-test/tiny-roberta',
      cacheDir,
      hubUrl: hub.url,
    });
    expect(again).toMatchObject({ cached: true, dir: snap.dir });
    expect(hub.requests.slice(before).filter((r) => r.includes('/resolve/'))).toEqual([]);
  });

  it('resumes an interrupted file with a Range request', async () => {
    hub = await startFakeHub(repo(), { cutOnce: { path: 'model.safetensors', after: 5000 } });
    const cacheDir = tmp();
    const opts = { repo: 'graft-test/tiny-roberta', cacheDir, hubUrl: hub.url };
    const error = await failure(downloadHubModel(opts));
    expect(error.message).toMatch(/model\.safetensors: the connection dropped at byte 5000 of/);

    const snap = await downloadHubModel(opts);
    expect(hub.requests).toContain(
      `GET /graft-test/tiny-roberta/resolve/${COMMIT}/model.safetensors bytes=5000-`,
    );
    expect(readFileSync(join(snap.dir, 'model.safetensors'))).toEqual(
      readFileSync(join(FOLDER, 'model.safetensors')),
    );
  });

  it('refuses bytes whose checksum differs from the listing and drops them', async () => {
    hub = await startFakeHub(repo(), { corrupt: 'model.safetensors' });
    const cacheDir = tmp();
    const opts = { repo: 'graft-test/tiny-roberta', cacheDir, hubUrl: hub.url };
    const error = await failure(downloadHubModel(opts));
    expect(error.code).toBe('bad-input');
    expect(error.message).toMatch(/model\.safetensors: sha256 [0-9a-f]{64} does not match/);
    const dir = join(cacheDir, 'graft-test--tiny-roberta', COMMIT);
    expect(existsSync(join(dir, 'model.safetensors.part'))).toBe(false);

    hub.knobs.corrupt = undefined; // a clean retry succeeds
    expect((await downloadHubModel(opts)).cached).toBe(false);
  });

  it('says clearly when the hub cannot be reached, and names unknown revisions', async () => {
    const offline = await failure(
      downloadHubModel({ repo: 'a/b', cacheDir: tmp(), hubUrl: 'http://127.0.0.1:9' }),
    );
    expect(offline.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9 .*offline/);

    hub = await startFakeHub(repo());
    const missing = await failure(
      downloadHubModel({
        repo: 'graft-test/tiny-roberta',
        revision: 'v9',
        cacheDir: tmp(),
        hubUrl: hub.url,
      }),
    );
    expect(missing.code).toBe('not-found');
    expect(missing.message).toMatch(/graft-test\/tiny-roberta@v9 \(HTTP 404\)/);

    const bad = await failure(downloadHubModel({ repo: '../x', cacheDir: tmp() }));
    expect(bad.code).toBe('invalid-argument');
  });
});

describe('models.download through the workbench', () => {
  it('records the model with source and licence, emitting progress events', async () => {
    hub = await startFakeHub(repo());
    process.env.GRAFT_HUB_URL = hub.url;
    const wb = await createWorkbench({ dataDir: tmp() });
    try {
      const events: EventPayload<'model.download'>[] = [];
      const stop = wb.dispatcher.bus.subscribe((name, p) => {
        if (name === 'model.download') events.push(p as EventPayload<'model.download'>);
      });
      const model = await wb.dispatcher.call('models.download', {
        repo: 'graft-test/tiny-roberta',
      });
      stop();
      expect(model).toMatchObject({
        architecture: 'roberta',
        layers: 2,
        hiddenSize: 16,
        licence: 'mit',
        source: `hub:graft-test/tiny-roberta@${COMMIT}`,
      });
      expect(model.path.startsWith(wb.layout.models)).toBe(true);
      expect(events.at(-1)).toMatchObject({ phase: 'done', revision: 'main' });

      const again = await wb.dispatcher.call('models.download', {
        repo: 'graft-test/tiny-roberta',
      });
      expect(again.id).toBe(model.id);
      expect(await wb.dispatcher.call('models.list', {})).toHaveLength(1);
      await wb.dispatcher.call('models.delete', { id: model.id });
      expect(existsSync(model.path)).toBe(false);
    } finally {
      delete process.env.GRAFT_HUB_URL;
      await wb.close();
    }
  });
});
