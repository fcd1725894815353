/**
 * `graft`: headless jobs for scripts and servers. Every command goes through the same
 * dispatcher as the UI. With `--json`, stdout carries exactly one JSON document; progress and
 * logs go to stderr.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { runDatasetLine, type EventPayload, type Run } from '../shared/contract';
import { GraftError } from '../shared/errors';
import { addDatasetsCommands } from './cli-datasets';
import { inCliWords } from './cli-errors';
import { createProgressPrinter } from './cli-progress';
import { addTrainOptions, trainRequestFrom } from './cli-train';
import { call, int, print } from './cli-util';
import { defaultDataDir } from './data-dir';
import { predictWithBundle } from './export/predict';
import { logger, setDefaultLogLevel, setLogLevel } from './util/log';
import { createWorkbench, type Workbench } from './workbench';

const log = logger('cli');

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const program = new Command('graft')
  .description('Graft: transfer pre-trained language models into text classifiers')
  .option('--data-dir <dir>', 'data directory (default: GRAFT_HOME or the desktop app folder)')
  .option('--verbose', 'log debug detail to stderr')
  .option('--quiet', 'log only errors (default: warnings and errors, or GRAFT_LOG_LEVEL)')
  .showHelpAfterError('(graft --help, or graft <command> --help, lists the options)');

function dataDir(): string {
  const opts = program.opts<{ dataDir?: string }>();
  return opts.dataDir ?? defaultDataDir();
}

async function withWorkbench<T>(work: (wb: Workbench) => Promise<T>): Promise<T> {
  const flags = program.opts<{ verbose?: boolean; quiet?: boolean }>();
  // Progress lines are not logs: they show at any level
  if (flags.verbose) setLogLevel('debug');
  else if (flags.quiet) setLogLevel('error');
  else setDefaultLogLevel('warn');

  const wb = await createWorkbench({ dataDir: dataDir() });
  try {
    return await work(wb);
  } finally {
    await wb.close();
  }
}

function pct(value: number | undefined): string {
  return value === undefined ? '-' : `${(value * 100).toFixed(2)}%`;
}

addDatasetsCommands(program, withWorkbench);

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
    `${run.id}  ${run.status}  ${run.strategy}  dataset ${runDatasetLine(run)}  ` +
      `model ${run.modelId}`,
  ];
  if (run.error) lines.push(`error: ${run.error}`);
  for (const [key, value] of Object.entries(run.details ?? {})) {
    lines.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  if (test) {
    const accuracy = test.multiLabel ? 'subset accuracy' : 'accuracy';
    const micro = test.microF1 === undefined ? '' : `  micro-F1 ${test.microF1.toFixed(4)}`;
    lines.push(
      `test ${accuracy} ${pct(test.accuracy)}  macro-F1 ${test.macroF1.toFixed(4)}${micro}`,
    );
    // Multi-label: each label's decision threshold, tuned on validation (labels order)
    const thresholds = new Map(
      test.multiLabel
        ? test.labels.map((l, i) => [l, test.thresholds?.[i] ?? test.threshold ?? 0.5])
        : [],
    );
    for (const c of test.perClass) {
      const threshold = thresholds.get(c.label);
      lines.push(
        `  ${c.label.padEnd(16)} P ${c.precision.toFixed(3)}  R ${c.recall.toFixed(3)}  ` +
          `F1 ${c.f1.toFixed(3)}  n=${c.support}` +
          (threshold === undefined ? '' : `  threshold ${threshold.toFixed(2)}`),
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
                `${r.id}  ${r.status.padEnd(9)}  ${r.strategy}  ${runDatasetLine(r)}  ` +
                `acc ${pct(r.metrics.test?.accuracy)}`,
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
  .option('--port <n>', 'port (default: a free one)', int('--port'))
  .action(async (o) => {
    const { serveWorkbench } = await import('./serve-main');
    await serveWorkbench({ dataDir: dataDir(), port: o.port ?? 0 });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof GraftError) {
    process.stderr.write(`graft: ${inCliWords(error.message)}\n`);
  } else {
    log.error('unexpected failure', error);
  }
  process.exitCode = 1;
});
