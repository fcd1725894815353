/**
 * `graft`: headless jobs for scripts and servers. Every command goes through the same
 * dispatcher as the UI. With `--json`, stdout carries exactly one JSON document; progress and
 * logs go to stderr.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CallName, CallResponse, DatasetReport, EventPayload, Run } from '../shared/contract';
import { GraftError } from '../shared/errors';
import { inCliWords } from './cli-errors';
import { defaultDataDir } from './data-dir';
import { createWorkbench, type Workbench } from './workbench';
import { createProgressPrinter, importProgressLine } from './cli-progress';
import { logger, setLogLevel } from './util/log';
import { predictWithBundle } from './export/predict';
import { addTrainOptions, trainRequestFrom } from './cli-train';
import { addDroppedCommand } from './cli-dropped';

const log = logger('cli');

function int(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) {
      throw new InvalidArgumentError(`${name} must be an integer, got "${value}"`);
    }
    return parsed;
  };
}

function num(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed))
      throw new InvalidArgumentError(`${name} must be a number, got "${value}"`);
    return parsed;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const program = new Command('graft')
  .description('Graft: transfer pre-trained language models into text classifiers')
  .option('--data-dir <dir>', 'data directory (default: GRAFT_HOME or the desktop app folder)')
  .option('--verbose', 'log debug detail to stderr')
  .option('--quiet', 'log only warnings and errors')
  .showHelpAfterError('(graft --help, or graft <command> --help, lists the options)');

function dataDir(): string {
  const opts = program.opts<{ dataDir?: string }>();
  return opts.dataDir ?? defaultDataDir();
}

async function withWorkbench<T>(work: (wb: Workbench) => Promise<T>): Promise<T> {
  const flags = program.opts<{ verbose?: boolean; quiet?: boolean }>();
  if (flags.verbose) setLogLevel('debug');
  else if (flags.quiet) setLogLevel('warn');

  const wb = await createWorkbench({ dataDir: dataDir() });
  try {
    return await work(wb);
  } finally {
    await wb.close();
  }
}

function print(value: unknown, json: boolean | undefined, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n');
}

function pct(value: number | undefined): string {
  return value === undefined ? '-' : `${(value * 100).toFixed(2)}%`;
}

async function call<C extends CallName>(
  wb: Workbench,
  name: C,
  request: unknown,
): Promise<CallResponse<C>> {
  return wb.dispatcher.call(name, request as never);
}

const datasets = program.command('datasets').description('import and list datasets');

function ratios(value: string): { train: number; validation: number; test: number } {
  const parts = value.split(/[,:/]/).map(Number);
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p) || p < 0)) {
    throw new InvalidArgumentError(
      `--ratios takes train,validation,test shares like 0.8,0.1,0.1, got "${value}"`,
    );
  }
  const [train, validation, test] = parts;
  return { train, validation, test };
}

function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ];
}

/** `--rename-label RAW=NAME`, split at the first "=" (so a name may hold one, a label not). */
function renameLabel(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) {
    throw new InvalidArgumentError(
      `--rename-label takes RAW=NAME (like 0=negative), got "${value}"`,
    );
  }
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

