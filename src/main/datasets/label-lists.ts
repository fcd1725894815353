/**
 * A hint for single-label imports whose label values are really lists of labels: GoEmotions'
 * TSV writes a row's emotions as "3,14,27", and read as one label each combination becomes a
 * class of its own (711 of them instead of 28). The report says so, with the separator to
 * give, in the CLI's words and the app's (the check runs in the importer, for both).
 */
import type { Validation } from './validate';

/** Separators that join several labels in one field, as multi-label files write them. */
const LIST_SEPARATORS = [',', ';', '|'];

/** Labels with a separator, at least this many, before they look like lists of labels. */
const MIN_LIST_LABELS = 3;

/** The CLI's flag with `sep` quoted for a shell where it would mean something there. */
function multiLabelFlag(sep: string): string {
  return `--multi-label ${sep === ',' ? sep : `'${sep}'`}`;
}

/**
 * Single-label values that look like lists of labels (GoEmotions' "3,14,27"): each
 * combination would be a class of its own. They look like lists when several labels contain
 * one separator and most of the parts split out of them are labels on their own too.
 */
export function checkLabelLists(
  v: Validation,
  counts: ReadonlyMap<string, number>,
  multi: boolean,
): string | undefined {
  if (multi) return undefined;
  const labels = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
  for (const sep of LIST_SEPARATORS) {
    const lists = labels.filter((l) => l.includes(sep));
    if (lists.length < MIN_LIST_LABELS) continue;
    const parts = new Set(lists.flatMap((l) => l.split(sep).map((p) => p.trim())));
    parts.delete('');
    const known = [...parts].filter((p) => counts.has(p)).length;
    if (known * 2 < parts.size) continue;

    const rows = lists.reduce((n, l) => n + counts.get(l)!, 0);
    const examples = lists
      .slice(0, 3)
      .map((l) => JSON.stringify(l))
      .join(', ');
    const hint =
      'if a row can have several labels, import them as a list ' +
      `(multiLabel: ${JSON.stringify(sep)}, CLI: ${multiLabelFlag(sep)})`;
    v.note(
      'multi-label',
      'warning',
      `${lists.length} of ${labels.length} labels (${rows.toLocaleString('en-US')} rows) ` +
        `contain ${JSON.stringify(sep)}, like ${examples}, and each is a class of its own; ${hint}`,
    );
    return hint;
  }
  return undefined;
}
