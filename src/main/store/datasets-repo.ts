/**
 * Datasets and their rows. A dataset appears with all of its rows or not at all, so an import
 * that fails halfway leaves nothing behind: `insert` writes them in one transaction, and
 * `insertStaged` in several, the record hidden until the last (staged-copy.ts). Rows go with
 * their dataset on delete. Multi-label rows keep their label list beside the single `label`
 * (the first of the list), so code that knows only single labels keeps working on them.
 */
import type Database from 'better-sqlite3';
import {
  Dataset,
  DatasetReport,
  DroppedRow,
  type DropReason,
  type DroppedRowsPage,
  type SplitName,
} from '../../shared/contract';
import { GraftError, invariant } from '../../shared/errors';
import { newId } from './ids';
import { fromDb, notFound, parseJson, rethrowDuplicate, toDb } from './records';
import { droppedFromReport, withDetail, type StoredDroppedRow } from './dropped-rows';
import { copyStaged, type CopyJob, type CopyStatement, type CopyTable } from './staged-copy';

/** One split's rows as parallel arrays; `labels[i]` indexes into the dataset's `labels`. */
export interface SplitRows {
  texts: string[];
  labels: number[];
  /** Multi-label datasets only: every label index of each row; `labels[i]` is the first. */
  labelSets?: number[][];
}

export type DatasetRows = Partial<Record<SplitName, SplitRows>>;

/**
 * Rows an import laid out in its own SQLite scratch file: `view` there yields
 * (ord, split, idx, text, label, label_set) rows, ord numbering them 1, 2, ... and label_set a
 * JSON array or null; `splits` says how many rows each split has. Copied by SQL statements,
 * without passing through JavaScript: a million rows would otherwise be a million strings.
 */
export interface StagedRows {
  file: string;
  view: string;
  splits: Partial<Record<SplitName, number>>;
  /** A table there of dropped rows (ord, reason, file, line, text, label), copied as well. */
  dropped?: { table: string; rows: number };
  /** The most rows one transaction copies (default: about 0.1 s worth); for tests. */
  maxBatchRows?: number;
}

export interface DroppedQuery {
  offset: number;
  limit: number;
  reason?: DropReason;
}

/** What a caller supplies; the store assigns the id and creation time and counts the splits. */
export type NewDataset = Omit<Dataset, 'id' | 'createdAt' | 'splits' | 'version'> & {
  id?: string;
  createdAt?: string;
};

export interface DatasetRepository {
  insert(record: NewDataset, rows: DatasetRows, report?: DatasetReport): Dataset;
  /**
   * The same, with the rows copied from an import's scratch file on a worker thread (see
   * staged-copy.ts); the database must be a file, not `:memory:`. `onCopied` hears the rows
   * (and dropped rows) copied so far, a few times a second.
   */
  insertStaged(
    record: NewDataset,
    rows: StagedRows,
    report?: DatasetReport,
    onCopied?: (rows: number) => void,
  ): Promise<Dataset>;
  list(): Dataset[];
  get(id: string): Dataset;
  delete(id: string): void;
  rows(id: string, split: SplitName): SplitRows;
  /**
   * Rows per label in each split, in the dataset's label order (a multi-label row counts once
   * per label); counted by SQL over the stored rows, without reading the texts.
   */
  labelCountsBySplit(id: string): Partial<Record<SplitName, LabelCount[]>>;
  /** The import report kept with the dataset; null for datasets imported before reports. */
  report(id: string): DatasetReport | null;
  /** Rows dropped at import, a page at a time (from the report for datasets that predate it). */
  dropped(id: string, query: DroppedQuery): DroppedRowsPage;
}

interface DatasetRow {
  id: string;
  name: string;
  source_path: string;
  format: string;
  text_column: string;
  label_column: string;
  labels: string;
  splits: string;
  label_counts: string;
  content_hash: string;
  created_at: string;
  version: number;
  meta: string;
}

/** The optional Dataset fields kept in the `meta` JSON column. */
const META_KEYS = ['multiLabel', 'encoding', 'dropped'] as const;

const SPLIT_ORDER: readonly SplitName[] = ['train', 'validation', 'test'];

type LabelCount = Dataset['labelCounts'][number];