function describeReport(report: DatasetReport): string {
  const lines = report.files.map(
    (f) =>
      `${f.role.padEnd(10)} ${f.path}: ${f.format}, ${f.encoding}, ${f.rows} rows` +
      (f.notes.length > 0 ? ` (${f.notes.join(', ')})` : ''),
  );
  lines.push(
    `columns: text ${JSON.stringify(report.textColumn)}, label ${JSON.stringify(report.labelColumn)}` +
      (report.multiLabel ? ' (multi-label)' : ''),
  );
  lines.push(
    `splits: ${Object.entries(report.splits)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  lines.push(`labels: ${report.labelCounts.map((c) => `${c.label} ${c.count}`).join(', ')}`);
  for (const i of report.issues)
    lines.push(`${i.severity.toUpperCase().padEnd(7)} ${i.kind}: ${i.message}`);
  const dropped = Object.entries(report.droppedByReason);
  if (dropped.length > 0) lines.push(`dropped: ${dropped.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (report.stored && (report.droppedTotal ?? 0) > report.dropped.length) {
    lines.push('every dropped row is kept: graft datasets dropped ID [--reason R] [--json]');
  }
  lines.push(report.stored ? 'stored' : 'not stored (report only)');
  return lines.join('\n');
}

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
  .option('--limit <n>', 'keep only the first N rows of the training file', int('--limit'))
  .option('--test-ratio <r>', 'test share of a random split (0-1)', num('--test-ratio'), 0.2)
  .option(
    '--ratios <t,v,t>',
    'train,validation,test shares of a random split, e.g. 0.8,0.1,0.1',
    ratios,
  )
  .option('--seed <n>', 'seed of the random split', int('--seed'), 13)
  .addOption(
    new Option('--format <name>', 'file format (default: detected)').choices([
      'auto',
      'csv',
      'tsv',
      'label-text',
      'jsonl',
      'json',
      'parquet',
      'folder',
    ]),
  )
  .addOption(
    new Option('--encoding <name>', 'text encoding (default: detected)').choices([
      'auto',
      'utf-8',
      'utf-16le',
      'utf-16be',
      'windows-1252',
      'gbk',
    ]),
  )
  .option('--delimiter <char>', 'field delimiter (default: sniffed; "\\t" for tab)')
  .option('--no-quoting', 'read quote characters as text (TSV like the SMS Spam Collection)')
  .option('--label-transform <t>', 'none, coarse, fine, lower, before:SEP, after:SEP')
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
    'drop flagged rows: empty-text, empty-label, malformed, duplicate, ' +
      'conflicting-duplicate, test-overlap (comma-separated, repeatable)',
    list,
  )
  .option(
    '--max-length <n>',
    "model token limit, for the report's long-text share",
    int('--max-length'),
  )
  .option('--report', 'print the validation report and store nothing')
  .option('--json', 'print JSON: the dataset with its report (or the report alone with --report)')
  .action(async (file: string, o) => {
    await withWorkbench(async (wb) => {
      const request = {
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
      if (o.report) {
        const report = await call(wb, 'datasets.preview', request).finally(stopProgress);
        print(report, o.json, () => describeReport(report));
        return;
      }
      const dataset = await call(wb, 'datasets.import', request).finally(stopProgress);
      const report = await call(wb, 'datasets.report', { id: dataset.id });
      print({ ...dataset, report }, o.json, () => {
        const splits = Object.entries(dataset.splits)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
        return (
          `${dataset.id}  ${dataset.name}  (${splits}; labels: ${dataset.labels.join(', ')})\n` +
          describeReport(report)
        );
      });
    });
  });

datasets
  .command('list')
  .option('--json', 'print JSON')
  .action(async (o) => {
    await withWorkbench(async (wb) => {
      const list = await call(wb, 'datasets.list', {});
      print(
        list,
        o.json,
        () =>
          list.map((d) => `${d.id}  ${d.name}  ${JSON.stringify(d.splits)}`).join('\n') ||
          'no datasets',
      );
    });
  });

addDroppedCommand(datasets, withWorkbench);

const models = program.command('models').description('import and list models');

models
  .command('import <dir>')
  .description(
    'import a Hugging Face model folder (config.json, tokenizer.json, model.safetensors)',
  )
  .option('--name <name>', 'model name')
  .option('--json', 'print the new model as JSON')
  .action(async (dir: string, o) => {
    await withWorkbench(async (wb) => {
      const model = await call(wb, 'models.import', { path: dir, name: o.name });
      print(
        model,
        o.json,
        () =>
          `${model.id}  ${model.name}  ${model.architecture}, ${model.layers} layers, ` +
          `hidden ${model.hiddenSize}, ${(model.parameters / 1e6).toFixed(1)}M parameters`,
      );
    });
  });

models
  .command('download <repo>')
  .description('download a model from the Hugging Face Hub into the library (resumes, verifies)')
  .option('--revision <rev>', 'branch, tag or commit (default: main)')
  .option('--json', 'print the new model as JSON')
  .action(async (repo: string, o) => {
    await withWorkbench(async (wb) => {
      let last = 0;
      const stop = wb.dispatcher.bus.subscribe((name, payload) => {
        if (name !== 'model.download') return;
        const p = payload as EventPayload<'model.download'>;
        if (p.phase === 'downloading' && Date.now() - last < 1000 && p.done < p.total) return;
        last = Date.now();
        const share = p.total > 0 ? ` ${((100 * p.done) / p.total).toFixed(0)}%` : '';
        process.stderr.write(`${p.phase}${share} ${p.file ?? repo}\n`);
      });
      try {
        const model = await call(wb, 'models.download', { repo, revision: o.revision });
        print(
          model,
          o.json,
          () =>
            `${model.id}  ${model.name}  ${model.architecture}, ` +
            `${model.layers} layers, hidden ${model.hiddenSize}, licence ${model.licence ?? '?'}`,
        );
      } finally {
        stop();
      }
    });
  });

models
  .command('list')
  .option('--json', 'print JSON')
  .action(async (o) => {
    await withWorkbench(async (wb) => {
      const list = await call(wb, 'models.list', {});
      print(
        list,
        o.json,
        () => list.map((m) => `${m.id}  ${m.name}  ${m.architecture}`).join('\n') || 'no models',
      );
    });
  });

models
  .command('delete <id>')
  .description('forget a model and remove its copy from the library (runs keep their results)')
  .option('--json', 'print JSON')
  .action(async (id: string, o) => {
    await withWorkbench(async (wb) => {
      const model = await call(wb, 'models.get', { id });
      const result = await call(wb, 'models.delete', { id });
      print(result, o.json, () => `deleted ${model.id}  ${model.name}`);
    });
  });

datasets
  .command('delete <id>')
  .description('forget a dataset and its rows (runs keep their results)')
  .option('--json', 'print JSON')
  .action(async (id: string, o) => {
    await withWorkbench(async (wb) => {
      const dataset = await call(wb, 'datasets.get', { id });
      const result = await call(wb, 'datasets.delete', { id });
      print(result, o.json, () => `deleted ${dataset.id}  ${dataset.name}`);
    });
  });

const train = program
  .command('train')
  .description('train a classifier and evaluate it on the test split')
  .option('--dataset <id>', 'dataset id (or datasetId in --config)')
  .option('--model <id>', 'model id (or modelId in --config)');
addTrainOptions(train)
  .option('--json', 'print the finished run as JSON')
  .action(async (o) => {
    await withWorkbench(async (wb) => {
      const progress = createProgressPrinter(process.stderr);
      const unsubscribe = wb.dispatcher.bus.subscribe((name, payload) => {
        if (name === 'run.progress') progress.update(payload as EventPayload<'run.progress'>);
      });

      const started = await call(wb, 'runs.start', trainRequestFrom(o));
      const runId = started.id;

      // Ctrl-C cancels the run properly instead of leaving it 'running' in the history.
      const interrupt = (): void => {
        progress.finish();
        process.stderr.write(`graft: cancelling run ${runId}\n`);
        wb.runs.cancel(runId);
        process.exitCode = 130;
      };
      process.once('SIGINT', interrupt);
      const status = await wb.runs.settled(runId);
      process.removeListener('SIGINT', interrupt);
      unsubscribe();
      progress.finish();

      const run = await call(wb, 'runs.get', { id: runId });
      print(run, o.json, () => describeRun(run));
      if (status !== 'completed') process.exitCode = 1;
    });
  });

function describeRun(run: Run): string {
  const test = run.metrics.test;
  const lines = [
    `${run.id}  ${run.status}  ${run.strategy}  dataset ${run.datasetId}  model ${run.modelId}`,
  ];
  if (run.error) lines.push(`error: ${run.error}`);
  for (const [key, value] of Object.entries(run.details ?? {})) {
    lines.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  if (test) {
    lines.push(`test accuracy ${pct(test.accuracy)}  macro-F1 ${test.macroF1.toFixed(4)}`);
    for (const c of test.perClass) {
      lines.push(
        `  ${c.label.padEnd(16)} P ${c.precision.toFixed(3)}  R ${c.recall.toFixed(3)}  ` +
          `F1 ${c.f1.toFixed(3)}  n=${c.support}`,
      );
    }
  }
  return lines.join('\n');
}

const runs = program.command('runs').description('list and show runs');

runs
  .command('list')
  .option('--json', 'print JSON')
  .action(async (o) => {
    await withWorkbench(async (wb) => {
      const list = await call(wb, 'runs.list', {});
      print(
        list,
        o.json,
        () =>
          list
            .map(
              (r) =>
                `${r.id}  ${r.status.padEnd(9)}  ${r.strategy}  acc ${pct(r.metrics.test?.accuracy)}`,
            )
            .join('\n') || 'no runs',
      );
    });
  });

runs
  .command('show <id>')
  .option('--json', 'print JSON')
  .action(async (id: string, o) => {
    await withWorkbench(async (wb) => {
      const run = await call(wb, 'runs.get', { id });
      print(run, o.json, () => describeRun(run));
    });
  });

program
  .command('export <runId>')
  .description('export a finished run as a self-contained ONNX bundle')
  .option('--out <dir>', 'target folder (default: exports/<run id> in the data directory)')
  .option('--json', 'print JSON')
  .action(async (runId: string, o) => {
    await withWorkbench(async (wb) => {
      const result = await call(wb, 'runs.export', { runId, outDir: o.out });
      print(
        result,
        o.json,
        () => `exported to ${result.dir}\n${result.files.map((f) => `  ${f}`).join('\n')}`,
      );
    });
  });

program
  .command('predict <bundleDir>')
  .description('classify texts with an exported bundle (no data directory needed)')
  .option('--text <text>', 'a text to classify (repeatable)', collect)
  .option('--file <file>', 'classify every non-empty line of a file ("-" reads stdin)')
  .option('--json', 'print JSON')
  .action(async (bundleDir: string, o) => {
    const texts = [...((o.text as string[] | undefined) ?? []), ...readTextLines(o.file)];
    if (texts.length === 0) {
      throw new GraftError('invalid-argument', 'give texts with --text TEXT or --file FILE');
    }
    const predictions = await predictWithBundle(bundleDir, texts);
    print(predictions, o.json, () =>
      predictions
        .map((p, i) =>
          p.labels
            ? `${p.labels.join(',') || '(none)'}\t${texts[i]}`
            : `${p.label}\t${(p.probabilities[p.label] * 100).toFixed(1)}%\t${texts[i]}`,
        )
        .join('\n'),
    );
  });

/** Lines of a file or of stdin, for predictions on more texts than a command line holds. */
function readTextLines(file: string | undefined): string[] {
  if (file === undefined) return [];
  let content: string;
  try {
    content = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new GraftError('not-found', `--file: cannot read ${file}: ${(error as Error).message}`);
  }
  return content.split(/\r?\n/).filter((line) => line.trim() !== '');
}

program
  .command('serve')
  .description('serve the workbench UI on 127.0.0.1 (for browsers; no Electron needed)')
  .option('--port <n>', 'port (default: a free one)', int('--port'), 0)
  .action(async (o) => {
    const { serveWorkbench } = await import('./serve-main');
    await serveWorkbench({ dataDir: dataDir(), port: o.port });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof GraftError) {
    process.stderr.write(`graft: ${inCliWords(error.message)}\n`);
  } else {
    log.error('unexpected failure', error);
  }
  process.exitCode = 1;
});
