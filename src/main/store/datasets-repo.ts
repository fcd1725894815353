/**
 * Datasets and their rows. A dataset and all of its rows are written in one transaction, so an
 * import that fails halfway leaves nothing behind; rows go with their dataset on delete.
 * Multi-label rows keep their label list beside the single `label` (the first of the list), so
 * code that knows only single labels keeps working on them.
 */
import type Database from 'better-sqlite3';
import { Dataset, DatasetReport, type SplitName } from '../../shared/contract';
import { GraftError, invariant } from '../../shared/errors';
import { newId } from './ids';
import { fromDb, notFound, parseJson, rethrowDuplicate, toDb } from './records';

/** One split's rows as parallel arrays; `labels[i]` indexes into the dataset's `labels`. */
export interface SplitRows {
  texts: string[];
  labels: number[];
  /** Multi-label datasets only: every label index of each row; `labels[i]` is the first. */
  labelSets?: number[][];
}

export type DatasetRows = Partial<Record<SplitName, SplitRows>>;

/** What a caller supplies; the store assigns the id and creation time and counts the splits. */
export type NewDataset = Omit<Dataset, 'id' | 'createdAt' | 'splits'> & {
  id?: string;
  createdAt?: string;
};

export interface DatasetRepository {
  insert(record: NewDataset, rows: DatasetRows, report?: DatasetReport): Dataset;
  list(): Dataset[];
  get(id: string): Dataset;
  delete(id: string): void;
  rows(id: string, split: SplitName): SplitRows;
  /** The import report kept with the dataset; null for datasets imported before reports. */
  report(id: string): DatasetReport | null;
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
  meta: string;
}

/** The optional Dataset fields kept in the `meta` JSON column. */
const META_KEYS = ['multiLabel', 'encoding', 'dropped'] as const;

const SPLIT_ORDER: readonly SplitName[] = ['train', 'validation', 'test'];

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
      ...(parseJson(row.meta ?? '{}', `dataset ${row.id} meta`) as object),
    },
    `dataset ${row.id}`,
  );
}

export function datasetRepository(db: Database.Database): DatasetRepository {
  const insertDataset = db.prepare(`INSERT INTO datasets (id, name, source_path, format,
    text_column, label_column, labels, splits, label_counts, content_hash, created_at, meta)
    VALUES (@id, @name, @sourcePath, @format, @textColumn, @labelColumn, @labels, @splits,
    @labelCounts, @contentHash, @createdAt, @meta)`);
  const insertRow = db.prepare(
    'INSERT INTO dataset_rows (dataset_id, split, idx, text, label, label_set) ' +
      'VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertReport = db.prepare('INSERT INTO dataset_reports (dataset_id, report) VALUES (?, ?)');
  const selectReport = db.prepare('SELECT report FROM dataset_reports WHERE dataset_id = ?');
  const selectAll = db.prepare('SELECT * FROM datasets ORDER BY created_at DESC, rowid DESC');
  const selectOne = db.prepare('SELECT * FROM datasets WHERE id = ?');
  const deleteOne = db.prepare('DELETE FROM datasets WHERE id = ?');
  const selectRows = db.prepare(
    'SELECT text, label, label_set FROM dataset_rows WHERE dataset_id = ? AND split = ? ' +
      'ORDER BY idx',
  );

  function get(id: string): Dataset {
    const row = selectOne.get(id) as DatasetRow | undefined;
    if (!row) throw notFound('dataset', id);
    return toRecord(row);
  }

  function writeAll(record: Dataset, rows: DatasetRows, report?: DatasetReport): void {
    const meta: Record<string, unknown> = {};
    for (const key of META_KEYS) if (record[key] !== undefined) meta[key] = record[key];
    insertDataset.run({
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
    });
    if (report) insertReport.run(record.id, JSON.stringify(report));

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

      const record = toDb(
        Dataset,
        {
          ...input,
          id: input.id ?? newId('ds'),
          createdAt: input.createdAt ?? new Date().toISOString(),
          splits,
        },
        'dataset record',
      );
      try {
        insertAll(record, rows, report);
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

    report(id: string): DatasetReport | null {
      get(id);
      const row = selectReport.get(id) as { report: string } | undefined;
      if (!row) return null;
      return fromDb(DatasetReport, parseJson(row.report, `dataset ${id} report`), `report ${id}`);
    },
  };
}
