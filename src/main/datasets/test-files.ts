/** Small dataset files in a temp dir for the import tests, removed after each test. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStore, type Store } from '../store';
import type { StreamTuning } from './source';

export interface TestFiles {
  dir: string;
  /** Writes `content` (a string as UTF-8, or raw bytes) and returns the file's path. */
  write(name: string, content: string | Uint8Array): string;
  remove(): void;
}

export function testFiles(): TestFiles {
  const dir = mkdtempSync(join(tmpdir(), 'graft-datasets-'));
  return {
    dir,
    write(name: string, content: string | Uint8Array): string {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    remove: (): void => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The value a test's hooks made, for the test that runs now. */
function current<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`${what} exists only while a test runs`);
  return value;
}

/**
 * Fresh temp files for every test of the calling file (vitest hooks made at its top level):
 * the returned object always stands for the running test's folder.
 */
export function filesForEachTest(): TestFiles {
  let files: TestFiles | null = null;
  beforeEach(() => {
    files = testFiles();
  });
  afterEach(() => {
    files?.remove();
    files = null;
  });
  return {
    get dir() {
      return current(files, 'the temp folder').dir;
    },
    write: (name, content) => current(files, 'the temp folder').write(name, content),
    remove: () => current(files, 'the temp folder').remove(),
  };
}

/** The same, with a real store in `graft.db` there, closed after each test. */
export function storeForEachTest(): { files: TestFiles; store: Store } {
  const files = filesForEachTest();
  let store: Store | null = null;
  beforeEach(() => {
    store = openStore(files.write('graft.db', ''));
  });
  afterEach(() => {
    store?.close();
    store = null;
  });
  const now = (): Store => current(store, 'the store');
  return {
    files,
    store: {
      get file() {
        return now().file;
      },
      get datasets() {
        return now().datasets;
      },
      get models() {
        return now().models;
      },
      get runs() {
        return now().runs;
      },
      close: () => now().close(),
    },
  };
}

/** Options that make a small file stream: `chunkBytes` at a time past a `sampleBytes` head. */
export const streamed = (chunkBytes: number, sampleBytes: number): { tuning: StreamTuning } => ({
  tuning: { chunkBytes, sampleBytes },
});

/** `lines` joined with LF plus a final LF, the way most tools write text files. */
export function lines(...rows: string[]): string {
  return rows.join('\n') + '\n';
}
