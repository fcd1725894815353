/**
 * The last step of an import, off the main thread: copying a million staged rows into the
 * database takes seconds of SQLite work, during which the app and serve mode must keep
 * answering. A worker thread opens its own connection to the same file (WAL lets the main
 * connection keep reading) and attaches the import's scratch file.
 *
 * One transaction for the whole copy held the database's write lock for seconds (3-5 s per
 * million rows), so that any write on the main connection meanwhile (a run's progress) waited
 * and, past its 5 s busy timeout, failed. The copy therefore runs in batches sized to about a
 * tenth of a second each, every batch its own transaction, and stays all-or-nothing to readers
 * another way: the first transaction writes the record marked as being imported (`begin`),
 * which hides it and its rows from every read; the last one removes the mark (`finish`). A
 * failure runs `undo`, which deletes the record and, by cascade, every row copied; a crash
 * leaves the mark for the next start to sweep (datasets-repo.ts, `sweepImports`).
 *
 * Batches alone do not let the main thread in: SQLite's busy handler polls with sleeps of up
 * to 100 ms and the worker takes the lock again microseconds after each commit, so a waiting
 * write starved until the copy ended. After each batch the worker therefore waits (lock
 * released) until the main thread has handled its progress message, which it can only do once
 * any write it was blocked in has gone through.
 *
 * The worker's code is inline (`eval`) rather than a file of its own: the main process is
 * bundled into one file by electron-vite and run from sources by tsx and vitest, and an inline
 * worker needs no build step in any of them. It loads better-sqlite3 by the path resolved
 * here, with the same native binding (GRAFT_SQLITE_BINDING, see index.ts).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';

const log = logger('store');

export interface CopyStatement {
  sql: string;
  params: unknown[];
  /** Rows the statement must change; anything else fails the copy. */
  changes?: number;
}

/** One staged table or view, copied a range of `ord` at a time. */
export interface CopyTable {
  /** INSERT target with its column list, e.g. `dataset_rows (dataset_id, ...)`. */
  into: string;
  /** A table or view in `staged` with an `ord` column numbering its rows 1, 2, ... `rows`. */
  from: string;
  /** The columns of `from` copied after the key, in `into`'s order. */
  columns: string;
  rows: number;
  /** A condition every row must meet, and what a row failing it has (for the error). */
  check?: { sql: string; params: unknown[]; failing: string };
}

export interface CopyJob {
  /** The database file (the main connection's). */
  database: string;
  /** The scratch file, attached as `staged`. */
  staged: string;
  /** Run first, in one transaction: the record, marked as not yet visible. */
  begin: CopyStatement[];
  /** The first column's value for every copied row (the dataset id). */
  key: string;
  tables: CopyTable[];
  /** Run last, in one transaction: makes the record visible. */
  finish: CopyStatement[];
  /** Run when anything after `begin` fails: removes the record and whatever was copied. */
  undo: CopyStatement[];
  /** The most rows a batch copies (tests make it small to cross many batches). */
  maxBatchRows?: number;
}

export interface CopyFailure {
  message: string;
  code?: string;
}

/** Copy batches: the first is small, the rest sized to take about TARGET_MS each. */
const BATCH = { first: 5000, min: 1000, max: 500_000, targetMs: 100 };

/** The longest a worker waits for the main thread's turn: a stuck main must not stall it. */
const TURN_TIMEOUT_MS = 1000;

