/**
 * Whether a process still runs, for the files and records an interrupted import leaves behind
 * (scratch files, datasets being copied in): they carry their process's pid, and a later
 * start removes them once that process is gone.
 */

/** Whether process `pid` still runs (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
