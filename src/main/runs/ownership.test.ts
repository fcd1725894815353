import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../store';
import { createWorkbench } from '../workbench';
import { dataLayout } from '../data-dir';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A data directory holding one run marked running, owned by `pid`. */
function runningRunOwnedBy(pid: number): { dataDir: string; runId: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'graft-owner-'));
  dirs.push(dataDir);
  const layout = dataLayout(dataDir);
  const store = openStore(layout.database);
  const run = store.runs.create({
    datasetId: 'ds_x',
    modelId: 'md_y',
    config: { datasetId: 'ds_x', modelId: 'md_y' },
    status: 'running',
  });
  store.close();
  mkdirSync(join(layout.runs, run.id), { recursive: true });
  writeFileSync(join(layout.runs, run.id, 'owner.json'), JSON.stringify({ pid, host: hostname() }));
  return { dataDir, runId: run.id };
}

describe('runs left running at start-up', () => {
  it('are left alone while the process that owns them lives', async () => {
    const owner = spawn('sleep', ['30']);
    try {
      const { dataDir, runId } = runningRunOwnedBy(owner.pid!);
      const wb = await createWorkbench({ dataDir });
      expect(wb.store.runs.get(runId).status).toBe('running');
      await wb.close();
    } finally {
      owner.kill();
    }
  });

  it('are marked failed once their process is gone', async () => {
    const owner = spawn('true');
    await new Promise((done) => owner.once('exit', done));
    const { dataDir, runId } = runningRunOwnedBy(owner.pid!);
    const wb = await createWorkbench({ dataDir });
    const run = wb.store.runs.get(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/interrupted/);
    await wb.close();
  });
});
