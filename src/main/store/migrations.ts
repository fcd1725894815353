/**
 * Numbered schema migrations. Each entry runs once, in order, inside its own transaction, and
 * is recorded in `schema_migrations`; opening a database twice therefore changes nothing.
 * Never edit a released entry: append a new one, since users' databases already ran the old.
 */
import type Database from 'better-sqlite3';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';

const log = logger('store');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'datasets, models, runs',
    sql: `
      CREATE TABLE datasets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        source_path TEXT NOT NULL,
        format TEXT NOT NULL,
        text_column TEXT NOT NULL,
        label_column TEXT NOT NULL,
        labels TEXT NOT NULL,        -- JSON array of label names; rows store indices into it
        splits TEXT NOT NULL,        -- JSON object: split name -> row count
        label_counts TEXT NOT NULL,  -- JSON array of { label, count }
        content_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE dataset_rows (
        dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        split TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
        idx INTEGER NOT NULL,
        text TEXT NOT NULL,
        label INTEGER NOT NULL CHECK (label >= 0),
        PRIMARY KEY (dataset_id, split, idx)
      ) WITHOUT ROWID;

      CREATE TABLE models (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        architecture TEXT NOT NULL,
        path TEXT NOT NULL,
        layers INTEGER NOT NULL,
        hidden_size INTEGER NOT NULL,
        heads INTEGER NOT NULL,
        vocab_size INTEGER NOT NULL,
        max_positions INTEGER NOT NULL,
        parameters INTEGER NOT NULL,
        size_on_disk INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );

      -- No foreign keys to datasets or models: the run history must outlive a deleted dataset.
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        dataset_id TEXT NOT NULL,
        model_id TEXT NOT NULL,
        strategy TEXT NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
        config TEXT NOT NULL,
        metrics TEXT NOT NULL DEFAULT '{}',
        error TEXT,
        timings TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX runs_by_status ON runs(status);

      CREATE TABLE run_curve_points (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch INTEGER NOT NULL,
        train_loss REAL NOT NULL,
        train_accuracy REAL NOT NULL,
        validation_loss REAL,
        validation_accuracy REAL,
        PRIMARY KEY (run_id, epoch)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'multi-label rows, dataset meta and import reports',
    sql: `
      -- JSON object: multiLabel, encoding, dropped (all optional in the contract)
      ALTER TABLE datasets ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';
      -- Multi-label rows: JSON array of label indices; label holds the first of them, so
      -- readers that know only single labels still get a valid index
      ALTER TABLE dataset_rows ADD COLUMN label_set TEXT;
      CREATE TABLE dataset_reports (
        dataset_id TEXT PRIMARY KEY REFERENCES datasets(id) ON DELETE CASCADE,
        report TEXT NOT NULL         -- JSON DatasetReport, with every dropped row
      );
    `,
  },
  {
    version: 3,
    name: 'run details',
    sql: `
      -- JSON object: what a strategy learned worth showing (layer weights, gate opening, ...)
      ALTER TABLE runs ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
    `,
  },
  {
    version: 4,
    name: 'dropped rows apart from the import report',
    sql: `
      -- Every row an import dropped, in the report's order (ord); the report JSON keeps only
      -- the first as examples, since a million dropped rows made it hundreds of MB
      CREATE TABLE dataset_dropped (
        dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        reason TEXT NOT NULL,
        file TEXT NOT NULL,
        line INTEGER NOT NULL,
        text TEXT NOT NULL,
        label TEXT NOT NULL,
        PRIMARY KEY (dataset_id, ord)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    name: 'datasets being imported',
    sql: `
      -- A dataset listed here is still being copied in, a batch of rows per transaction, and
      -- is hidden from every read until its import removes the entry (staged-copy.ts). pid:
      -- the importing process, so that a later start can remove what a dead import left.
      CREATE TABLE dataset_imports (
        dataset_id TEXT PRIMARY KEY REFERENCES datasets(id) ON DELETE CASCADE,
        pid INTEGER NOT NULL,
        started_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'dataset versions',
    sql: `
      -- Imports under one name are its versions 1, 2, ...; existing ones numbered by age.
      ALTER TABLE datasets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      UPDATE datasets SET version = (
        SELECT COUNT(*) FROM datasets older
        WHERE older.name = datasets.name
          AND (older.created_at < datasets.created_at
            OR (older.created_at = datasets.created_at AND older.rowid <= datasets.rowid))
      );
      -- The last version given under each name: a deleted version's number is not given again,
      -- so a name and version always mean the same rows (a run may still name them)
      CREATE TABLE dataset_names (
        name TEXT PRIMARY KEY,
        last_version INTEGER NOT NULL
      );
      INSERT INTO dataset_names (name, last_version)
        SELECT name, MAX(version) FROM datasets GROUP BY name;
    `,
  },
  {
    version: 7,
    name: 'what was wrong with a dropped malformed row',
    sql: `
      -- Before, a malformed row's problem stood in its label, in brackets; datasets-repo.ts
      -- still reads those that way.
      ALTER TABLE dataset_dropped ADD COLUMN detail TEXT;
    `,
  },
  {
    version: 8,
    name: "a run's dataset as it was",
    sql: `
      -- Name, version, hash, splits and labels (RunDataset, JSON): a run outlives its dataset
      -- and stays exportable. NULL for runs created before.
      ALTER TABLE runs ADD COLUMN dataset TEXT;
    `,
  },
];

/** Applies the migrations this database lacks; returns the versions it applied. */
export function migrate(db: Database.Database, file: string): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);

  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
    v: number | null;
  };
  const current = row.v ?? 0;
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;

  // A database written by a newer Graft may hold columns this build would silently ignore
  if (current > latest) {
    throw new GraftError(
      'conflict',
      `database ${file} has schema version ${current}, newer than this Graft's ${latest}; ` +
        'update Graft or use another data directory',
    );
  }

  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;

    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
    applied.push(m.version);
    log.info(`migrated ${file} to version ${m.version} (${m.name})`);
  }
  return applied;
}
