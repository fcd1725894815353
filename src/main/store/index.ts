/**
 * The SQLite store: one database file in the data directory, opened once by the main process.
 * WAL lets the UI read history while a run writes its curve; foreign keys are off by default in
 * SQLite and must be switched on per connection for the cascades to work.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';
import { datasetRepository, type DatasetRepository } from './datasets-repo';
import { sweepImports } from './import-sweep';
import { migrate } from './migrations';
import { modelRepository, type ModelRepository } from './models-repo';
import { runRepository, type RunRepository } from './runs-repo';

export type {
  DatasetRepository,
  DatasetRows,
  NewDataset,
  SplitRows,
  StagedRows,
} from './datasets-repo';
export type { ModelRepository, NewModel } from './models-repo';
export type { NewRun, RunPatch, RunRepository } from './runs-repo';
export { migrations } from './migrations';
export { newId } from './ids';

const log = logger('store');

export interface Store {
  readonly file: string;
  readonly datasets: DatasetRepository;
  readonly models: ModelRepository;
  readonly runs: RunRepository;
  close(): void;
}

function openDatabase(dbFile: string): Database.Database {
  try {
    mkdirSync(dirname(dbFile), { recursive: true });
    // Electron runs on its own ABI: its shell points this at a build made for it, while Node
    // (CLI, serve mode, tests) loads the one npm install compiled.
    const nativeBinding = process.env.GRAFT_SQLITE_BINDING;
    const db = new Database(dbFile, nativeBinding ? { nativeBinding } : {});
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // WAL makes NORMAL durable against application crashes; only power loss can drop a commit
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new GraftError('bad-input', `cannot open database ${dbFile}: ${reason}`, { cause });
  }
}

export function openStore(dbFile: string): Store {
  const db = openDatabase(dbFile);

  try {
    migrate(db, dbFile);
  } catch (error) {
    db.close();
    if (error instanceof GraftError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new GraftError('bad-input', `cannot migrate database ${dbFile}: ${reason}`, {
      cause: error,
    });
  }
  log.debug(`opened ${dbFile}`);
  try {
    const swept = sweepImports(db);
    // A warning, so that a dataset never goes without a trace (it was never visible, though)
    if (swept.length > 0) {
      log.warn(`removed the hidden datasets of imports that died halfway: ${swept.join(', ')}`);
    }
  } catch (error) {
    // They stay hidden, so nothing is wrong for the user; the next start tries again
    const reason = error instanceof Error ? error.message : String(error);
    log.warn(`could not remove the datasets of unfinished imports: ${reason}`);
  }

  return {
    file: dbFile,
    datasets: datasetRepository(db),
    models: modelRepository(db),
    runs: runRepository(db),
    close(): void {
      if (db.open) db.close();
    },
  };
}