function toRecord(row: DatasetRow): Dataset {
  return fromDb(
    Dataset,
    {
      id: row.id,
      name: row.name,
      sourcePath: row.source_path,
      format: row.format,
      textColumn: row.text_column,
      labelColumn: row.label_column,
      labels: parseJson(row.labels, `dataset ${row.id} labels`),
      splits: parseJson(row.splits, `dataset ${row.id} splits`),
      labelCounts: parseJson(row.label_counts, `dataset ${row.id} label counts`),
      contentHash: row.content_hash,
      createdAt: row.created_at,
      version: row.version,
      ...(parseJson(row.meta ?? '{}', `dataset ${row.id} meta`) as object),
    },
    `dataset ${row.id}`,
  );
}

/**
 * The next version under a name, one past the last ever given, deleted ones included. Run in
 * the transaction that inserts the record (INSERT_DATASET reads it back): two imports of one
 * name at once each get their own, SQLite running one write at a time.
 */
const NEXT_VERSION = `INSERT INTO dataset_names (name, last_version) VALUES (@name, 1)
    ON CONFLICT (name) DO UPDATE SET last_version = last_version + 1`;
const INSERT_DATASET = `INSERT INTO datasets (id, name, source_path, format,
    text_column, label_column, labels, splits, label_counts, content_hash, created_at, meta,
    version)
    VALUES (@id, @name, @sourcePath, @format, @textColumn, @labelColumn, @labels, @splits,
    @labelCounts, @contentHash, @createdAt, @meta,
    (SELECT last_version FROM dataset_names WHERE name = @name))`;
const INSERT_REPORT = 'INSERT INTO dataset_reports (dataset_id, report) VALUES (?, ?)';
/** Datasets an import is still copying in (dataset_imports) are in no read. */
const VISIBLE = 'NOT EXISTS (SELECT 1 FROM dataset_imports i WHERE i.dataset_id = datasets.id)';
const ROW_COLUMNS = 'dataset_rows (dataset_id, split, idx, text, label, label_set)';
const DROPPED_COLUMNS =
  'dataset_dropped (dataset_id, ord, reason, file, line, text, label, detail)';
const DROPPED_SELECT = 'SELECT reason, file, line, text, label, detail FROM dataset_dropped';
/** Matches every reason when the reason parameter is null. */
const DROPPED_WHERE = 'dataset_id = @id AND (@reason IS NULL OR reason = @reason)';

/** The named parameters of INSERT_DATASET. */
function recordParams(record: Dataset): Record<string, string> {
  const meta: Record<string, unknown> = {};
  for (const key of META_KEYS) if (record[key] !== undefined) meta[key] = record[key];
  return {
    id: record.id,
    name: record.name,
    sourcePath: record.sourcePath,
    format: record.format,
    textColumn: record.textColumn,
    labelColumn: record.labelColumn,
    contentHash: record.contentHash,
    createdAt: record.createdAt,
    labels: JSON.stringify(record.labels),
    splits: JSON.stringify(record.splits),
    labelCounts: JSON.stringify(record.labelCounts),
    meta: JSON.stringify(meta),
  };
}

/** The copy of an import's staged rows, for staged-copy.ts. */
function copyJob(
  database: string,
  record: Dataset,
  staged: StagedRows,
  report?: DatasetReport,
): CopyJob {
  const begin: CopyStatement[] = [
    { sql: NEXT_VERSION, params: [{ name: record.name }] },
    { sql: INSERT_DATASET, params: [recordParams(record)] },
    {
      sql: 'INSERT INTO dataset_imports (dataset_id, pid, started_at) VALUES (?, ?, ?)',
      params: [record.id, process.pid, new Date().toISOString()],
    },
  ];
  if (report) begin.push({ sql: INSERT_REPORT, params: [record.id, JSON.stringify(report)] });
  const tables: CopyTable[] = [
    {
      into: ROW_COLUMNS,
      from: `staged.${JSON.stringify(staged.view)}`,
      columns: 'split, idx, text, label, label_set',
      rows: Object.values(record.splits).reduce((a, b) => a + b, 0),
      check: {
        sql: 'label >= 0 AND label < ?',
        params: [record.labels.length],
        failing: 'a label index out of range',
      },
    },
  ];
  // Dropped rows go table to table inside the worker, like the rows: never all in memory
  if (staged.dropped) {
    tables.push({
      into: DROPPED_COLUMNS,
      from: `staged.${JSON.stringify(staged.dropped.table)}`,
      columns: 'ord, reason, file, line, text, label, detail',
      rows: staged.dropped.rows,
    });
  }
  return {
    database,
    staged: staged.file,
    begin,
    key: record.id,
    tables,
    finish: [
      { sql: 'DELETE FROM dataset_imports WHERE dataset_id = ?', params: [record.id], changes: 1 },
    ],
    // On failure only: one transaction deleting whatever batches were copied
    undo: [{ sql: 'DELETE FROM datasets WHERE id = ?', params: [record.id] }],
    maxBatchRows: staged.maxBatchRows,
  };
}

