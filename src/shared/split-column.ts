/**
 * The split column Graft suggests without being told: the import form follows it until the
 * user chooses a split, and `graft datasets import` names it in a hint when it makes a random
 * split instead (explicit beats clever on a command line: the CLI never follows it itself).
 */
import type { DatasetPeek, SplitName } from './contract';

/** Split column names, lower-cased, that name a split column without being told. */
export const SPLIT_COLUMN_NAMES: readonly string[] = ['split', 'set', 'fold', 'partition'];

/** The values a split column may hold, lower-cased, and the split each one names. */
export const SPLIT_OF_VALUE: Readonly<Record<string, SplitName>> = {
  train: 'train',
  training: 'train',
  dev: 'validation',
  val: 'validation',
  valid: 'validation',
  validation: 'validation',
  test: 'test',
  testing: 'test',
};

/** Those values, train's first and test's last. */
export const SPLIT_VALUES: readonly string[] = Object.keys(SPLIT_OF_VALUE);

/**
 * The column to suggest as the split column: one named split, set, fold or partition (case
 * aside) whose previewed values are all splits the importer knows; a fold column of 0..4 is
 * for cross-validation and would only make malformed rows.
 */
export function suggestSplitColumn(
  peek: Pick<DatasetPeek, 'columns' | 'records'> | null,
): string | null {
  if (!peek) return null;
  for (const name of SPLIT_COLUMN_NAMES) {
    const i = peek.columns.findIndex((c) => c.trim().toLowerCase() === name);
    if (i < 0) continue;
    const values = peek.records.map((r) => (r.fields[i] ?? '').trim().toLowerCase());
    if (values.length > 0 && values.every((v) => SPLIT_VALUES.includes(v))) return peek.columns[i];
  }
  return null;
}
