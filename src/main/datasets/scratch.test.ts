/**
 * Scratch files of imports: those of a dead process go at the next start, and Ctrl-C (SIGINT)
 * during an import deletes the running import's file before the process dies.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleScratch, scratchPath } from './scratch';
import { Staging } from './staging';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'graft-scratch-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('scratch files', () => {
  it('names the owning process and removes only the files of ended ones', () => {
    expect(scratchPath(dir)).toMatch(new RegExp(`import-${process.pid}-[0-9a-f]{16}\\.db$`));
    const dead = join(dir, `import-${deadPid()}-0123456789abcdef.db`);
    const ours = join(dir, `import-${process.pid}-0123456789abcdef.db`);
    const legacyFresh = join(dir, 'import-0123456789abcdef.db');
    const legacyOld = join(dir, 'import-fedcba9876543210.db');
    const other = join(dir, 'notes.db');
    for (const f of [dead, ours, legacyFresh, legacyOld, other]) writeFileSync(f, '');
    const twoDaysAgo = (Date.now() - 48 * 3600 * 1000) / 1000;
    utimesSync(legacyOld, twoDaysAgo, twoDaysAgo);

    expect(removeStaleScratch(dir).sort()).toEqual([dead, legacyOld].sort());
    expect(readdirSync(dir).sort()).toEqual(
      [
        'import-0123456789abcdef.db',
        `import-${process.pid}-0123456789abcdef.db`,
        'notes.db',
      ].sort(),
    );
  });

  it('removes the journal an import stopped mid-transaction left beside its file', () => {
    const dead = join(dir, `import-${deadPid()}-0123456789abcdef.db-journal`);
    writeFileSync(dead, '');
    expect(removeStaleScratch(dir)).toEqual([dead]);
    expect(existsSync(dead)).toBe(false);
  });

  it('deletes its file when the import ends', () => {
    const st = new Staging(dir, false, 512);
    expect(existsSync(st.dbFile)).toBe(true);
    st.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('deletes the file of a running import on SIGINT', async () => {
    const script = [
      "const { register } = await import('tsx/esm/api');",
      'register();',
      `const { Staging } = await import(${JSON.stringify(resolve(__dirname, 'staging.ts'))});`,
      `new Staging(${JSON.stringify(dir)}, false, 512);`,
      "process.stdout.write('ready\\n');",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: resolve(__dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    expect(readdirSync(dir)).toHaveLength(1);
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.once('exit', (_code, signal) => done(signal)),
    );
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);
});
