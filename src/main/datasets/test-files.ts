/** Small dataset files in a temp dir for the import tests, removed after each test. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** `lines` joined with LF plus a final LF, the way most tools write text files. */
export function lines(...rows: string[]): string {
  return rows.join('\n') + '\n';
}