export function datasetRepository(db: Database.Database): DatasetRepository {
  const insertDataset = db.prepare(INSERT_DATASET);
  const nextVersion = db.prepare(NEXT_VERSION);
  const insertRow = db.prepare(`INSERT INTO ${ROW_COLUMNS} VALUES (?, ?, ?, ?, ?, ?)`);
  const insertReport = db.prepare(INSERT_REPORT);
  const selectReport = db.prepare('SELECT report FROM dataset_reports WHERE dataset_id = ?');
  const countDropped = db
    .prepare(`SELECT COUNT(*) FROM dataset_dropped WHERE ${DROPPED_WHERE}`)
    .pluck();
  const anyDropped = db.prepare('SELECT 1 FROM dataset_dropped WHERE dataset_id = ? LIMIT 1');
  const selectDroppedFrom = db.prepare(
    `${DROPPED_SELECT} WHERE dataset_id = @id AND ord > @offset ORDER BY ord LIMIT @limit`,
  );
  const selectDropped = db.prepare(
    `${DROPPED_SELECT} WHERE ${DROPPED_WHERE} ORDER BY ord LIMIT @limit OFFSET @offset`,
  );
  const selectAll = db.prepare(
    `SELECT * FROM datasets WHERE ${VISIBLE} ORDER BY created_at DESC, rowid DESC`,
  );
  const selectOne = db.prepare(`SELECT * FROM datasets WHERE id = ? AND ${VISIBLE}`);
  const deleteOne = db.prepare(`DELETE FROM datasets WHERE id = ? AND ${VISIBLE}`);
  const countBySplit = db.prepare(
    'SELECT split, label, label_set, COUNT(*) AS n FROM dataset_rows WHERE dataset_id = ? ' +
      'GROUP BY split, label, label_set',
  );
  const selectRows = db.prepare(
    'SELECT text, label, label_set FROM dataset_rows WHERE dataset_id = ? AND split = ? ' +
      'ORDER BY idx',
  );

  function get(id: string): Dataset {
    const row = selectOne.get(id) as DatasetRow | undefined;
    if (!row) throw notFound('dataset', id);
    return toRecord(row);
  }

  function writeRecord(record: Dataset, report?: DatasetReport): void {
    nextVersion.run({ name: record.name });
    insertDataset.run(recordParams(record));
    if (report) insertReport.run(record.id, JSON.stringify(report));
  }

  function writeAll(record: Dataset, rows: DatasetRows, report?: DatasetReport): void {
    writeRecord(record, report);
    for (const split of SPLIT_ORDER) {
      const part = rows[split];
      if (!part) continue;

      for (let i = 0; i < part.texts.length; i++) {
        const label = part.labels[i];
        // Checked row by row, inside the transaction: a throw here rolls back what came before
        invariant(
          Number.isInteger(label) && label >= 0 && label < record.labels.length,
          () => `dataset ${record.id} ${split} row ${i}: label index ${label} is out of range`,
        );
        const set = part.labelSets?.[i];
        invariant(
          !set || (set[0] === label && set.every((l) => l >= 0 && l < record.labels.length)),
          () => `dataset ${record.id} ${split} row ${i}: label set ${set} does not fit`,
        );
        insertRow.run(record.id, split, i, part.texts[i], label, set ? JSON.stringify(set) : null);
      }
    }
  }
  const insertAll = db.transaction(writeAll);

  function checkedRecord(input: NewDataset, splits: Record<string, number>): Dataset {
    return toDb(
      Dataset,
      {
        ...input,
        id: input.id ?? newId('ds'),
        createdAt: input.createdAt ?? new Date().toISOString(),
        splits,
      },
      'dataset record',
    );
  }

  return {
    insert(input: NewDataset, rows: DatasetRows, report?: DatasetReport): Dataset {
      const splits: Record<string, number> = {};
      for (const split of SPLIT_ORDER) {
        const part = rows[split];
        if (!part) continue;
        if (part.texts.length !== part.labels.length) {
          throw new GraftError(
            'invalid-argument',
            `${split} rows: ${part.texts.length} texts but ${part.labels.length} labels`,
          );
        }
        splits[split] = part.texts.length;
      }

      const record = checkedRecord(input, splits);
      try {
        insertAll(record, rows, report);
      } catch (error) {
        rethrowDuplicate(error, 'dataset', record.id);
      }
      return get(record.id);
    },

    async insertStaged(
      input: NewDataset,
      staged: StagedRows,
      report?: DatasetReport,
      onCopied?: (rows: number) => void,
    ): Promise<Dataset> {
      const splits: Record<string, number> = {};
      for (const split of SPLIT_ORDER) {
        if (staged.splits[split] !== undefined) splits[split] = staged.splits[split];
      }
      const record = checkedRecord(input, splits);
      invariant(!db.memory, 'staged rows are copied by a second connection: not into :memory:');
      try {
        await copyStaged(copyJob(db.name, record, staged, report), onCopied);
      } catch (error) {
        rethrowDuplicate(error, 'dataset', record.id);
      }
      return get(record.id);
    },

    list(): Dataset[] {
      return (selectAll.all() as DatasetRow[]).map(toRecord);
    },

    get,

    delete(id: string): void {
      const info = deleteOne.run(id);
      if (info.changes === 0) throw notFound('dataset', id);
    },

    rows(id: string, split: SplitName): SplitRows {
      get(id);

      const texts: string[] = [];
      const labels: number[] = [];
      const sets: number[][] = [];
      type Stored = { text: string; label: number; label_set: string | null };
      const stored = selectRows.iterate(id, split) as Iterable<Stored>;
      for (const row of stored) {
        texts.push(row.text);
        labels.push(row.label);
        if (row.label_set !== null) sets.push(JSON.parse(row.label_set) as number[]);
      }
      return sets.length > 0 ? { texts, labels, labelSets: sets } : { texts, labels };
    },

    labelCountsBySplit(id: string): Partial<Record<SplitName, LabelCount[]>> {
      const { labels } = get(id);
      const counts: Partial<Record<SplitName, number[]>> = {};
      type Counted = { split: SplitName; label: number; label_set: string | null; n: number };
      for (const row of countBySplit.all(id) as Counted[]) {
        const perLabel = (counts[row.split] ??= labels.map(() => 0));
        const set = row.label_set === null ? [row.label] : (JSON.parse(row.label_set) as number[]);
        for (const l of set) perLabel[l] += row.n;
      }
      const result: Partial<Record<SplitName, LabelCount[]>> = {};
      for (const split of SPLIT_ORDER) {
        const perLabel = counts[split];
        if (perLabel) result[split] = labels.map((label, i) => ({ label, count: perLabel[i] }));
      }
      return result;
    },

    report(id: string): DatasetReport | null {
      get(id);
      const row = selectReport.get(id) as { report: string } | undefined;
      if (!row) return null;
      const json = parseJson(row.report, `dataset ${id} report`);
      const report = fromDb(DatasetReport, json, `report ${id}`);
      return { ...report, dropped: report.dropped.map(withDetail) };
    },

    dropped(id: string, { offset, limit, reason }: DroppedQuery): DroppedRowsPage {
      get(id);
      if (!anyDropped.get(id)) return droppedFromReport(this.report(id), offset, limit, reason);
      const params = { id, reason: reason ?? null };
      // ord runs 1, 2, ... per dataset: without a reason, a page starts by key, not by
      // stepping over `offset` rows (paging through 660,000 rows took 37 s that way)
      const rows = reason
        ? selectDropped.all({ ...params, limit, offset })
        : selectDroppedFrom.all({ id, limit, offset });
      return {
        total: countDropped.get(params) as number,
        offset,
        rows: (rows as StoredDroppedRow[]).map((r) =>
          withDetail(fromDb(DroppedRow, { ...r, detail: r.detail ?? undefined }, `dataset ${id}`)),
        ),
      };
    },
  };
}
