/**
 * `graft datasets`: import (or only check) a labelled text file, list, show, delete, and the
 * rows an import dropped. Every command is a dispatcher call, the same the Datasets page makes;
 * the checks of a request (conflicting options included) live in the importer, so the CLI and
 * the app refuse the same things with the same words, turned into flags here (cli-errors.ts).
 */
import { type Command, Option } from 'commander';
import {
  datasetTitle,
  type DatasetImportRequest,
  type DatasetReport,
  type EventPayload,
} from '../shared/contract';
import { GraftError } from '../shared/errors';
import { TEXT_ENCODINGS } from './datasets/decode';
import { FORMAT_NAMES } from './datasets/formats/types';
import { addDroppedCommand } from './cli-dropped';
import {
  DROP_REASONS,
  dropReasons,
  encodingName,
  list,
  ratios,
  renameLabel,
  transform,
} from './cli-import-options';
import { createProgressPrinter, importProgressLine } from './cli-progress';
import {
  datasetLine,
  describeDataset,
  describeReport,
  MAX_LABELS_NAMED,
  splitsLine,
} from './cli-report';
import { splitColumnHint } from './cli-split-hint';
import { call, int, positiveInt, print, share, upTo, type WithWorkbench } from './cli-util';
import type { Workbench } from './workbench';

/** Imports shorter than this print no progress: scripts importing small files stay quiet. */
const IMPORT_PROGRESS_AFTER_MS = 1000;

/** Import progress on stderr, as `graft train` shows its own; returns the unsubscribe. */
function showImportProgress(wb: Workbench): () => void {
  const progress = createProgressPrinter(process.stderr);
  const started = Date.now();
  const unsubscribe = wb.dispatcher.bus.subscribe((name, payload) => {
    if (name !== 'dataset.import' || Date.now() - started < IMPORT_PROGRESS_AFTER_MS) return;
    progress.update(importProgressLine(payload as EventPayload<'dataset.import'>));
  });
  return () => {
    unsubscribe();
    progress.finish();
  };
}

/**
 * Ctrl-C while an import runs: the scratch file goes (scratch.ts, on exit) and the dataset
 * stays hidden until its last batch, so nothing is stored; say so rather than vanish.
 * Returns the unhook.
 */
