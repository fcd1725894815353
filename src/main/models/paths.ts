/**
 * Where real model folders live on a developer or CI machine.
 *
 * `scripts/fetch-model.mjs` downloads all-MiniLM-L6-v2 into `.cache/models/all-MiniLM-L6-v2/`
 * (gitignored) and writes `.graft-fetch.json` last, after checking the sha256 of every key file;
 * the script is plain ESM and cannot import this module, so the convention is written twice.
 * Tests that need the real weights skip with a logged reason when the folder is absent.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Marker the fetch script writes once the folder is complete and verified. */
export const FETCH_STAMP = '.graft-fetch.json';

/** The fetched all-MiniLM-L6-v2 HF folder under a checkout of the repository. */
export function fetchedMiniLMDir(repoRoot: string): string {
  return join(repoRoot, '.cache', 'models', 'all-MiniLM-L6-v2');
}

/** The repository root, found from this file (src/main/models/ is three levels down). */
export function repoRootFromHere(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** The fetched MiniLM folder when complete, else null (callers skip and say why). */
export function findFetchedMiniLM(repoRoot: string = repoRootFromHere()): string | null {
  const dir = fetchedMiniLMDir(repoRoot);
  return existsSync(join(dir, FETCH_STAMP)) ? dir : null;
}

/** The one-line reason a test prints when the real model is missing. */
export const MINILM_MISSING_REASON =
  'all-MiniLM-L6-v2 is not fetched (.cache/models/all-MiniLM-L6-v2); run `npm run fetch:model`';

/** Real tokenizer files shared by every checkout (read-only, never copied into the repo). */
export function sharedTokenizerDir(repoRoot: string = repoRootFromHere()): string {
  return join(repoRoot, '..', 'shared', 'models', 'bert-base-uncased-tokenizer');
}
