/**
 * `graft datasets dropped ID`: every row an import dropped, read back from the store a page at
 * a time, so that a million of them print without being held at once. The report lists only
 * the first few (see validate.ts, MAX_DROPPED_EXAMPLES).
 */
import { type Command, Option } from 'commander';
import { DropReason, type DroppedRow } from '../shared/contract';
import type { Workbench } from './workbench';

/** Rows fetched per call: large enough to be quick, small enough to stay a few MB. */
const PAGE_ROWS = 5000;

/** Characters of a text shown in the table; --json prints them whole. */
const SHOWN_CHARS = 80;

/** Writes to stdout, waiting while a slow reader (a pipe) has not taken the last page. */
function write(text: string): Promise<void> {
  return new Promise((done) => {
    if (process.stdout.write(text)) done();
    else process.stdout.once('drain', done);
  });
}

function tableLine(d: DroppedRow): string {
  const flat = JSON.stringify(d.text);
  const text = flat.length > SHOWN_CHARS ? `${flat.slice(0, SHOWN_CHARS - 1)}\u2026` : flat;
  return `${d.reason.padEnd(22)} ${`${d.file}:${d.line}`.padEnd(30)} ${d.label.padEnd(12)} ${text}`;
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
        if (!o.json)
          process.stdout.write(
            `${'reason'.padEnd(22)} ${'file:line'.padEnd(30)} ${'label'.padEnd(12)} text\n`,
          );
        do {
          const page = await wb.dispatcher.call('datasets.dropped', {
            id,
            offset,
            limit: PAGE_ROWS,
            ...(o.reason ? { reason: o.reason } : {}),
          });
          total = page.total;
          const lines = page.rows.map((d) => (o.json ? JSON.stringify(d) : tableLine(d)));
          if (lines.length > 0) await write(lines.join('\n') + '\n');
          offset += page.rows.length;
          if (page.rows.length === 0) break;
        } while (offset < total);
        if (!o.json) process.stderr.write(`${total} dropped rows\n`);
      });
    });
}
