/**
 * Training runs: the experiment history. A run row holds its config, status, metrics and
 * timings; its learning curve is one row per epoch so that a live run appends cheaply.
 */
import type Database from 'better-sqlite3';
import {
  CurvePoint,
  Run,
  RunDataset,
  RunStatus,
  RunSummary,
  SplitMetrics,
  StrategyName,
  TrainRequest,
} from '../../shared/contract';
import { z } from 'zod';
import { newId } from './ids';
import { fromDb, notFound, parseJson, rethrowDuplicate, toDb } from './records';

export interface NewRun {
  datasetId: string;
  modelId: string;
  /** Parsed with the contract's TrainRequest, so defaults are filled in before storing. */
  config: TrainRequest;
  /** The dataset as it is now, kept so that the run outlives it (RunManager.start). */
  dataset?: RunDataset;
  /** Defaults to the config's strategy. */
  strategy?: StrategyName;
  /** Defaults to 'queued'. */
  status?: RunStatus;
  id?: string;
  createdAt?: string;
}

/** Fields a run changes while it lives. Each given field replaces the stored value whole. */
export interface RunPatch {
  status?: RunStatus;
  metrics?: Run['metrics'];
  error?: string | null;
  timings?: Record<string, number>;
  details?: Record<string, unknown>;
  finishedAt?: string | null;
}

export interface RunRepository {
  create(run: NewRun): RunSummary;
  update(id: string, patch: RunPatch): RunSummary;
  /** Adds the point for its epoch, replacing an earlier point of the same epoch (a resume). */
  appendCurvePoint(id: string, point: CurvePoint): void;
  get(id: string): Run;
  /** Newest first. */
  list(): RunSummary[];
  /**
   * Marks runs a crashed process left queued or running as failed; returns their ids.
   * `stillOwned` spares the runs another live process is executing right now.
   */
  markInterrupted(stillOwned?: (id: string) => boolean): string[];
}

interface RunRow {
  id: string;
  dataset_id: string;
  model_id: string;
  strategy: string;
  status: string;
  config: string;
  /** RunDataset as JSON; null for runs created before runs kept their dataset. */
  dataset: string | null;
  metrics: string;
  error: string | null;
  timings: string;
  details?: string;
  created_at: string;
  finished_at: string | null;
}

interface CurveRow {
  epoch: number;
  train_loss: number;
  train_accuracy: number;
  validation_loss: number | null;
  validation_accuracy: number | null;
}

const Patch = z
  .object({
    status: RunStatus,
    metrics: z.object({ test: SplitMetrics.optional() }),
    error: z.string().nullable(),
    timings: z.record(z.string(), z.number()),
    details: z.record(z.string(), z.unknown()),
    finishedAt: z.string().nullable(),
  })
  .partial()
  .strict();

function toSummary(row: RunRow): RunSummary {
  const dataset = row.dataset === null ? undefined : parseJson(row.dataset, `run ${row.id}`);
  return fromDb(
    RunSummary,
    {
      id: row.id,
      datasetId: row.dataset_id,
      ...(dataset === undefined ? {} : { dataset }),
      modelId: row.model_id,
      strategy: row.strategy,
      status: row.status,
      config: parseJson(row.config, `run ${row.id} config`),
      metrics: parseJson(row.metrics, `run ${row.id} metrics`),
      error: row.error,
      timings: parseJson(row.timings, `run ${row.id} timings`),
      details: parseJson(row.details ?? '{}', `run ${row.id} details`),
      createdAt: row.created_at,
      finishedAt: row.finished_at,
    },
    `run ${row.id}`,
  );
}

function toPoint(row: CurveRow): CurvePoint {
  return {
    epoch: row.epoch,
    trainLoss: row.train_loss,
    trainAccuracy: row.train_accuracy,
    validationLoss: row.validation_loss,
    validationAccuracy: row.validation_accuracy,
  };
}

