/**
 * The scratch files of imports (staging.ts): named, cleaned on exit and swept at start.
 *
 * A file's name carries the pid of the process that made it, so a later start can tell a file
 * whose import is still running (in another process) from one whose process is gone (killed,
 * crashed, Ctrl-C) without waiting a day. On SIGINT or SIGTERM, when nothing else in the
 * process handles the signal, the files of running imports are deleted before the process
 * dies by the signal as it would have; on any `process.exit` they are deleted too.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '../util/log';
import { processAlive } from '../util/pid';

const log = logger('datasets');

/** `import-PID-HEX.db` and its journal; before pids were named, `import-HEX.db`. */
const SCRATCH_NAME = /^import-(?:(\d+)-)?[0-9a-f]{16}\.db(?:-journal|-wal|-shm)?$/;

/** SQLite's files beside a database: an import stopped mid-transaction leaves its journal. */
const SIDE_FILES = ['', '-journal', '-wal', '-shm'];

/** A scratch file untouched for this long was left by a crashed import, whatever its pid. */
const STALE_MS = 24 * 3600 * 1000;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Scratch files of imports running in this process. */
const open = new Set<string>();

export function scratchPath(folder: string): string {
  return join(folder, `import-${process.pid}-${randomBytes(8).toString('hex')}.db`);
}

/** Deletes scratch files whose process is gone, or that are over a day old; returns them. */
export function removeStaleScratch(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return []; // no scratch folder yet: nothing to clean
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = SCRATCH_NAME.exec(name);
    if (!match) continue;
    const path = join(folder, name);
    if (open.has(path.replace(/-(?:journal|wal|shm)$/, ''))) continue;
    try {
      const orphan = match[1] !== undefined && !processAlive(Number(match[1]));
      if (orphan || Date.now() - statSync(path).mtimeMs > STALE_MS) {
        rmSync(path, { force: true });
        removed.push(path);
      }
    } catch {
      // gone already, or not ours to remove: either way nothing to clean
    }
  }
  if (removed.length > 0) log.info(`removed ${removed.length} scratch files of ended imports`);
  return removed;
}

function removeOpen(): void {
  for (const path of open) for (const side of SIDE_FILES) rmSync(path + side, { force: true });
  open.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Another handler (serve mode, a training run) owns this signal and decides about exiting;
  // the exit hook still cleans up if it exits
  if (process.listenerCount(signal) > 1) return;
  removeOpen();
  unhook();
  process.kill(process.pid, signal);
}

let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeOpen);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.removeListener('exit', removeOpen);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** A scratch file in use: deleted if the process ends by a signal or an exit meanwhile. */
export function trackScratch(path: string): void {
  open.add(path);
  hook();
}

/** The import is over and has deleted its file; the hooks go when no import runs. */
export function untrackScratch(path: string): void {
  open.delete(path);
  if (open.size === 0) unhook();
}
