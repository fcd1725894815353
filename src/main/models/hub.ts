/**
 * Hugging Face Hub download: a model by id and revision into the data directory's cache.
 *
 * @huggingface/hub resolves the revision to a commit (modelInfo) and lists the files with their
 * checksums (listFiles); the bytes come through our own ranged GETs on the hub's resolve
 * endpoint, because resuming needs to see whether the server honoured `Range` (206) or restarted
 * (200), which the library's blobs hide. Each file lands as `<path>.part`, is verified (sha256
 * of LFS files against the hub's LFS oid, git blob sha1 of small files against their oid) and
 * only then renamed, so a folder is never half-valid; a stamp file written last marks the
 * snapshot complete, and a second download of the same commit is a cache hit.
 *
 * The cache is <data>/models/hub/<owner>--<name>/<commit>/. GRAFT_HUB_URL points it elsewhere
 * (tests use a fake on 127.0.0.1); HF_TOKEN is sent for gated or private repos.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { listFiles, modelInfo, type ListFileEntry } from '@huggingface/hub';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';

const log = logger('models');

export const DEFAULT_HUB_URL = 'https://huggingface.co';
/** Written last into a complete snapshot: repo, commit, licence, files. */
export const HUB_STAMP = '.graft-hub.json';

/** Files a Graft encoder can use; weights in other formats are never fetched. */
const WANTED = [
  /^config\.json$/,
  /^(tokenizer|tokenizer_config|special_tokens_map)\.json$/,
  /^vocab\.txt$/,
  /^model(-\d+-of-\d+)?\.safetensors$/,
  /^model\.safetensors\.index\.json$/,
  /^(sentence_bert_config|modules|config_sentence_transformers)\.json$/,
  /^1_Pooling\/config\.json$/,
  /^(README\.md|LICENSE(\.\w+)?)$/,
];

export interface HubProgress {
  repo: string;
  /** 'resolving' revision and file list, 'downloading' bytes, 'verifying' checksums. */
  phase: 'resolving' | 'downloading' | 'verifying' | 'done';
  file: string | null;
  /** Bytes of the wanted files on disk so far (resumed bytes count), and in total. */
  done: number;
  total: number;
}

export interface HubDownloadOptions {
  repo: string;
  /** Branch, tag or commit; default "main". */
  revision?: string;
  /** Cache root, e.g. <data>/models/hub. */
  cacheDir: string;
  /** Default GRAFT_HUB_URL, else https://huggingface.co. */
  hubUrl?: string;
  /** Default HF_TOKEN from the environment. */
  accessToken?: string;
  fetch?: typeof fetch;
  onProgress?: (progress: HubProgress) => void;
  signal?: AbortSignal;
}

export interface HubSnapshot {
  dir: string;
  repo: string;
  revision: string;
  commit: string;
  /** SPDX-ish licence id from the model card (e.g. "apache-2.0"), or null when unstated. */
  licence: string | null;
  files: string[];
  /** True when the snapshot was already complete in the cache. */
  cached: boolean;
}

const REPO_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