export function runRepository(db: Database.Database): RunRepository {
  const insertOne = db.prepare(`INSERT INTO runs (id, dataset_id, model_id, strategy, status,
    config, dataset, metrics, error, timings, created_at, finished_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, '{}', NULL, '{}', ?, NULL)`);
  const selectOne = db.prepare('SELECT * FROM runs WHERE id = ?');
  const selectAll = db.prepare('SELECT * FROM runs ORDER BY created_at DESC, rowid DESC');
  const selectCurve = db.prepare(`SELECT epoch, train_loss, train_accuracy, validation_loss,
    validation_accuracy FROM run_curve_points WHERE run_id = ? ORDER BY epoch`);
  const upsertPoint = db.prepare(`INSERT OR REPLACE INTO run_curve_points (run_id, epoch,
    train_loss, train_accuracy, validation_loss, validation_accuracy) VALUES (?, ?, ?, ?, ?, ?)`);
  const interrupt = db.prepare(`UPDATE runs
    SET error = 'interrupted: Graft stopped while this run was ' || status ||
          '; start it again', status = 'failed', finished_at = ?
    WHERE id = ? AND status IN ('queued', 'running') RETURNING id`);
  const unfinished = db.prepare(`SELECT id FROM runs WHERE status IN ('queued', 'running')`);

  function summary(id: string): RunSummary {
    const row = selectOne.get(id) as RunRow | undefined;
    if (!row) throw notFound('run', id);
    return toSummary(row);
  }

  return {
    create(input: NewRun): RunSummary {
      const config = toDb(TrainRequest, input.config, 'run config');
      const id = input.id ?? newId('run');
      const strategy = toDb(StrategyName, input.strategy ?? config.strategy, 'run strategy');
      const status = toDb(RunStatus, input.status ?? 'queued', 'run status');
      const datasetId = toDb(z.string().min(1), input.datasetId, 'run datasetId');
      const modelId = toDb(z.string().min(1), input.modelId, 'run modelId');
      const dataset =
        input.dataset === undefined ? null : toDb(RunDataset, input.dataset, 'run dataset');

      try {
        insertOne.run(
          id,
          datasetId,
          modelId,
          strategy,
          status,
          JSON.stringify(config),
          dataset === null ? null : JSON.stringify(dataset),
          input.createdAt ?? new Date().toISOString(),
        );
      } catch (error) {
        rethrowDuplicate(error, 'run', id);
      }
      return summary(id);
    },

    update(id: string, patch: RunPatch): RunSummary {
      const checked = toDb(Patch, patch, `patch for run ${id}`);
      summary(id);

      // Only these fixed column names reach the SQL text; values always go as parameters
      const sets: string[] = [];
      const values: unknown[] = [];
      const set = (column: string, value: unknown): void => {
        sets.push(`${column} = ?`);
        values.push(value);
      };
      if (checked.status !== undefined) set('status', checked.status);
      if (checked.metrics !== undefined) set('metrics', JSON.stringify(checked.metrics));
      if (checked.error !== undefined) set('error', checked.error);
      if (checked.timings !== undefined) set('timings', JSON.stringify(checked.timings));
      if (checked.details !== undefined) set('details', JSON.stringify(checked.details));
      if (checked.finishedAt !== undefined) set('finished_at', checked.finishedAt);

      if (sets.length > 0) {
        db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
      }
      return summary(id);
    },

    appendCurvePoint(id: string, point: CurvePoint): void {
      const p = toDb(CurvePoint, point, `curve point for run ${id}`);
      summary(id);

      upsertPoint.run(
        id,
        p.epoch,
        p.trainLoss,
        p.trainAccuracy,
        p.validationLoss,
        p.validationAccuracy,
      );
    },

    get(id: string): Run {
      const head = summary(id);
      const curves = (selectCurve.all(id) as CurveRow[]).map(toPoint);
      return fromDb(Run, { ...head, curves }, `run ${id}`);
    },

    list(): RunSummary[] {
      return (selectAll.all() as RunRow[]).map(toSummary);
    },

    markInterrupted(stillOwned = () => false): string[] {
      const now = new Date().toISOString();
      const ids = (unfinished.all() as { id: string }[]).map((r) => r.id);
      return db.transaction(() =>
        ids.filter((id) => !stillOwned(id) && interrupt.get(now, id) !== undefined),
      )();
    },
  };
}
