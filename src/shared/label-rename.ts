/**
 * Renaming labels at import: each raw label (after the label transform) may get the name the
 * dataset stores and shows ("0" → "negative"). The rules live here, free of Node and the DOM,
 * because two places apply them: the importer, which refuses a bad rename, and the Datasets
 * page, which marks the offending name field before any request is sent.
 *
 * The rules:
 * - a name is trimmed and must not be empty (leave a label out to keep its raw name);
 * - only labels the data has may be renamed, so a typo is an error rather than a no-op;
 * - a name that is another label of the data is refused unless that label is renamed too:
 *   renaming "pos" to "neg" alone is far more often a slip than a wish to merge. Merging is
 *   allowed on purpose: rename every label to merge to one name (a new one, or one of theirs,
 *   renaming that label to itself), and their rows become one class.
 */

export type LabelRename = Readonly<Record<string, string>>;

export interface RenameProblem {
  /** The raw label whose rename is refused. */
  label: string;
  /** Why, in words that fit beside the label's name field. */
  reason: string;
  /** The reason with the request field and label named, for an error message. */
  message: string;
}

/** How many labels an error lists before it says how many there are. */
const MAX_LABELS_LISTED = 20;

/** The stored form of a name: NFC, so that é typed two ways is one label, and trimmed. */
export function normaliseLabelName(name: string): string {
  return name.normalize('NFC').trim();
}

function quoted(labels: readonly string[]): string {
  const shown = labels.slice(0, MAX_LABELS_LISTED).map((l) => JSON.stringify(l));
  if (labels.length > MAX_LABELS_LISTED) shown.push(`... (${labels.length} in all)`);
  return shown.join(', ');
}

function whyRefused(
  label: string,
  name: string,
  known: ReadonlySet<string>,
  rename: LabelRename,
): string | null {
  if (!known.has(label)) return `the data has no such label; its labels: ${quoted([...known])}`;
  if (name === '') return 'the new name is empty; leave the label out to keep its name';
  if (name !== label && known.has(name) && !Object.hasOwn(rename, name)) {
    const other = JSON.stringify(name);
    return (
      `${other} is another label of the data; to merge the two, rename ${other} too ` +
      '(to itself or to a new name shared by both)'
    );
  }
  return null;
}

/** Every refused rename of `rename` over the data's raw `labels`; empty when all are fine. */
export function renameProblems(labels: readonly string[], rename: LabelRename): RenameProblem[] {
  const known = new Set(labels);
  const problems: RenameProblem[] = [];
  for (const [label, raw] of Object.entries(rename)) {
    const name = normaliseLabelName(raw);
    const reason = whyRefused(label, name, known, rename);
    if (reason === null) continue;
    const target = name === '' || name === label ? '' : ` -> ${JSON.stringify(name)}`;
    problems.push({
      label,
      reason,
      message: `labelRename ${JSON.stringify(label)}${target}: ${reason}`,
    });
  }
  return problems;
}

/** The name a raw label is stored under; assumes `renameProblems` found nothing. */
export function renamedLabel(rename: LabelRename | undefined, label: string): string {
  const name = rename && Object.hasOwn(rename, label) ? rename[label] : undefined;
  return name === undefined ? label : normaliseLabelName(name);
}