export async function downloadHubModel(options: HubDownloadOptions): Promise<HubSnapshot> {
  const { repo, cacheDir } = options;
  if (!REPO_ID.test(repo) || repo.includes('..')) {
    throw new GraftError(
      'invalid-argument',
      `repo must be a hub id like "owner/name" ` +
        `(letters, digits, ".", "_", "-"), got ${JSON.stringify(repo)}`,
    );
  }
  const revision = options.revision ?? 'main';
  const hubUrl = (options.hubUrl ?? process.env.GRAFT_HUB_URL ?? DEFAULT_HUB_URL).replace(
    /\/$/,
    '',
  );
  const accessToken = options.accessToken ?? process.env.HF_TOKEN ?? undefined;
  const fetchFn = options.fetch ?? fetch;
  const emit = (p: Omit<HubProgress, 'repo'>): void => options.onProgress?.({ repo, ...p });
  const hub = { hubUrl, fetch: fetchFn, ...(accessToken ? { accessToken } : {}) };

  emit({ phase: 'resolving', file: null, done: 0, total: 0 });
  const info = await hubCall(hubUrl, repo, revision, () =>
    modelInfo({
      ...hub,
      name: repo,
      revision,
      additionalFields: ['sha', 'cardData', 'tags'],
    }),
  );
  const commit = info.sha;
  if (typeof commit !== 'string' || !/^[0-9a-f]{40}$/.test(commit)) {
    throw new GraftError(
      'bad-input',
      `${hubUrl}: revision "${revision}" of ${repo} did not ` +
        `resolve to a commit (got ${JSON.stringify(commit)})`,
    );
  }
  const dir = join(cacheDir, repo.replace('/', '--'), commit);
  const stamp = join(dir, HUB_STAMP);
  if (existsSync(stamp)) {
    const known = JSON.parse(readFileSync(stamp, 'utf8')) as Omit<HubSnapshot, 'dir' | 'cached'>;
    log.info(`${repo}@${commit.slice(0, 8)}: already in the cache`);
    emit({ phase: 'done', file: null, done: 0, total: 0 });
    return { ...known, dir, cached: true };
  }

  const entries: ListFileEntry[] = [];
  await hubCall(hubUrl, repo, revision, async () => {
    for await (const e of listFiles({ ...hub, repo, revision: commit, recursive: true })) {
      if (e.type === 'file' && WANTED.some((re) => re.test(e.path))) entries.push(e);
    }
  });
  const names = entries.map((e) => e.path);
  if (!names.some((n) => n.endsWith('.safetensors'))) {
    throw new GraftError(
      'unsupported',
      `${repo}@${revision} has no safetensors weights ` +
        `(model.safetensors or its shards); Graft never loads pickled pytorch_model.bin. ` +
        `Files found: ${names.join(', ') || 'none'}`,
    );
  }
  if (!names.includes('config.json')) {
    throw new GraftError('bad-input', `${repo}@${revision} has no config.json`);
  }

  const total = entries.reduce((sum, e) => sum + fileSize(e), 0);
  let done = 0;
  for (const entry of entries) {
    if (options.signal?.aborted) {
      throw new GraftError('cancelled', `download of ${repo} was cancelled`);
    }
    const path = entry.path.split('/').map(encodeURIComponent).join('/');
    const url = `${hubUrl}/${repo}/resolve/${commit}/${path}`;
    const target = join(dir, entry.path);
    const before = done;
    await fetchFile(url, target, fileSize(entry), {
      fetch: fetchFn,
      accessToken,
      signal: options.signal,
      onBytes: (bytes) =>
        emit({ phase: 'downloading', file: entry.path, done: before + bytes, total }),
    });
    emit({ phase: 'verifying', file: entry.path, done: before + fileSize(entry), total });
    await verify(target, entry);
    renameSync(`${target}.part`, target);
    done = before + fileSize(entry);
  }

  const licence = licenceOf(info);
  const record = { repo, revision, commit, licence, files: names.sort() };
  writeFileSync(stamp, JSON.stringify(record, null, 2));
  log.info(`${repo}@${commit.slice(0, 8)}: ${names.length} files, ${total} bytes, verified`);
  emit({ phase: 'done', file: null, done: total, total });
  return { ...record, dir, cached: false };
}

function fileSize(e: ListFileEntry): number {
  return e.lfs?.size ?? e.size;
}

/** The model card's licence: cardData.license, else a "license:x" tag. */
function licenceOf(info: { cardData?: unknown; tags?: unknown }): string | null {
  const card = info.cardData as { license?: unknown } | undefined;
  if (typeof card?.license === 'string') return card.license;
  if (Array.isArray(card?.license)) return card.license.join(', ');
  const tag = Array.isArray(info.tags)
    ? info.tags.find((t): t is string => typeof t === 'string' && t.startsWith('license:'))
    : undefined;
  return tag ? tag.slice('license:'.length) : null;
}

/** Runs a hub call, turning network failures and HTTP errors into messages a user can act on. */
async function hubCall<T>(
  hubUrl: string,
  repo: string,
  revision: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw hubError(error, hubUrl, `${repo}@${revision}`);
  }
}

