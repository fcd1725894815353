/**
 * `graft datasets import`'s note about a split column it did not use: the column the import
 * form would suggest, named with the flag that uses it.
 */
import type { DatasetImportRequest } from '../shared/contract';
import { SPLIT_VALUES, suggestSplitColumn } from '../shared/split-column';
import { call } from './cli-util';
import { getLogLevel, setLogLevel } from './util/log';
import type { Workbench } from './workbench';

/** Head records the hint looks at: the most a peek returns, all from the file's first MB. */
const HINT_ROWS = 1000;

/** A column name as the shell passes it: bare when that is safe, else single-quoted. */
function shellWord(value: string): string {
  return /^[\w.-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The hint for a random split of a file with a column naming each row's split, the column the
 * import form would suggest (shared/split-column.ts). The import itself follows --split-column
 * only, so this says how; nothing when the files, a split column, shares or a seed, or --quiet
 * say otherwise, or when the head cannot be read (the import reports what it cannot read).
 */
export async function splitColumnHint(
  wb: Workbench,
  request: DatasetImportRequest,
): Promise<string | null> {
  // Shares or a seed say the random split was chosen, not fallen into
  const chosen = request.testRatio !== undefined || request.ratios || request.seed !== undefined;
  if (request.testPath || request.validationPath || request.splitColumn || chosen) return null;
  const level = getLogLevel();
  if (level === 'error' || level === 'silent') return null;
  const { path, format, encoding, delimiter, quoting, header } = request;
  const head = { path, format, encoding, delimiter, quoting, header, rows: HINT_ROWS };
  let peek;
  // The import has logged what reading the file found (a mixed encoding): once is enough
  setLogLevel('error');
  try {
    peek = await call(wb, 'datasets.peek', head);
  } catch {
    return null;
  } finally {
    setLogLevel(level);
  }
  const column = suggestSplitColumn(peek);
  if (column === null) return null;
  const i = peek.columns.indexOf(column);
  // Train first, test last, as the importer's splits go
  const rank = (v: string): number => SPLIT_VALUES.indexOf(v.toLowerCase());
  const values = [...new Set(peek.records.map((r) => (r.fields[i] ?? '').trim()))];
  values.sort((a, b) => rank(a) - rank(b));
  return (
    `graft: note: column ${JSON.stringify(column)} names each row's split ` +
    `(${values.join(', ')}); a random split was made: pass --split-column ` +
    `${shellWord(column)} to use it\n`
  );
}
