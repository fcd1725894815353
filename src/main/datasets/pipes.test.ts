/**
 * Pipes and devices (`cat f.csv | graft datasets import /dev/stdin`, `<(...)`): an import reads
 * its files more than once, so each is refused by name, stat-ed before anything opens it. A
 * named pipe stands in for /dev/stdin here; opening it to read would wait for a writer, so a
 * guard process opens it after a few seconds: should the code open it, the test fails, it
 * does not hang.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetSampleRequest } from '../../shared/contract';
import { importDataset, previewDataset } from './import';
import { loadDatasetFile, parseDatasetFile } from './parse';
import { peekDataset } from './peek';
import { lines, storeForEachTest } from './test-files';

const { files, store } = storeForEachTest();

const PIPE_REFUSAL = (path: string): string =>
  `${path} is a pipe, not a regular file: an import reads its files more than once, and a ` +
  'pipe can be read only once; save it to a file and import that';

let fifo: string;
let guard: ChildProcess;

beforeEach(() => {
  fifo = join(files.dir, 'stdin.csv');
  execFileSync('mkfifo', [fifo]);
  // Opened read-write, a pipe lets a blocked reader through, and its exit ends what it reads
  const open = `setTimeout(() => require('fs').openSync(${JSON.stringify(fifo)}, 'r+'), 3000)`;
  guard = spawn(process.execPath, ['-e', open], { stdio: 'ignore' });
});

afterEach(() => {
  guard.kill();
});

const csv = (): string => files.write('train.csv', lines('text,label', 'good,pos', 'bad,neg'));

describe('a pipe', () => {
  it('is refused as a training, test or validation file, by import and preview', async () => {
    const refusal = { code: 'unsupported', message: PIPE_REFUSAL(fifo) };
    const ctx = { tempDir: files.dir };
    await expect(importDataset(store, { path: fifo }, ctx)).rejects.toMatchObject(refusal);
    await expect(previewDataset({ path: fifo }, ctx)).rejects.toMatchObject(refusal);
    const path = csv();
    await expect(previewDataset({ path, testPath: fifo }, ctx)).rejects.toMatchObject(refusal);
    await expect(previewDataset({ path, validationPath: fifo }, ctx)).rejects.toMatchObject(
      refusal,
    );
  }, 20_000);

  it('is refused by the preview of its head (datasets.peek), whatever the format', async () => {
    for (const format of ['auto', 'csv', 'parquet', 'folder'] as const) {
      await expect(peekDataset(DatasetSampleRequest.parse({ path: fifo, format }))).rejects.toThrow(
        PIPE_REFUSAL(fifo),
      );
    }
  }, 20_000);

  it('is refused by the direct readers, and through a link, by the name given', async () => {
    expect(() => parseDatasetFile(fifo)).toThrow(PIPE_REFUSAL(fifo));
    await expect(loadDatasetFile(fifo)).rejects.toThrow(PIPE_REFUSAL(fifo));
    const link = join(files.dir, 'fd-63');
    symlinkSync(fifo, link);
    await expect(previewDataset({ path: link }, { tempDir: files.dir })).rejects.toThrow(
      PIPE_REFUSAL(link),
    );
  }, 20_000);

  it('is refused as the label names file', async () => {
    const path = files.write('ids.csv', lines('text,label', 'good,0', 'bad,1'));
    await expect(
      previewDataset({ path, labelNamesPath: fifo }, { tempDir: files.dir }),
    ).rejects.toMatchObject({
      code: 'unsupported',
      message:
        `${fifo} is a pipe, not a regular file: an import reads its files more than once, ` +
        'and a pipe can be read only once; save the names to a file, one a line, and give ' +
        'its path',
    });
  }, 20_000);
});

describe('other paths that are no regular file', () => {
  it('refuses a device by name', async () => {
    await expect(previewDataset({ path: '/dev/null' })).rejects.toMatchObject({
      code: 'unsupported',
      message: '/dev/null is a device, not a regular file; save it to a file and import that',
    });
  });

  it('still takes a folder of class folders', async () => {
    const folder = join(files.dir, 'corpus');
    for (const label of ['pos', 'neg']) {
      mkdirSync(join(folder, label), { recursive: true });
      for (let i = 0; i < 3; i++) files.write(join('corpus', label, `${i}.txt`), `${label} ${i}`);
    }
    const report = await previewDataset({ path: folder }, { tempDir: files.dir });
    expect(report.rowsRead).toBe(6);
    const peek = await peekDataset(DatasetSampleRequest.parse({ path: folder }));
    expect(peek.format).toBe('folder');
  });
});
