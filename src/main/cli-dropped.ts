/**
 * `graft datasets dropped ID`: every row an import dropped, read back from the store a page at
 * a time, so that a million of them print without being held at once. The report lists only
 * the first few (see validate.ts, MAX_DROPPED_EXAMPLES).
 */
import { type Command, Option } from 'commander';
import { DropReason, type DroppedRow } from '../shared/contract';
import { inCliWords } from './cli-errors';
import type { Workbench } from './workbench';

/** Rows fetched per call: large enough to be quick, small enough to stay a few MB. */
const PAGE_ROWS = 5000;

/** Characters of a text shown in the table; --json prints them whole. */
const SHOWN_CHARS = 80;

/** Widest file:line and label columns; a longer cell is cut with an ellipsis (file:line before). */
const MAX_WHERE = 60;
const MAX_LABEL = 24;

/** Writes to stdout, waiting while a slow reader (a pipe) has not taken the last page. */
function write(text: string): Promise<void> {
  return new Promise((done) => {
    if (process.stdout.write(text)) done();
    else process.stdout.once('drain', done);
  });
}

function cut(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}\u2026` : text;
}

/** A path cut at its start, so that the file's name and line number stay. */
function cutStart(text: string, width: number): string {
  return text.length > width ? `\u2026${text.slice(text.length - width + 1)}` : text;
}

interface Widths {
  where: number;
  label: number;
}

/** Column widths from the first page, so that a table of long paths still lines up. */
function widthsOf(rows: readonly DroppedRow[]): Widths {
  const widths = { where: 'file:line'.length, label: 'label'.length };
  for (const d of rows) {
    widths.where = Math.max(widths.where, `${d.file}:${d.line}`.length);
    if (d.detail === undefined) widths.label = Math.max(widths.label, d.label.length);
  }
  return { where: Math.min(widths.where, MAX_WHERE), label: Math.min(widths.label, MAX_LABEL) };
}

const REASON_WIDTH = 22;

function row(w: Widths, reason: string, where: string, label: string, text: string): string {
  return (
    `${reason.padEnd(REASON_WIDTH)} ${cutStart(where, w.where).padEnd(w.where)} ` +
    `${cut(label, w.label).padEnd(w.label)} ${text}`
  );
}

function tableLines(w: Widths, d: DroppedRow): string[] {
  const flat = JSON.stringify(d.text);
  // A malformed row has no label: "-" in its place, and its problem on a line of its own
  const why = d.detail === undefined ? undefined : inCliWords(d.detail);
  const line = row(w, d.reason, `${d.file}:${d.line}`, d.label || '-', cut(flat, SHOWN_CHARS));
  if (why === undefined) return [line];
  return [line, `${' '.repeat(REASON_WIDTH + w.where + w.label + 3)}why: ${why}`];
}

export function addDroppedCommand(
  datasets: Command,
  withWorkbench: (work: (wb: Workbench) => Promise<void>) => Promise<void>,
): void {
  datasets
    .command('dropped <id>')
    .description(
      'list the rows an import dropped (reason, file, line, label, text); the report keeps ' +
        'only the first 100',
    )
    .addOption(
      new Option('--reason <reason>', 'only rows dropped for this reason').choices(
        DropReason.options,
      ),
    )
    .option('--json', 'print JSON Lines: one dropped row per line, its text whole')
    .action(async (id: string, o: { reason?: DropReason; json?: boolean }) => {
      await withWorkbench(async (wb) => {
        let offset = 0;
        let total = 0;
        let widths: Widths | null = null;
        do {
          const page = await wb.dispatcher.call('datasets.dropped', {
            id,
            offset,
            limit: PAGE_ROWS,
            ...(o.reason ? { reason: o.reason } : {}),
          });
          total = page.total;
          let lines: string[];
          if (o.json) lines = page.rows.map((d) => JSON.stringify(d));
          else {
            const first = widths === null;
            widths ??= widthsOf(page.rows);
            const w = widths;
            lines = page.rows.flatMap((d) => tableLines(w, d));
            if (first) lines.unshift(row(w, 'reason', 'file:line', 'label', 'text'));
          }
          if (lines.length > 0) await write(lines.join('\n') + '\n');
          offset += page.rows.length;
          if (page.rows.length === 0) break;
        } while (offset < total);
        // After the table, on stdout: on stderr it came out before or after, as buffers flushed
        const rows = total === 1 ? 'row' : 'rows';
        if (!o.json) await write(`${total.toLocaleString('en-US')} dropped ${rows}\n`);
      });
    });
}
