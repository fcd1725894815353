/**
 * bench/strategies: accuracy, macro-F1 and wall time of every available strategy on the shared
 * datasets with the fetched all-MiniLM-L6-v2, and the feature cache's speed-up (the same
 * feature-extraction run twice: the second reads the cached features instead of encoding).
 *
 *   npx tsx bench/strategies/run.ts [--datasets sst2,trec] [--strategies a,b] [--train-rows N]
 *
 * The majority-class accuracy of each test split is printed beside it as the reference.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DatasetImportRequest, StrategyName, TrainRequest } from '../../src/shared/contract';
import { findFetchedMiniLM, MINILM_MISSING_REASON } from '../../src/main/models/paths';
import { availableStrategies } from '../../src/main/transfer';
import { setLogLevel } from '../../src/main/util/log';
import { createWorkbench, type Workbench } from '../../src/main/workbench';

const SHARED = resolve(import.meta.dirname, '../../../shared');
const GLOVE = join(SHARED, 'models/glove-twitter-25d-12k/glove.twitter.27B.25d.12k.txt');

const DATASETS: Record<string, DatasetImportRequest> = {
  sst2: {
    path: join(SHARED, 'datasets/sst2_glue_alps/train.tsv'),
    testPath: join(SHARED, 'datasets/sst2_glue_alps/test.tsv'),
  },
  trec: {
    path: join(SHARED, 'datasets/trec/TREC.train'),
    testPath: join(SHARED, 'datasets/trec/TREC.test'),
  },
  // Multi-label: accuracy is the exact-match (subset) accuracy, macro-F1 the mean over labels.
  goemotions: {
    path: join(SHARED, 'datasets/goemotions/train.tsv'),
    testPath: join(SHARED, 'datasets/goemotions/test.tsv'),
    validationPath: join(SHARED, 'datasets/goemotions/dev.tsv'),
    multiLabel: ',',
    labelNamesPath: join(SHARED, 'datasets/goemotions/labels.txt'),
    textColumn: 'column1',
    labelColumn: 'column2',
  },
};

/** Short runs: the point is the comparison, not the last tenth of a point. */
const PER_STRATEGY: Record<StrategyName, Partial<TrainRequest>> = {
  'feature-extraction': { epochs: 20 },
  'scalar-mix': { epochs: 10 },
  'feature-concat': { epochs: 10 },
  'gated-fusion': { epochs: 3 },
  'layer-transfer': { epochs: 2, learningRate: 1e-4 },
  'fine-tune': { epochs: 1, learningRate: 5e-5, unfreezeTopK: 2 },
};

const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'sst2,trec' },
    strategies: { type: 'string', default: availableStrategies().join(',') },
    'train-rows': { type: 'string', default: '5000' },
  },
});

const out = (line: string): boolean => process.stdout.write(line + '\n');

async function timedRun(
  wb: Workbench,
  request: TrainRequest,
): Promise<{
  accuracy: number;
  macroF1: number;
  seconds: number;
  features: number;
}> {
  const started = performance.now();
  const run = await wb.dispatcher.call('runs.start', request);
  const status = await wb.runs.settled(run.id);
  const done = await wb.dispatcher.call('runs.get', { id: run.id });
  if (status !== 'completed') throw new Error(`${request.strategy}: ${status}: ${done.error}`);
  return {
    accuracy: done.metrics.test!.accuracy,
    macroF1: done.metrics.test!.macroF1,
    seconds: (performance.now() - started) / 1000,
    features: done.timings.features ?? 0,
  };
}

async function main(): Promise<void> {
  const minilm = findFetchedMiniLM();
  if (!minilm) throw new Error(MINILM_MISSING_REASON);
  if (!existsSync(SHARED)) throw new Error(`../shared is absent (${SHARED})`);
  setLogLevel('warn');

  const dir = mkdtempSync(join(tmpdir(), 'graft-bench-strategies-'));
  const wb = await createWorkbench({ dataDir: dir });
  try {
    const model = await wb.dispatcher.call('models.import', { path: minilm });
    const glove = await wb.dispatcher.call('models.import', { path: GLOVE });
    const strategies = values.strategies!.split(',') as StrategyName[];
    out('dataset  strategy            accuracy  macro-F1  majority  wall s');

    for (const name of values.datasets!.split(',')) {
      const source = DATASETS[name];
      if (!source)
        throw new Error(`--datasets: unknown "${name}"; known: ${Object.keys(DATASETS)}`);
      const dataset = await wb.dispatcher.call('datasets.import', {
        ...source,
        limit: Number(values['train-rows']),
      });
      const testCounts = dataset.labelCounts; // over all splits: a fair proxy for the majority
      const majority = dataset.multiLabel
        ? NaN // no single majority label set to speak of
        : Math.max(...testCounts.map((c) => c.count)) / testCounts.reduce((a, c) => a + c.count, 0);

      const majorityText = Number.isNaN(majority) ? '-' : (majority * 100).toFixed(2);
      for (const strategy of strategies) {
        const result = await timedRun(wb, {
          datasetId: dataset.id,
          modelId: model.id,
          strategy,
          maxLength: 64,
          wordVectorsId:
            strategy === 'feature-concat' || strategy === 'gated-fusion' ? glove.id : undefined,
          ...PER_STRATEGY[strategy],
        });
        out(
          `${name.padEnd(8)} ${strategy.padEnd(19)} ${(result.accuracy * 100).toFixed(2).padStart(8)}` +
            `  ${result.macroF1.toFixed(4).padStart(8)}  ${majorityText.padStart(8)}` +
            `  ${result.seconds.toFixed(1).padStart(6)}`,
        );
      }

      // The cache: the same features a second time, read instead of computed.
      const request: TrainRequest = {
        datasetId: dataset.id,
        modelId: model.id,
        maxLength: 96,
        epochs: 1,
      };
      const cold = await timedRun(wb, request);
      const warm = await timedRun(wb, request);
      out(
        `${name.padEnd(8)} feature cache: features ${cold.features.toFixed(2)} s cold, ` +
          `${warm.features.toFixed(3)} s cached: ${(cold.features / Math.max(warm.features, 1e-3)).toFixed(0)}x; ` +
          `whole run ${cold.seconds.toFixed(1)} s vs ${warm.seconds.toFixed(1)} s`,
      );
    }
  } finally {
    await wb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench/strategies: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