const WORKER_SOURCE = `
const { parentPort, workerData: job } = require('node:worker_threads');
const BATCH = job.batch;
let db;
let begun = false;

function run(statements) {
  for (const s of statements) {
    const changes = db.prepare(s.sql).run(...s.params).changes;
    if (s.changes !== undefined && changes !== s.changes) {
      throw new Error(s.sql.split(' ').slice(0, 3).join(' ') + ' changed ' + changes +
        ' rows, expected ' + s.changes);
    }
  }
}

function copyTable(t, copiedBefore) {
  const range = ' FROM ' + t.from + ' WHERE ord > ? AND ord <= ?';
  const checked = t.check ? range + ' AND (' + t.check.sql + ')' : range;
  const params = t.check ? t.check.params : [];
  const insert = db.prepare('INSERT INTO ' + t.into + ' SELECT ?, ' + t.columns + checked);
  let size = BATCH.first;
  for (let from = 0; from < t.rows; ) {
    const to = Math.min(t.rows, from + size);
    const started = performance.now();
    const copied = db.transaction(() => insert.run(job.key, from, to, ...params).changes)();
    if (copied !== to - from) {
      const staged = db.prepare('SELECT COUNT(*)' + range).pluck().get(from, to);
      throw new Error(staged === to - from && t.check
        ? (to - from - copied) + ' staged rows have ' + t.check.failing
        : 'copied ' + copied + ' staged rows of ' + t.from + ' ' + (from + 1) + '..' + to +
          ', expected ' + (to - from));
    }
    from = to;
    const ms = Math.max(1, performance.now() - started);
    parentPort.postMessage({ copied: copiedBefore + to });
    Atomics.wait(job.turn, 0, 0, job.turnTimeoutMs);
    Atomics.store(job.turn, 0, 0);
    size = Math.round(Math.min(BATCH.max, Math.max(BATCH.min, size * BATCH.targetMs / ms)));
  }
  const extra = db.prepare('SELECT COUNT(*) FROM ' + t.from + ' WHERE ord > ?').pluck();
  const more = extra.get(t.rows);
  if (more > 0) throw new Error(t.from + ' has ' + more + ' staged rows more than ' + t.rows);
}

try {
  const Database = require(job.module);
  db = new Database(job.database, job.nativeBinding ? { nativeBinding: job.nativeBinding } : {});
  db.pragma('busy_timeout = 60000');
  db.pragma('foreign_keys = ON');
  db.prepare('ATTACH DATABASE ? AS staged').run(job.staged);
  db.transaction(() => run(job.begin))();
  begun = true;
  let copied = 0;
  for (const t of job.tables) {
    copyTable(t, copied);
    copied += t.rows;
  }
  db.transaction(() => run(job.finish))();
  begun = false;
  db.exec('DETACH DATABASE staged');
  db.close();
  parentPort.postMessage({ ok: true });
} catch (error) {
  let message = error && error.message ? error.message : String(error);
  try {
    if (begun) db.transaction(() => run(job.undo))();
  } catch (undoError) {
    message += '; removing what was copied failed too (the next start retries): ' +
      (undoError && undoError.message ? undoError.message : String(undoError));
  }
  try { if (db && db.open) db.close(); } catch {}
  parentPort.postMessage({ ok: false, message, code: error && error.code });
}
`;

type WorkerMessage = { copied: number } | { ok: true } | ({ ok: false } & CopyFailure);

/**
 * Runs the copy on a worker thread; resolves once it is committed and visible, rejects with
 * its error. `onCopied` hears the rows copied so far, over all tables, after each batch.
 */
export function copyStaged(job: CopyJob, onCopied?: (rows: number) => void): Promise<void> {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const nativeBinding = process.env.GRAFT_SQLITE_BINDING;
  const max = Math.min(BATCH.max, job.maxBatchRows ?? BATCH.max);
  const batch = { ...BATCH, max, first: Math.min(BATCH.first, max), min: Math.min(BATCH.min, max) };
  // The main thread's turn is over when this holds 1 (see the header)
  const turn = new Int32Array(new SharedArrayBuffer(4));
  const turnTimeoutMs = TURN_TIMEOUT_MS;
  const workerData = { ...job, module, nativeBinding, batch, turn, turnTimeoutMs };
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    let settled = false;
    worker.on('message', (result: WorkerMessage) => {
      if ('copied' in result) {
        try {
          onCopied?.(result.copied);
        } catch (error) {
          // Progress is for show: a listener failing must not fail or stall the copy
          log.warn(`a copy progress listener failed: ${(error as Error).message}`);
        }
        Atomics.store(turn, 0, 1);
        Atomics.notify(turn, 0);
        return;
      }
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
