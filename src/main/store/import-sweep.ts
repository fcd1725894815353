/**
 * Datasets whose import died halfway: an import copies its rows in several transactions with
 * the dataset marked in `dataset_imports` (hidden from every read, see staged-copy.ts), and a
 * process killed meanwhile leaves the mark and the rows copied so far. The next start deletes
 * them, once the importing process is gone.
 */
import type Database from 'better-sqlite3';
import { processAlive } from '../util/pid';

/** An import that started this long ago has died, whatever its pid says (reused pids). */
const STALE_IMPORT_MS = 24 * 3600 * 1000;

/**
 * Deletes the datasets whose import died before it finished, with the rows it had copied;
 * returns their ids. Imports of running processes are left alone.
 */
export function sweepImports(db: Database.Database): string[] {
  type Pending = { dataset_id: string; pid: number; started_at: string };
  const pending = db.prepare('SELECT * FROM dataset_imports').all() as Pending[];
  const dead = pending.filter(
    (p) => !processAlive(p.pid) || Date.now() - Date.parse(p.started_at) > STALE_IMPORT_MS,
  );
  // The cascade takes the rows, the report and the mark along
  const remove = db.prepare('DELETE FROM datasets WHERE id = ?');
  for (const p of dead) remove.run(p.dataset_id);
  return dead.map((p) => p.dataset_id);
}
