/**
 * bench/strategies: accuracy, macro-F1 and wall time of every available strategy on the shared
 * datasets with the fetched all-MiniLM-L6-v2, and the feature cache's speed-up (the same
 * feature-extraction run twice: the second reads the cached features instead of encoding).
 *
 *   npx tsx bench/strategies/run.ts [--datasets sst2,trec,goemotions] [--strategies a,b]
 *     [--train-rows N] [--set key=value ...] [--skip-cache]
 *
 * `--set` overrides a TrainRequest option in every run (JSON values: --set headLrMultiplier=1).
 * The reference beside each score is the test split's majority-class accuracy, or for a
 * multi-label dataset the best macro-F1 of a text-blind predictor (every label on for every
 * row: a constant score per label can only switch a label on everywhere or nowhere).
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

/**
 * Multi-label data: 28 sigmoid heads learn from far fewer positives each than a softmax
 * sees, so the encoder strategies get the epochs bench/strategies/multi-label.ts found they
 * need (1 epoch of fine-tuning: macro-F1 0.19; 3 epochs: 0.35).
 */
const MULTI_LABEL: Partial<Record<StrategyName, Partial<TrainRequest>>> = {
  'layer-transfer': { epochs: 4 },
  'fine-tune': { epochs: 3 },
};

const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'sst2,trec' },
    strategies: { type: 'string', default: availableStrategies().join(',') },
    'train-rows': { type: 'string', default: '5000' },
    set: { type: 'string', multiple: true, default: [] },
    'skip-cache': { type: 'boolean', default: false },
  },
});

/** --set key=value pairs, values parsed as JSON where they are JSON. */
function overrides(pairs: readonly string[]): Partial<TrainRequest> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--set takes key=value, got "${pair}"`);
    const raw = pair.slice(at + 1);
    try {
      out[pair.slice(0, at)] = JSON.parse(raw);
    } catch {
      out[pair.slice(0, at)] = raw;
    }
  }
  return out as Partial<TrainRequest>;
}

const out = (line: string): boolean => process.stdout.write(line + '\n');

interface Timed {
  accuracy: number;
  macroF1: number;
  seconds: number;
  features: number;
  /** Text-blind reference: majority-class accuracy, or the all-positive macro-F1. */
  reference: number;
}

async function timedRun(wb: Workbench, request: TrainRequest): Promise<Timed> {
  const started = performance.now();
  const run = await wb.dispatcher.call('runs.start', request);
  const status = await wb.runs.settled(run.id);
  const done = await wb.dispatcher.call('runs.get', { id: run.id });
  if (status !== 'completed') throw new Error(`${request.strategy}: ${status}: ${done.error}`);
  const test = done.metrics.test!;
  const support = test.perClass.map((c) => c.support);
  const rows = test.multiLabel
    ? (await wb.dispatcher.call('datasets.get', { id: request.datasetId })).splits.test!
    : support.reduce((a, b) => a + b, 0);
  const reference = test.multiLabel
    ? support.reduce((s, n) => s + (n === 0 ? 0 : (2 * n) / (n + rows)), 0) / support.length
    : Math.max(...support) / rows;
  return {
    accuracy: test.accuracy,
    macroF1: test.macroF1,
    seconds: (performance.now() - started) / 1000,
    features: done.timings.features ?? 0,
    reference,
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
    const set = overrides(values.set ?? []);
    out(
      'dataset    strategy            accuracy  macro-F1  reference  wall s   ' +
        '(reference: majority accuracy %, or multi-label text-blind macro-F1)',
    );

    for (const name of values.datasets!.split(',')) {
      const source = DATASETS[name];
      if (!source)
        throw new Error(`--datasets: unknown "${name}"; known: ${Object.keys(DATASETS)}`);
      const dataset = await wb.dispatcher.call('datasets.import', {
        ...source,
        limit: Number(values['train-rows']),
      });
      for (const strategy of strategies) {
        const result = await timedRun(wb, {
          datasetId: dataset.id,
          modelId: model.id,
          strategy,
          maxLength: 64,
          wordVectorsId:
            strategy === 'feature-concat' || strategy === 'gated-fusion' ? glove.id : undefined,
          ...PER_STRATEGY[strategy],
          ...(dataset.multiLabel ? MULTI_LABEL[strategy] : {}),
          ...set,
        });
        const reference = dataset.multiLabel
          ? result.reference.toFixed(4)
          : (result.reference * 100).toFixed(2);
        out(
          `${name.padEnd(10)} ${strategy.padEnd(19)} ` +
            `${(result.accuracy * 100).toFixed(2).padStart(8)}  ` +
            `${result.macroF1.toFixed(4).padStart(8)}  ${reference.padStart(9)}  ` +
            `${result.seconds.toFixed(1).padStart(6)}`,
        );
      }

      if (values['skip-cache']) continue;
      // The cache: the same features a second time, read instead of computed.
      const request: TrainRequest = {
        datasetId: dataset.id,
        modelId: model.id,
        maxLength: 96,
        epochs: 1,
      };
      const cold = await timedRun(wb, request);
      const warm = await timedRun(wb, request);
      const speedUp = cold.features / Math.max(warm.features, 1e-3);
      out(
        `${name.padEnd(10)} feature cache: features ${cold.features.toFixed(2)} s cold, ` +
          `${warm.features.toFixed(3)} s cached: ${speedUp.toFixed(0)}x; ` +
          `whole run ${cold.seconds.toFixed(1)} s vs ${warm.seconds.toFixed(1)} s ` +
          `(${(cold.seconds / warm.seconds).toFixed(1)}x)`,
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
