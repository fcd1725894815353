/**
 * Composition root: builds every service from a data directory and binds them into the one
 * handler table that Electron IPC, serve mode, the CLI and the tests all dispatch into.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { availableProviders } from './engine/session';
import { dataLayout, type DataLayout } from './data-dir';
import { createDispatcher, EventBus, type Dispatcher, type Handlers } from './dispatch';
import { datasetReport, importDataset, previewDataset, type ImportContext } from './datasets';
import { peekDataset } from './datasets/peek';
import { exportRun } from './export/bundle';
import { predictWithBundle } from './export/predict';
import { deleteModel, importModel } from './models/library';
import { downloadModel, withProvenance } from './models/hub-library';
import { RunManager } from './runs/run-manager';
import { ownedByAnotherProcess } from './runs/ownership';
import { removeStaleScratch } from './datasets/scratch';
import { openStore, type Store } from './store';
import { availableStrategies, createRunExecutor } from './transfer';
import { logger, setLogFile } from './util/log';

const log = logger('workbench');

export interface WorkbenchOptions {
  dataDir: string;
}

export interface Workbench {
  dispatcher: Dispatcher;
  store: Store;
  runs: RunManager;
  layout: DataLayout;
  close(): Promise<void>;
}

function appVersion(): string {
  const require = createRequire(import.meta.url);
  try {
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown'; // bundled builds carry no package.json beside the sources
  }
}

export async function createWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const layout = dataLayout(options.dataDir);
  setLogFile(layout.logFile);

  const store = openStore(layout.database);
  const interrupted = store.runs.markInterrupted((id) =>
    ownedByAnotherProcess(join(layout.runs, id)),
  );
  if (interrupted.length > 0) {
    log.warn(`runs left running by an earlier process marked failed: ${interrupted.join(', ')}`);
  }

  // Scratch files of imports whose process is gone (killed, Ctrl-C) go at start, not in a day
  const scratchDir = join(layout.root, 'tmp');
  removeStaleScratch(scratchDir);

  const bus = new EventBus();
  const runs = new RunManager(store, bus, layout.runs, createRunExecutor({ store, layout }));

  // Imports stage their rows in the data directory (nothing is written elsewhere) and report
  // progress to every binding as `dataset.import`
  const importContext: ImportContext = {
    tempDir: scratchDir,
    onProgress: (p) => bus.emit('dataset.import', p),
  };

  const handlers: Handlers = {
    'app.info': async () => ({
      version: appVersion(),
      dataDir: layout.root,
      executionProviders: availableProviders(),
    }),
    'datasets.import': async (request) => importDataset(store, request, importContext),
    'datasets.list': async () => store.datasets.list(),
    'datasets.get': async ({ id }) => store.datasets.get(id),
    'datasets.delete': async ({ id }) => {
      store.datasets.delete(id);
      return { ok: true as const };
    },
    'datasets.preview': async (request) => previewDataset(request, importContext),
    'datasets.report': async ({ id }) => datasetReport(store, id),
    'datasets.labels': async ({ id }) => store.datasets.labelCountsBySplit(id),
    'datasets.dropped': async ({ id, ...query }) => store.datasets.dropped(id, query),
    'datasets.peek': async (request) => peekDataset(request),
    'models.import': async (request) => withProvenance(importModel(store, layout, request)),
    'models.list': async () => store.models.list().map(withProvenance),
    'models.get': async ({ id }) => withProvenance(store.models.get(id)),
    'models.delete': async ({ id }) => {
      deleteModel(store, layout, id);
      return { ok: true as const };
    },
    'models.download': async (r) =>
      downloadModel(store, layout, r, { emit: (p) => bus.emit('model.download', p) }),
    'runs.start': async (request) => runs.start(request),
    'runs.list': async () => store.runs.list(),
    'runs.get': async ({ id }) => store.runs.get(id),
    'runs.cancel': async ({ id }) => {
      runs.cancel(id);
      return { ok: true as const };
    },
    'runs.export': async ({ runId, outDir }) => exportRun({ store, layout, runId, outDir }),
    'bundles.predict': async ({ bundleDir, texts }) => predictWithBundle(bundleDir, texts),
    'strategies.list': async () => availableStrategies(),
  };

  const dispatcher = createDispatcher(handlers, bus);
  log.info(`workbench ready in ${layout.root}`);

  return {
    dispatcher,
    store,
    runs,
    layout,
    async close() {
      await runs.stop();
      store.close();
      setLogFile(null);
    },
  };
}
