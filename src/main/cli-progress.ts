/**
 * Progress of long CLI jobs on stderr: one line rewritten in place on a terminal, and a line
 * every few seconds (or on a phase change) when stderr is a file or a pipe.
 */
import type { RunProgress } from '../shared/contract';

export interface ProgressPrinter {
  update(progress: RunProgress): void;
  finish(): void;
}

const PIPE_INTERVAL_MS = 5000;

export function createProgressPrinter(stream: NodeJS.WriteStream): ProgressPrinter {
  const interactive = Boolean(stream.isTTY);
  let lastPhase = '';
  let lastWrite = 0;
  let dirty = false;

  function render(p: RunProgress): string {
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
