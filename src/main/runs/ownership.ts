/**
 * Which process executes a run. The queue lives in one process's memory, so a run marked
 * queued or running belongs to the process that accepted it; another process opening the same
 * data directory (the CLI beside the app, serve mode beside a CLI job) must leave it alone
 * while that process lives, and may declare it interrupted once it is gone.
 */
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const OWNER_FILE = 'owner.json';

interface Owner {
  pid: number;
  host: string;
}

export function claimRun(runDir: string): void {
  mkdirSync(runDir, { recursive: true });
  const owner: Owner = { pid: process.pid, host: hostname() };
  writeFileSync(join(runDir, OWNER_FILE), JSON.stringify(owner));
}

export function releaseRun(runDir: string): void {
  rmSync(join(runDir, OWNER_FILE), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** True while another live process on this machine holds the run. */
export function ownedByAnotherProcess(runDir: string): boolean {
  const file = join(runDir, OWNER_FILE);
  if (!existsSync(file)) return false;
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Owner;
    if (owner.host !== hostname()) return true; // a shared folder: we cannot tell, so keep it
    return owner.pid !== process.pid && alive(owner.pid);
  } catch {
    return false;
  }
}
