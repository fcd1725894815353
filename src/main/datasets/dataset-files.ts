/**
 * Opening a dataset's files, every failure said with the path: a missing file, a folder where
 * a file was meant, and a path that is no regular file, refused before anything opens it.
 */
import { openSync, statSync, type Stats } from 'node:fs';
import { GraftError } from '../../shared/errors';

/** A file-system failure as a GraftError naming the path. */
export function fileError(path: string, error: unknown): GraftError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new GraftError('not-found', `file not found: ${path}`);
  const reason = error instanceof Error ? error.message : String(error);
  return new GraftError('bad-input', `cannot read ${path}: ${reason}`, { cause: error });
}

/** A descriptor of the file opened for reading, with a failure reported by the path. */
export function openForReading(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
}

/**
 * A path that is no regular file nor folder, refused before anything opens it: a pipe
 * (`cat f.csv |` as /dev/stdin, `<(...)`) can be read once, where an import reads a file
 * more than once (head, then stream; the label names twice), and opening a named pipe waits
 * for a writer; a device may never end (/dev/urandom). `instead` says what to do.
 */
export function notRegular(path: string, stat: Stats, instead: string): GraftError {
  if (stat.isFIFO() || stat.isSocket()) {
    const kind = stat.isFIFO() ? 'a pipe' : 'a socket';
    return new GraftError(
      'unsupported',
      `${path} is ${kind}, not a regular file: an import reads its files more than once, ` +
        `and ${kind} can be read only once; ${instead}`,
    );
  }
  const kind = stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : 'no file';
  return new GraftError('unsupported', `${path} is ${kind}, not a regular file; ${instead}`);
}

/** A dataset path's stat: a regular file or a folder (of class folders), else refused. */
function statDataset(path: string): Stats {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (error) {
    throw fileError(path, error);
  }
  if (stat.isDirectory() || stat.isFile()) return stat;
  throw notRegular(path, stat, 'save it to a file and import that');
}

/**
 * Whether a dataset path is a regular file or a folder, stat-ed before any read: every way in
 * (import, preview, peek, parse) asks this or `datasetFileSize` first.
 */
export function sourceKind(path: string): 'file' | 'folder' {
  return statDataset(path).isDirectory() ? 'folder' : 'file';
}

/** The size of a dataset file, with missing, folder and special paths reported by name. */
export function datasetFileSize(path: string): number {
  const stat = statDataset(path);
  if (stat.isDirectory()) {
    throw new GraftError('bad-input', `${path} is a folder; expected a dataset file`);
  }
  return stat.size;
}
