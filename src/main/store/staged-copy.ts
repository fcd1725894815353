/**
 * The last step of an import, off the main thread: copying a million staged rows into the
 * database takes seconds of SQLite work, during which the app and serve mode must keep
 * answering. A worker thread opens its own connection to the same file (WAL lets the main
 * connection keep reading), attaches the import's scratch file and runs the given statements
 * and the copy in one transaction, so the dataset appears whole or not at all.
 *
 * The copy holds the database's write lock for its length (seconds for a million rows): a
 * write on the main connection meanwhile waits, up to its busy timeout (5 s, store/index.ts).
 * The worker itself waits up to a minute for a lock, since waiting costs it nothing.
 *
 * The worker's code is inline (`eval`) rather than a file of its own: the main process is
 * bundled into one file by electron-vite and run from sources by tsx and vitest, and an inline
 * worker needs no build step in any of them. It loads better-sqlite3 by the path resolved
 * here, with the same native binding (GRAFT_SQLITE_BINDING, see index.ts).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { GraftError } from '../../shared/errors';

export interface CopyJob {
  /** The database file (the main connection's). */
  database: string;
  /** The scratch file, attached as `staged`. */
  staged: string;
  /** Statements run first, in the transaction: the dataset record and its report. */
  before: { sql: string; params: unknown[] }[];
  /** Statements run last, in the transaction (copies of other staged tables). */
  after?: { sql: string; params: unknown[] }[];
  /** A SELECT over `staged` whose rows are checked (label range) and copied. */
  select: string;
  /** INSERT target with its column list, e.g. `dataset_rows (dataset_id, ...)`. */
  into: string;
  /** The first column's value for every copied row (the dataset id). */
  key: string;
  /** Labels must be indices below this. */
  labelCount: number;
  /** Rows the copy must write. */
  expected: number;
}

export interface CopyFailure {
  message: string;
  code?: string;
}

const WORKER_SOURCE = `
const { parentPort, workerData: job } = require('node:worker_threads');
let db;
try {
  const Database = require(job.module);
  db = new Database(job.database, job.nativeBinding ? { nativeBinding: job.nativeBinding } : {});
  db.pragma('busy_timeout = 60000');
  db.pragma('foreign_keys = ON');
  db.prepare('ATTACH DATABASE ? AS staged').run(job.staged);
  db.transaction(() => {
    for (const s of job.before) db.prepare(s.sql).run(...s.params);
    const bad = db
      .prepare('SELECT COUNT(*) FROM (' + job.select + ') WHERE label < 0 OR label >= ?')
      .pluck()
      .get(job.labelCount);
    if (bad > 0) throw new Error(bad + ' staged rows have a label index out of range');
    const copied = db
      .prepare('INSERT INTO ' + job.into + ' SELECT ?, * FROM (' + job.select + ')')
      .run(job.key).changes;
    if (copied !== job.expected) {
      throw new Error('copied ' + copied + ' staged rows, expected ' + job.expected);
    }
    for (const s of job.after || []) db.prepare(s.sql).run(...s.params);
  })();
  db.exec('DETACH DATABASE staged');
  db.close();
  parentPort.postMessage({ ok: true });
} catch (error) {
  try { if (db && db.open) db.close(); } catch {}
  parentPort.postMessage({
    ok: false,
    message: error && error.message ? error.message : String(error),
    code: error && error.code,
  });
}
`;

/** Runs the copy on a worker thread; resolves once it is committed, rejects with its error. */
export function copyStaged(job: CopyJob): Promise<void> {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const workerData = { ...job, module, nativeBinding: process.env.GRAFT_SQLITE_BINDING };
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    let settled = false;
    worker.once('message', (result: { ok: true } | ({ ok: false } & CopyFailure)) => {
      settled = true;
      if (result.ok) resolve();
      else reject(Object.assign(new Error(result.message), { code: result.code }));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new GraftError('internal', `the copy worker exited with code ${code}`));
    });
  });
}