function onInterrupt(stopProgress: () => void): () => void {
  const interrupt = (): void => {
    stopProgress();
    process.stderr.write('graft: import stopped; nothing stored\n');
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  return () => process.removeListener('SIGINT', interrupt);
}

/**
 * `--report` finds errors the import would refuse: exit 1, so scripts can tell, and say how
 * to import anyway as the last stderr line.
 */
function refusalNote(report: DatasetReport): void {
  const errors = report.issues.filter((i) => i.severity === 'error');
  if (errors.length === 0) return;
  const kinds = [...new Set(errors.map((i) => i.kind))];
  const found = errors.map((i) => `${i.kind} ${count(i.count)}`).join(', ');
  process.stderr.write(
    `graft: the import would be refused (${found}); import with --drop ${kinds.join(',')} ` +
      'to drop those rows (each is kept: graft datasets dropped ID), or fix the file\n',
  );
  process.exitCode = 1;
}

/** Rows per page when listing a stored import's dropped rows for --json. */
const DROPPED_PAGE_ROWS = 50_000;

/**
 * The stored report with every dropped row (issue #5), read back from the store; the report
 * itself keeps the first MAX_DROPPED_EXAMPLES with their texts, and so does this list, texts
 * past them left out to bound its size (`graft datasets dropped ID --json` has them all).
 */
async function withAllDropped(
  wb: Workbench,
  id: string,
  report: DatasetReport,
): Promise<DatasetReport> {
  const total = report.droppedTotal ?? report.dropped.length;
  if (total <= report.dropped.length) return report;
  const dropped: DatasetReport['dropped'] = [];
  for (let offset = 0; offset < total; offset += DROPPED_PAGE_ROWS) {
    const page = await call(wb, 'datasets.dropped', { id, offset, limit: DROPPED_PAGE_ROWS });
    for (const row of page.rows) {
      dropped.push(dropped.length < report.dropped.length ? row : { ...row, text: undefined });
    }
    if (page.rows.length === 0) break;
  }
  return { ...report, dropped };
}

function count(n: number): string {
  return n.toLocaleString('en');
}

function addImportCommand(datasets: Command, withWorkbench: WithWorkbench): void {
  datasets
    .command('import <file>')
    .description(
      'import a labelled text dataset: CSV/TSV, JSONL/JSON, Parquet, "label text" lines, ' +
        'or a folder of class sub-folders',
    )
    .option('--test <file>', 'a separate test file (otherwise a seeded stratified split)')
    .option('--validation <file>', 'a separate validation file')
    .option('--text <column>', 'text column name')
    .option('--label <column>', 'label column name')
    .option('--name <name>', 'dataset name')
    .option(
      '--limit <n>',
      'keep only the first N rows of the training file',
      positiveInt('--limit'),
    )
    .option(
      '--test-ratio <r>',
      'test share of a random split, between 0 and 1 (default: 0.2)',
      share('--test-ratio'),
    )
    .option(
      '--ratios <t,v,t>',
      'train,validation,test shares of a random split, e.g. 0.8,0.1,0.1',
      ratios,
    )
    .option('--seed <n>', 'seed of the random split (default: 13)', int('--seed'))
    .addOption(
      new Option('--format <name>', 'file format (default: detected)').choices([
        'auto',
        ...FORMAT_NAMES,
      ]),
    )
    .option(
      '--encoding <name>',
      `text encoding (default: detected): auto, ${TEXT_ENCODINGS.join(', ')}; latin1 and ` +
        'iso-8859-1 read as windows-1252, as browsers do',
      encodingName,
    )
    .option('--delimiter <char>', 'field delimiter (default: sniffed; "\\t" for tab)')
    .option('--no-quoting', 'read quote characters as text (TSV like the SMS Spam Collection)')
    .option('--header', 'the first row names the columns (default: detected)')
    .option('--no-header', 'the first row is data; columns are column1, column2, ...')
    .option('--label-transform <t>', 'none, coarse, fine, lower, before:SEP, after:SEP', transform)
    .option('--multi-label <sep>', "multi-label: the separator between a row's labels")
    .option(
      '--label-columns <list>',
      'multi-label, one 0/1 column per label: column names, or first..last for a run of ' +
        'columns (e.g. admiration..neutral); comma-separated, repeatable',
      list,
    )
    .option('--label-names <file>', 'names for integer labels, one a line (label i = line i+1)')
    .option(
      '--rename-label <raw=name>',
      'store label RAW (after the transform) as NAME; repeatable; renaming several labels to ' +
        'one name merges them',
      renameLabel,
    )
    .option('--split-column <column>', "a column giving each row's split (train, dev, test)")
    .option(
      '--drop <kinds>',
      `drop flagged rows: ${DROP_REASONS.join(', ')} (comma-separated, repeatable)`,
      dropReasons,
    )
    .option(
      '--max-length <n>',
      "model token limit, for the report's long-text share (default: 512)",
      positiveInt('--max-length'),
    )
    .option(
      '--report',
      'print the validation report and store nothing; exits 1 when it has errors the import ' +
        'would refuse',
    )
    .option(
      '--json',
      'print JSON: the dataset with its report (or the report alone with --report), the ' +
        "report's dropped listing every dropped row (texts after the first 100 left out)",
    )
    .addHelpText(
      'after',
      [
        '',
        'Texts are stored NFC-normalised with their ends trimmed: a whitespace-only text is',
        'an empty text (--drop empty-text).',
        'A split comes from one of: the files (--test, --validation); --split-column; or a',
        'random split (--test-ratio or --ratios, and --seed). Options of two at once are refused.',
        'With --report, ERROR lines (malformed rows, empty texts or labels) make the exit status',
        '1: the import would be refused until those rows are dropped (--drop malformed,...).',
        'Ctrl-C stops an import and stores nothing (exit status 130).',
      ].join('\n'),
    )
    .action(async (file: string, o) => {
      await withWorkbench(async (wb) => {
        const request: DatasetImportRequest = {
          path: file,
          testPath: o.test,
          validationPath: o.validation,
          textColumn: o.text,
          labelColumn: o.label,
          name: o.name,
          limit: o.limit,
          testRatio: o.testRatio,
          ratios: o.ratios,
          seed: o.seed,
          format: o.format,
          encoding: o.encoding,
          delimiter: o.delimiter === '\\t' ? '\t' : o.delimiter,
          quoting: o.quoting === false ? 'none' : undefined,
          header: o.header,
          labelTransform: o.labelTransform,
          multiLabel: o.multiLabel,
          labelColumns: o.labelColumns,
          labelNamesPath: o.labelNames,
          labelRename: o.renameLabel,
          splitColumn: o.splitColumn,
          drop: o.drop,
          maxLength: o.maxLength,
        };
        const stopProgress = showImportProgress(wb);
        const stopInterrupt = onInterrupt(stopProgress);
        const done = (): void => {
          stopInterrupt();
          stopProgress();
        };
        if (o.report) {
          // --json lists every dropped row (issue #5); the page's preview keeps its 100
          const preview = { ...request, allDropped: o.json === true };
          const report = await call(wb, 'datasets.preview', preview).finally(done);
          print(report, o.json, () => describeReport(report, o.maxLength));
          process.stderr.write((await splitColumnHint(wb, request)) ?? '');
          refusalNote(report);
          return;
        }
        const dataset = await call(wb, 'datasets.import', request).finally(done);
        const stored = await call(wb, 'datasets.report', { id: dataset.id });
        const report = o.json ? await withAllDropped(wb, dataset.id, stored) : stored;
        print({ ...dataset, report }, o.json, () => {
          const labels = upTo(dataset.labels, MAX_LABELS_NAMED);
          return (
            `${dataset.id}  ${datasetTitle(dataset)}  ` +
            `(${splitsLine(dataset.splits)}; labels: ${labels})\n` +
            describeReport(report, o.maxLength)
          );
        });
        process.stderr.write((await splitColumnHint(wb, request)) ?? '');
      });
    });
}

/** The stored report, or null for a dataset imported before reports were kept. */
async function storedReport(wb: Workbench, id: string): Promise<DatasetReport | null> {
  try {
    return await call(wb, 'datasets.report', { id });
  } catch (error) {
    if (error instanceof GraftError && error.code === 'not-found') return null;
    throw error;
  }
}

export function addDatasetsCommands(program: Command, withWorkbench: WithWorkbench): Command {
  const datasets = program.command('datasets').description('import, list and show datasets');
  addImportCommand(datasets, withWorkbench);

  datasets
    .command('list')
    .option('--json', 'print JSON')
    .action(async (o) => {
      await withWorkbench(async (wb) => {
        const list = await call(wb, 'datasets.list', {});
        print(list, o.json, () => list.map(datasetLine).join('\n') || 'no datasets');
      });
    });

  datasets
    .command('show <id>')
    .description(
      'a stored dataset: its content hash, format, encoding, splits, labels with counts and ' +
        'the validation report of its import',
    )
    .option('--json', 'print JSON: the dataset with its report (null if it has none)')
    .action(async (id: string, o) => {
      await withWorkbench(async (wb) => {
        const dataset = await call(wb, 'datasets.get', { id });
        const report = await storedReport(wb, dataset.id);
        const bySplit = await call(wb, 'datasets.labels', { id: dataset.id });
        print({ ...dataset, report }, o.json, () => describeDataset(dataset, report, bySplit));
      });
    });

  addDroppedCommand(datasets, withWorkbench);

  datasets
    .command('delete <id>')
    .description('forget a dataset and its rows (runs keep their results)')
    .option('--json', 'print JSON')
    .action(async (id: string, o) => {
      await withWorkbench(async (wb) => {
        const dataset = await call(wb, 'datasets.get', { id });
        const used = (await call(wb, 'runs.list', {})).filter(
          (r) => r.datasetId === dataset.id,
        ).length;
        const result = await call(wb, 'datasets.delete', { id });
        // Deleting what runs trained on reads as losing them: say they stay
        const runs =
          used === 0
            ? ''
            : `\n${used} run${used === 1 ? '' : 's'} used it; runs keep their results and ` +
              'completed runs can still be exported';
        print(result, o.json, () => `deleted ${dataset.id}  ${datasetTitle(dataset)}${runs}`);
      });
    });
  return datasets;
}
