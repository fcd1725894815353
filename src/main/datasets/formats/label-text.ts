/**
 * "label text" lines, one example a line: the label is the first whitespace-separated token,
 * the text the rest. TREC's files look like `DESC:manner How did serfdom develop ...?`, where the
 * label has a coarse part (6 classes) and a fine part (50). The reader keeps the whole token;
 * the label transform (coarse by default for this format) decides which part counts.
 */
import { LineSplitter } from './incremental';
import type { FormatReader, RawRecord, RawTable, RecordSink, RecordStream } from './types';

const LINE = /^(\S+)(?:[ \t]+(.*))?$/;

/** A token that can be a label: no commas or quotes, at most one ':' splitting coarse:fine. */
const LABEL_TOKEN = /^[\p{L}\p{N}_.+-]+(?::[^\s,"]+)?$/u;

function coarse(label: string): string {
  const colon = label.indexOf(':');
  return colon > 0 ? label.slice(0, colon) : label;
}

/** Label and text of each non-blank line, streamed. */
export function streamLabelText(sink: RecordSink): RecordStream {
  return new LineSplitter((text, line) => {
    const trimmed = text.trim();
    if (trimmed === '') return;

    const match = LINE.exec(trimmed);
    sink.record({ line, fields: [match ? match[1] : trimmed, match?.[2] ?? ''] });
  });
}

function read(_path: string, text: string): RawTable {
  const records: RawRecord[] = [];
  const lines = streamLabelText({ record: (r) => records.push(r), malformed: () => undefined });
  lines.push(text);
  lines.end();
  return {
    format: 'label-text',
    columns: ['label', 'text'],
    hasHeader: false,
    records,
    malformed: [],
    notes: [],
    plan: { kind: 'label-text' },
  };
}

export const labelTextReader: FormatReader = {
  name: 'label-text',
  extensions: [],
  sniff: (lines) => {
    if (lines.length < 2 || lines.some((l) => l.includes('\t'))) return false;

    const labels = new Set<string>();
    let withText = 0;
    for (const l of lines) {
      const match = LINE.exec(l.trim());
      if (!match || !LABEL_TOKEN.test(match[1])) return false;
      labels.add(coarse(match[1]));
      if (match[2] !== undefined) withText++;
    }
    // A line without text is the parser's to report by number, not a reason to refuse the format;
    // prose also starts with a word, but labels differ from first words by recurring
    return withText * 2 >= lines.length && labels.size * 2 <= lines.length;
  },
  read,
};
