/**
 * Run lifecycle: a FIFO queue that executes one run at a time (training takes every core),
 * progress and epoch events on the bus, cancellation through an AbortSignal the strategies
 * check between batches, and a promise per run for callers that wait (the CLI).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  runDatasetOf,
  TrainRequest,
  type CurvePoint,
  type RunProgress,
  type RunStatus,
  type RunSummary,
  type SplitMetrics,
  type TrainConfig,
} from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { EventBus } from '../dispatch';
import type { Store } from '../store';
import { logger } from '../util/log';
import { claimRun, releaseRun } from './ownership';

const log = logger('runs');

export interface RunContext {
  runId: string;
  config: TrainConfig;
  runDir: string;
  signal: AbortSignal;
  progress(p: Omit<RunProgress, 'runId'>): void;
  epoch(point: CurvePoint): void;
  /** Seconds spent per phase, stored with the run. */
  timings: Record<string, number>;
}

export interface RunOutcome {
  test: SplitMetrics;
  /** Stored as the run's details (learned layer weights, gate opening, ...). */
  details?: Record<string, unknown>;
}

export type RunExecutor = (ctx: RunContext) => Promise<RunOutcome>;

interface Pending {
  runId: string;
  controller: AbortController;
}

/** A hidden-state index must exist in the model: 0..L, or -(L+1)..-1 from the top. */
function checkLayer(layer: number, layers: number, kind: string): void {
  if (kind !== 'transformer') return;
  if (layer > layers || layer < -(layers + 1)) {
    throw new GraftError(
      'invalid-argument',
      `layer ${layer} does not exist in a ${layers}-layer model; accepted 0..${layers} ` +
        `(0 = embeddings) or -${layers + 1}..-1 (-1 = last)`,
    );
  }
}

export class RunManager {
  private readonly queue: Pending[] = [];
  private current: Pending | null = null;
  private readonly waiters = new Map<string, Array<(status: RunStatus) => void>>();

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly runsDir: string,
    private readonly execute: RunExecutor,
  ) {}

  start(request: TrainRequest | unknown): RunSummary {
    const config = TrainRequest.parse(request);
    const dataset = this.store.datasets.get(config.datasetId);
    const model = this.store.models.get(config.modelId);
    checkLayer(config.layer, model.layers, model.kind);

    const run = this.store.runs.create({
      datasetId: config.datasetId,
      dataset: runDatasetOf(dataset),
      modelId: config.modelId,
      strategy: config.strategy,
      config,
    });
    claimRun(join(this.runsDir, run.id));
    this.queue.push({ runId: run.id, controller: new AbortController() });
    this.emitStatus(run.id, 'queued', null);
    queueMicrotask(() => void this.pump());
    return run;
  }

  cancel(runId: string): void {
    const run = this.store.runs.get(runId);
    if (run.status !== 'queued' && run.status !== 'running') {
      throw new GraftError(
        'conflict',
        `run ${runId} is ${run.status}; only queued or running runs can be cancelled`,
      );
    }

    const queued = this.queue.findIndex((p) => p.runId === runId);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(runId, 'cancelled', null);
      return;
    }
    this.current?.controller.abort();
  }

  /** Resolves with the final status once the run completes, fails or is cancelled. */
  settled(runId: string): Promise<RunStatus> {
    const status = this.store.runs.get(runId).status;
    if (status === 'completed' || status === 'failed' || status === 'cancelled') {
      return Promise.resolve(status);
    }
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? [];
      list.push(resolve);
      this.waiters.set(runId, list);
    });
  }

  /** Aborts the running run and drops the queue (on shutdown). */
  async stop(): Promise<void> {
    for (const pending of this.queue.splice(0)) this.finish(pending.runId, 'cancelled', null);
    const running = this.current;
    if (running) {
      running.controller.abort();
      await this.settled(running.runId);
    }
  }

  private async pump(): Promise<void> {
    if (this.current) return;
    const next = this.queue.shift();
    if (!next) return;

    this.current = next;
    try {
      await this.runOne(next);
    } finally {
      this.current = null;
      void this.pump();
    }
  }

  private async runOne(pending: Pending): Promise<void> {
    const { runId, controller } = pending;
    const run = this.store.runs.get(runId);
    const runDir = join(this.runsDir, runId);
    mkdirSync(runDir, { recursive: true });

    this.store.runs.update(runId, { status: 'running' });
    this.emitStatus(runId, 'running', null);
    log.info(`run ${runId} started (${run.strategy})`);

    const timings: Record<string, number> = {};
    const ctx: RunContext = {
      runId,
      config: TrainRequest.parse(run.config),
      runDir,
      signal: controller.signal,
      timings,
      progress: (p) => this.bus.emit('run.progress', { runId, ...p }),
      epoch: (point) => {
        this.store.runs.appendCurvePoint(runId, point);
        this.bus.emit('run.epoch', { runId, point });
      },
    };

    const started = performance.now();
    try {
      const outcome = await this.execute(ctx);
      timings.total = (performance.now() - started) / 1000;
      this.store.runs.update(runId, {
        metrics: { test: outcome.test },
        timings,
        ...(outcome.details ? { details: outcome.details } : {}),
      });
      this.bus.emit('run.progress', {
        runId,
        phase: 'done',
        done: 1,
        total: 1,
        message: 'finished',
      });
      this.finish(runId, 'completed', null);
      log.info(`run ${runId} completed: test accuracy ${outcome.test.accuracy.toFixed(4)}`);
    } catch (error) {
      timings.total = (performance.now() - started) / 1000;
      this.store.runs.update(runId, { timings });
      if (controller.signal.aborted) {
        this.finish(runId, 'cancelled', null);
        log.info(`run ${runId} cancelled`);
      } else {
        const message = error instanceof Error ? error.message : String(error);
        log.error(`run ${runId} failed`, error);
        this.finish(runId, 'failed', message);
      }
    }
  }

  private finish(runId: string, status: RunStatus, error: string | null): void {
    this.store.runs.update(runId, { status, error, finishedAt: new Date().toISOString() });
    releaseRun(join(this.runsDir, runId));
    this.emitStatus(runId, status, error);
    for (const resolve of this.waiters.get(runId) ?? []) resolve(status);
    this.waiters.delete(runId);
  }

  private emitStatus(runId: string, status: RunStatus, error: string | null): void {
    this.bus.emit('run.status', { runId, status, error });
  }
}
