/**
 * Progress of long CLI jobs on stderr: one line rewritten in place on a terminal, and a line
 * every few seconds (or on a phase change) when stderr is a file or a pipe.
 */
import { basename } from 'node:path';
import type { DatasetImportProgress } from '../shared/contract';

/** One line of progress: a run's (RunProgress) or an import's (see importProgressLine). */
export interface ProgressLine {
  phase: string;
  done: number;
  total: number;
  message: string;
  /** false: done/total mean nothing (a phase sent as 0 of 1); no bar or percentage then. */
  measured?: boolean;
}

export interface ProgressPrinter {
  update(progress: ProgressLine): void;
  finish(): void;
}

const PIPE_INTERVAL_MS = 5000;

export function createProgressPrinter(stream: NodeJS.WriteStream): ProgressPrinter {
  const interactive = Boolean(stream.isTTY);
  let lastPhase = '';
  let lastWrite = 0;
  let dirty = false;

  function render(p: ProgressLine): string {
    if (p.measured === false) return `${p.phase.padEnd(10)} ${p.message}`;
    const share = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
    const width = 24;
    const filled = Math.round(share * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    return `${p.phase.padEnd(10)} [${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ${p.message}`;
  }

  return {
    update(p) {
      const now = Date.now();
      if (interactive) {
        stream.write(`\r\x1b[2K${render(p)}`);
        dirty = true;
        return;
      }
      if (p.phase !== lastPhase || now - lastWrite >= PIPE_INTERVAL_MS || p.done === p.total) {
        stream.write(render(p) + '\n');
        lastPhase = p.phase;
        lastWrite = now;
      }
    },
    finish() {
      if (interactive && dirty) stream.write('\n');
      dirty = false;
    },
  };
}

/**
 * `graft datasets import`'s progress as a line: MB read and rows, rows laid out in their
 * splits, rows written. Phases sent as 0 of 1 (validating, the split itself) are not measured
 * and show the rows read instead of a percentage that would never move.
 */
export function importProgressLine(p: DatasetImportProgress): ProgressLine {
  const rows = `${p.rows.toLocaleString('en')} rows`;
  const of = `${p.done.toLocaleString('en')} of ${p.total.toLocaleString('en')} rows`;
  let message = rows;
  let measured = p.phase === 'done' || p.total > 1;
  if (p.phase === 'reading') {
    const mb = (n: number): string => (n / 1e6).toFixed(n < 1e7 ? 1 : 0);
    message = `${mb(p.done)} of ${mb(p.total)} MB, ${rows}${p.file ? `  ${basename(p.file)}` : ''}`;
    measured = true;
  } else if (p.phase === 'splitting' && measured) {
    message = `${of} laid out`;
  } else if (p.phase === 'writing') {
    message = `${of} stored`;
  }
  return { phase: p.phase, done: p.done, total: p.total, message, measured };
}
