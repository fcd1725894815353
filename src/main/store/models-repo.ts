/** The model library's records: one row per imported model folder or word-vector file. */
import type Database from 'better-sqlite3';
import { Model } from '../../shared/contract';
import { newId } from './ids';
import { fromDb, notFound, rethrowDuplicate, toDb } from './records';

/** What a caller supplies; the store assigns the id and creation time unless given. */
export type NewModel = Omit<Model, 'id' | 'createdAt'> & { id?: string; createdAt?: string };

export interface ModelRepository {
  insert(record: NewModel): Model;
  list(): Model[];
  get(id: string): Model;
  delete(id: string): void;
}

interface ModelRow {
  id: string;
  name: string;
  kind: string;
  architecture: string;
  path: string;
  layers: number;
  hidden_size: number;
  heads: number;
  vocab_size: number;
  max_positions: number;
  parameters: number;
  size_on_disk: number;
  created_at: string;
}

function toRecord(row: ModelRow): Model {
  return fromDb(
    Model,
    {
      id: row.id,
      name: row.name,
      kind: row.kind,
      architecture: row.architecture,
      path: row.path,
      layers: row.layers,
      hiddenSize: row.hidden_size,
      heads: row.heads,
      vocabSize: row.vocab_size,
      maxPositions: row.max_positions,
      parameters: row.parameters,
      sizeOnDisk: row.size_on_disk,
      createdAt: row.created_at,
    },
    `model ${row.id}`,
  );
}

export function modelRepository(db: Database.Database): ModelRepository {
  const insertOne = db.prepare(`INSERT INTO models (id, name, kind, architecture, path, layers,
    hidden_size, heads, vocab_size, max_positions, parameters, size_on_disk, created_at)
    VALUES (@id, @name, @kind, @architecture, @path, @layers, @hiddenSize, @heads, @vocabSize,
    @maxPositions, @parameters, @sizeOnDisk, @createdAt)`);
  const selectAll = db.prepare('SELECT * FROM models ORDER BY created_at DESC, rowid DESC');
  const selectOne = db.prepare('SELECT * FROM models WHERE id = ?');
  const deleteOne = db.prepare('DELETE FROM models WHERE id = ?');

  function get(id: string): Model {
    const row = selectOne.get(id) as ModelRow | undefined;
    if (!row) throw notFound('model', id);
    return toRecord(row);
  }

  return {
    insert(input: NewModel): Model {
      const record = toDb(
        Model,
        {
          ...input,
          id: input.id ?? newId('md'),
          createdAt: input.createdAt ?? new Date().toISOString(),
        },
        'model record',
      );
      try {
        insertOne.run(record);
      } catch (error) {
        rethrowDuplicate(error, 'model', record.id);
      }
      return get(record.id);
    },

    list(): Model[] {
      return (selectAll.all() as ModelRow[]).map(toRecord);
    },

    get,

    delete(id: string): void {
      const info = deleteOne.run(id);
      if (info.changes === 0) throw notFound('model', id);
    },
  };
}
