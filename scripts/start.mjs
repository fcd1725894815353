#!/usr/bin/env node
/**
 * `npm start`: open Graft as a desktop app when Electron can run here, in serve mode otherwise.
 *
 * Electron 42+ downloads its binary on first launch, not at install, so an offline machine has
 * an electron package without a binary. This script tries the download once; when it fails it
 * prints one line saying so and serves the UI on 127.0.0.1 instead (`graft serve`), building
 * the renderer first when it is missing or older than its sources.
 *
 * With Electron, better-sqlite3 needs a build for Electron's ABI, not Node's. The script
 * fetches the matching prebuilt binary once, with
 *   prebuild-install --runtime electron --target <electron version>
 * run in a scratch folder holding a copy of better-sqlite3's package.json (so node_modules,
 * which the CLI and tests load under Node, stays untouched), and keeps it at
 * .cache/electron-native/better_sqlite3.node. The main process hands that path to the store
 * through GRAFT_SQLITE_BINDING. Where no prebuilt exists, build one instead:
 *   npx @electron/rebuild --only better-sqlite3 --force
 * then copy node_modules/better-sqlite3/build/Release/better_sqlite3.node to that path and
 * run `npm rebuild better-sqlite3` to restore the Node build.
 *
 * Flags: --serve forces serve mode; --data-dir DIR picks the data directory (both shells);
 * --port N and anything after `--` go to `graft serve`.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');
const nativeBinding = join(root, '.cache', 'electron-native', 'better_sqlite3.node');
const bin = (name) => join(root, 'node_modules', '.bin', name);

const args = process.argv.slice(2);
const afterDashes = args.includes('--') ? args.slice(args.indexOf('--') + 1) : [];
const forceServe = args.includes('--serve');

/** The value after a flag given as `--flag value` or `--flag=value`, before any `--`. */
function flagValue(name) {
  const own = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  const at = own.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (at < 0) return undefined;
  return own[at].includes('=') ? own[at].slice(name.length + 1) : own[at + 1];
}

const dataDir = flagValue('--data-dir');
const port = flagValue('--port');
if (dataDir) process.env.GRAFT_HOME = dataDir;
const globalArgs = dataDir ? ['--data-dir', dataDir] : [];
const passThrough = [...(port ? ['--port', port] : []), ...afterDashes];

/** Quiet child run: output is kept and shown only when the step fails. */
function quiet(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, encoding: 'utf8', ...options });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** Runs a long-lived child with the terminal, passing on Ctrl-C, and exits with its status. */
function handOver(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function electronVersion() {
  return JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
}

/** The binary is there, or electron's own installer could fetch it now. */
function electronCanLaunch() {
  if (!existsSync(electronDir)) return false;

  const pathFile = join(electronDir, 'path.txt');
  const installed = () =>
    existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8')));
  if (installed()) return true;

  const attempt = quiet(process.execPath, [join(electronDir, 'install.js')], { timeout: 300_000 });
  return attempt.ok && installed();
}

/** Fetches better-sqlite3's Electron-ABI prebuilt into .cache/electron-native once. */
function ensureElectronSqlite() {
  if (existsSync(nativeBinding)) return true;

  const scratch = mkdtempSync(join(tmpdir(), 'graft-electron-sqlite-'));
  try {
    copyFileSync(
      join(root, 'node_modules', 'better-sqlite3', 'package.json'),
      join(scratch, 'package.json'),
    );
    const fetched = quiet(
      bin('prebuild-install'),
      ['--runtime', 'electron', '--target', electronVersion(), '--arch', process.arch],
      { cwd: scratch, timeout: 300_000 },
    );
    const built = join(scratch, 'build', 'Release', 'better_sqlite3.node');
    if (!fetched.ok || !existsSync(built)) {
      process.stderr.write(fetched.output);
      return false;
    }
    mkdirSync(dirname(nativeBinding), { recursive: true });
    copyFileSync(built, nativeBinding);
    return true;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Serve mode needs out/renderer; rebuild it when any renderer-side source is newer. */
function ensureRenderer() {
  const page = join(root, 'out', 'renderer', 'index.html');
  const sources = ['src/renderer', 'src/shared', 'src/preload/bridge.ts', 'resources'];
  const newest = Math.max(
    ...sources
      .map((s) => join(root, s))
      .filter(existsSync)
      .map(newestMtime),
  );
  if (existsSync(page) && statSync(page).mtimeMs >= newest) return;

  const build = quiet(bin('vite'), ['build', '--config', 'vite.renderer.config.ts']);
  if (!build.ok) {
    process.stderr.write(build.output);
    process.stderr.write('Graft: building the renderer failed (output above).\n');
    process.exit(1);
  }
}

function serve(reason) {
  if (reason) process.stdout.write(`${reason}\n`);
  ensureRenderer();
  handOver(process.execPath, [
    join(root, 'bin', 'graft.mjs'),
    ...globalArgs,
    'serve',
    ...passThrough,
  ]);
}

if (forceServe) {
  serve(null);
} else if (!electronCanLaunch()) {
  serve('The Electron binary could not be fetched, so Graft opens in serve mode instead.');
} else if (!ensureElectronSqlite()) {
  serve(
    `No Electron build of better-sqlite3 could be fetched for Electron ${electronVersion()}, ` +
      'so Graft opens in serve mode instead (see scripts/start.mjs for building one).',
  );
} else {
  // electron-vite preview builds main, preload and renderer, then launches Electron on out/.
  handOver(bin('electron-vite'), ['preview'], {
    ...process.env,
    GRAFT_SQLITE_BINDING: nativeBinding,
  });
}
