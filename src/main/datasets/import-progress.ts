/**
 * Progress of an import as `dataset.import` events, and the turns it gives the event loop. An
 * import runs on the main process's only thread, so after each chunk and each batch of rows
 * it steps aside (setImmediate) for whatever else is waiting: serve mode's calls, the window.
 * Events are at most a few a second, so a fast import does not flood the UI.
 *
 * Measured phases count bytes read (reading), rows laid out in their splits (splitting, after
 * an unmeasured 0 of 1 while the split is drawn) and rows copied into the store (writing);
 * validating is a few passes over typed arrays, under a second per million rows, and is sent
 * as 0 of 1 only: unmeasured, which the CLI shows without a percentage.
 */
import { statSync } from 'node:fs';
import type { DatasetImportProgress } from '../../shared/contract';

type Phase = DatasetImportProgress['phase'];

const MIN_INTERVAL_MS = 100;

function sizeOf(path: string): number {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : 0;
  } catch {
    return 0; // the reader reports a missing file by name; progress just counts nothing
  }
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ImportProgress {
  private readonly sizes: Map<string, number>;
  private readonly total: number;
  private finished = 0;
  private rows = 0;
  private last = 0;
  private current: Phase = 'reading';

  constructor(
    private readonly path: string,
    private readonly preview: boolean,
    paths: readonly string[],
    private readonly emit?: (progress: DatasetImportProgress) => void,
  ) {
    this.sizes = new Map(paths.map((p) => [p, sizeOf(p)]));
    this.total = [...this.sizes.values()].reduce((a, b) => a + b, 0);
  }

  /** Bytes of `file` read so far; `rows` read so far over all files. */
  reading(file: string, bytes: number, rows: number): void {
    this.rows = rows;
    this.send('reading', this.finished + bytes, this.total, file, false);
  }

  /** A file is read: always reported, so the reading phase ends at its total. */
  fileDone(file: string, rows: number): void {
    this.finished += this.sizes.get(file) ?? 0;
    this.rows = rows;
    this.send('reading', this.finished, this.total, file, true);
  }

  /** Rows laid out in their splits (and hashed), at the end of the splitting phase. */
  async laying(done: number, total: number): Promise<void> {
    this.send('splitting', done, total, null, done === total);
    await yieldToEventLoop();
  }

  /**
   * Rows copied into the store. Called as the copy's worker reports, so it takes no turn of
   * the event loop: the main thread is free while the copy runs.
   */
  writing(done: number, total: number): void {
    this.send('writing', done, total, null, done === 0 || done === total);
  }

  async phase(phase: Phase): Promise<void> {
    this.current = phase;
    this.send(phase, phase === 'done' ? 1 : 0, 1, null, true);
    await yieldToEventLoop();
  }

  pause(): Promise<void> {
    return yieldToEventLoop();
  }

  private send(phase: Phase, done: number, total: number, file: string | null, force: boolean) {
    if (!this.emit) return;
    const now = performance.now();
    if (!force && phase === this.current && now - this.last < MIN_INTERVAL_MS) return;
    this.current = phase;
    this.last = now;
    this.emit({
      path: this.path,
      preview: this.preview,
      phase,
      done,
      total,
      rows: this.rows,
      file,
    });
  }
}
