/**
 * `graft serve` as a child process for end-to-end tests: started on a data directory, its URL
 * read from the one line it prints on stdout, stopped with SIGINT like a user's Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface Server {
  url: string;
  child: ChildProcess;
}

export async function startServe(dataDir: string): Promise<Server> {
  const bin = join(ROOT, 'bin/graft.mjs');
  const child = spawn(process.execPath, [bin, '--data-dir', dataDir, 'serve'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, GRAFT_LOG_LEVEL: 'warn' },
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once('exit', (code) => reject(new Error(`graft serve exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolveUrl);
  });
  return { url, child };
}

export async function stopServe(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((done) => server.child.once('exit', done));
  server.child.kill('SIGINT');
  await exited;
}
