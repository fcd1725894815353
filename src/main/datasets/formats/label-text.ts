/**
 * "label text" lines, one example a line: the label is the first whitespace-separated token,
 * the text the rest. TREC's files look like `DESC:manner How did serfdom develop ...?`, where the
 * label has a coarse part (6 classes) and a fine part (50). The reader keeps the whole token;
 * the label transform (coarse by default for this format) decides which part counts.
 *
 * A line that is no example (a label with no text, a first token that cannot be a label) is a
 * malformed record with its line number, for the user to drop, like a CSV row of the wrong
 * width. Detection tolerates a few of them, and of lines with a tab, so that one odd line does
 * not hide the format; most lines must look right, so prose and TSV are never taken for it.
 */
import { LineSplitter } from './incremental';
import type { FormatReader, RawRecord, RawTable, RecordSink, RecordStream } from './types';

const LINE = /^(\S+)(?:[ \t]+(.*))?$/;

/** A token that can be a label: no commas or quotes, at most one ':' splitting coarse:fine. */
const LABEL_TOKEN = /^[\p{L}\p{N}_.+-]+(?::[^\s,"]+)?$/u;

/**
 * Longer first words are no label, and are not matched against LABEL_TOKEN: the regular
 * expression overflows the stack on a line of megabytes without a space.
 */
const MAX_LABEL_CHARS = 200;

/**
 * Odd lines detection lets pass: a couple in a small file, a tenth of a large head, never as
 * many as the good ones. Their share is the delimited readers' bound on malformed rows.
 */
const MAX_ODD_LINES = 2;
const MAX_ODD_SHARE = 0.1;

function coarse(label: string): string {
  const colon = label.indexOf(':');
  return colon > 0 ? label.slice(0, colon) : label;
}

/** The label and text of a trimmed, non-blank line, or why it is no example. */
function example(trimmed: string): { label: string; text: string } | string {
  const match = LINE.exec(trimmed) as RegExpExecArray;
  const label = match[1];
  if (label.length > MAX_LABEL_CHARS || !LABEL_TOKEN.test(label)) {
    return (
      `${JSON.stringify(label.slice(0, 40))} is not a label (one word of letters, digits, ` +
      '_ . + -, with an optional :fine part, like DESC:manner)'
    );
  }
  const text = match[2]?.trim() ?? '';
  return text === '' ? 'a label with no text' : { label, text: match[2] };
}

/** Label and text of each non-blank line, streamed; other lines go to `sink.malformed`. */
export function streamLabelText(sink: RecordSink): RecordStream {
  return new LineSplitter((text, line) => {
    const trimmed = text.trim();
    if (trimmed === '') return;

    const read = example(trimmed);
    if (typeof read === 'string') sink.malformed({ line, reason: read, raw: text });
    else sink.record({ line, fields: [read.label, read.text], raw: text });
  });
}

function read(_path: string, text: string): RawTable {
  const records: RawRecord[] = [];
  const malformed: RawTable['malformed'] = [];
  const lines = streamLabelText({
    record: (r) => records.push(r),
    malformed: (m) => malformed.push(m),
  });
  lines.push(text);
  lines.end();
  return {
    format: 'label-text',
    columns: ['label', 'text'],
    hasHeader: false,
    records,
    malformed,
    notes: [],
    plan: { kind: 'label-text' },
  };
}

interface Judged {
  good: number;
  labels: Set<string>;
  /** Each odd line's index among `lines`, and why it is odd. */
  odd: [number, string][];
}

function judge(lines: readonly string[]): Judged {
  const judged: Judged = { good: 0, labels: new Set(), odd: [] };
  lines.forEach((l, i) => {
    // A tab hints at TSV: an odd line to detection, though the reader takes it as whitespace
    const read = l.includes('\t') ? 'a tab, as in TSV' : example(l.trim());
    if (typeof read === 'string') {
      judged.odd.push([i, read]);
      return;
    }
    judged.good++;
    judged.labels.add(coarse(read.label));
  });
  return judged;
}

/** Prose also starts with a word, but labels differ from first words by recurring. */
const recurring = (j: Judged): boolean => j.good > 0 && j.labels.size * 2 <= j.good;

/**
 * For a file no reader took: where its lines, read as "label text", go wrong, when most of
 * them read as label text; null otherwise. Worded as a condition: with a few lines, labels
 * cannot be told from first words. `lineOf` turns an index in `lines` into a line number.
 */
export function labelTextTrouble(
  lines: readonly string[],
  lineOf: (i: number) => number,
): string | null {
  const judged = judge(lines);
  if (judged.odd.length === 0 || judged.good < judged.odd.length) return null;
  const named = judged.odd.slice(0, 3).map(([i, why]) => `line ${lineOf(i)}: ${why}`);
  const more = judged.odd.length - named.length;
  return (
    `if it is "label text", too many of its lines are not examples (${judged.odd.length} ` +
    `of ${lines.length}: ${named.join('; ')}${more > 0 ? `; and ${more} more` : ''})`
  );
}

export const labelTextReader: FormatReader = {
  name: 'label-text',
  extensions: [],
  sniff: (lines) => {
    if (lines.length < 2) return false;
    const judged = judge(lines);
    const odd = judged.odd.length;
    const few = odd <= Math.max(MAX_ODD_LINES, lines.length * MAX_ODD_SHARE) && odd < judged.good;
    return few && recurring(judged);
  },
  read,
};
