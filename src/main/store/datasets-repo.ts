/**
 * Datasets and their rows. A dataset and all of its rows are written in one transaction, so an
 * import that fails halfway leaves nothing behind; rows go with their dataset on delete.
 */
import type Database from 'better-sqlite3';
import { Dataset, type SplitName } from '../../shared/contract';
import { GraftError, invariant } from '../../shared/errors';
import { newId } from './ids';
import { fromDb, notFound, parseJson, rethrowDuplicate, toDb } from './records';

/** One split's rows as parallel arrays; `labels[i]` indexes into the dataset's `labels`. */
export interface SplitRows {
  texts: string[];
  labels: number[];
}

export type DatasetRows = Partial<Record<SplitName, SplitRows>>;

/** What a caller supplies; the store assigns the id and creation time and counts the splits. */
export type NewDataset = Omit<Dataset, 'id' | 'createdAt' | 'splits'> & {
  id?: string;
  createdAt?: string;
};

export interface DatasetRepository {
  insert(record: NewDataset, rows: DatasetRows): Dataset;
  list(): Dataset[];
  get(id: string): Dataset;
  delete(id: string): void;
  rows(id: string, split: SplitName): SplitRows;
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
}

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
    },
    `dataset ${row.id}`,
  );
}

export function datasetRepository(db: Database.Database): DatasetRepository {
  const insertDataset = db.prepare(`INSERT INTO datasets (id, name, source_path, format,
    text_column, label_column, labels, splits, label_counts, content_hash, created_at)
    VALUES (@id, @name, @sourcePath, @format, @textColumn, @labelColumn, @labels, @splits,
    @labelCounts, @contentHash, @createdAt)`);
  const insertRow = db.prepare(
    'INSERT INTO dataset_rows (dataset_id, split, idx, text, label) VALUES (?, ?, ?, ?, ?)',
  );
  const selectAll = db.prepare('SELECT * FROM datasets ORDER BY created_at DESC, rowid DESC');
  const selectOne = db.prepare('SELECT * FROM datasets WHERE id = ?');
  const deleteOne = db.prepare('DELETE FROM datasets WHERE id = ?');
  const selectRows = db.prepare(
    'SELECT text, label FROM dataset_rows WHERE dataset_id = ? AND split = ? ORDER BY idx',
  );

  function get(id: string): Dataset {
    const row = selectOne.get(id) as DatasetRow | undefined;
    if (!row) throw notFound('dataset', id);
    return toRecord(row);
  }

  const insertAll = db.transaction((record: Dataset, rows: DatasetRows): void => {
    insertDataset.run({
      ...record,
      labels: JSON.stringify(record.labels),
      splits: JSON.stringify(record.splits),
      labelCounts: JSON.stringify(record.labelCounts),
    });

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
        insertRow.run(record.id, split, i, part.texts[i], label);
      }
    }
  });

  return {
    insert(input: NewDataset, rows: DatasetRows): Dataset {
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
        insertAll(record, rows);
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
      const stored = selectRows.iterate(id, split) as Iterable<{ text: string; label: number }>;
      for (const row of stored) {
        texts.push(row.text);
        labels.push(row.label);
      }
      return { texts, labels };
    },
  };
}