function hubError(error: unknown, hubUrl: string, what: string): GraftError {
  if (error instanceof GraftError) return error;
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 401 || status === 403) {
    return new GraftError(
      'not-found',
      `${hubUrl}: ${what} needs access (HTTP ${status}); ` +
        `accept its terms on the hub and set HF_TOKEN, or import a downloaded folder`,
      { cause: error },
    );
  }
  if (status === 404) {
    return new GraftError(
      'not-found',
      `${hubUrl}: no model ${what} (HTTP 404); check the id ` +
        `and the revision (a branch, tag or commit)`,
      { cause: error },
    );
  }
  if (status !== undefined) {
    return new GraftError(
      'internal',
      `${hubUrl}: ${what} failed with HTTP ${status}: ` + `${(error as Error).message}`,
      { cause: error },
    );
  }
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  return new GraftError(
    'conflict',
    `cannot reach ${hubUrl} (${code ?? (error as Error).message})` +
      `: Graft looks offline. Downloads resume where they stopped once the hub is reachable; ` +
      `meanwhile import a model folder from disk`,
    { cause: error },
  );
}

interface FetchFileOptions {
  fetch: typeof fetch;
  accessToken?: string;
  signal?: AbortSignal;
  onBytes(bytesOnDisk: number): void;
}

/** GET into `<target>.part`, resuming from its length with `Range: bytes=<length>-`. */
async function fetchFile(
  url: string,
  target: string,
  size: number,
  options: FetchFileOptions,
): Promise<void> {
  const part = `${target}.part`;
  mkdirSync(dirname(target), { recursive: true });
  let have = existsSync(part) ? statSync(part).size : 0;
  if (have > size) {
    rmSync(part);
    have = 0;
  }
  options.onBytes(have);
  if (have === size) return; // complete but unverified: verify() decides

  const headers: Record<string, string> = {};
  if (have > 0) headers.Range = `bytes=${have}-`;
  if (options.accessToken) headers.Authorization = `Bearer ${options.accessToken}`;
  let response: Response;
  try {
    response = await options.fetch(url, { headers, signal: options.signal });
  } catch (error) {
    throw hubError(error, new URL(url).origin, url);
  }
  if (!response.ok || !response.body) {
    throw hubError(
      Object.assign(new Error(await response.text().catch(() => '')), {
        statusCode: response.status,
      }),
      new URL(url).origin,
      url,
    );
  }
  if (have > 0 && response.status !== 206) {
    log.warn(`${url}: the server ignored Range; downloading the file again from the start`);
    have = 0;
  } else if (have > 0) {
    log.info(`${url}: resuming at byte ${have} of ${size}`);
  }

  const out = createWriteStream(part, { flags: have > 0 ? 'a' : 'w' });
  let written = have;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      written += chunk.length;
      options.onBytes(written);
    }
  } catch (error) {
    // The bytes so far stay in .part: the next attempt resumes from them.
    if (options.signal?.aborted) throw new GraftError('cancelled', `download of ${url} cancelled`);
    throw new GraftError(
      'conflict',
      `${url}: the connection dropped at byte ${written} of ` +
        `${size}; run the download again to resume from there`,
      { cause: error },
    );
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
  if (written !== size) {
    throw new GraftError(
      'bad-input',
      `${url}: got ${written} bytes, the hub lists ${size}; ` + `run the download again to resume`,
    );
  }
}

/** sha256 for LFS files (the hub's LFS oid); git's blob sha1 ("blob <size>\0" + bytes) else. */
async function verify(target: string, entry: ListFileEntry): Promise<void> {
  const part = `${target}.part`;
  const lfs = entry.lfs;
  const hash = lfs ? createHash('sha256') : createHash('sha1');
  if (!lfs) hash.update(`blob ${statSync(part).size}\0`);
  for await (const chunk of createReadStream(part)) hash.update(chunk as Buffer);
  const got = hash.digest('hex');
  const want = lfs ? lfs.oid : entry.oid;
  if (want && got !== want) {
    rmSync(part); // a corrupt file must not be resumed from
    throw new GraftError(
      'bad-input',
      `${entry.path}: ${lfs ? 'sha256' : 'git sha1'} ${got} ` +
        `does not match the hub's ${want}; the partial file was removed, download again`,
    );
  }
}
