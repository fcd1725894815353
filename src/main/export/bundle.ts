/**
 * Export a finished run as a self-contained bundle: one ONNX graph (token ids and attention
 * mask in, class probabilities out: encoder, pooling and head together), the tokenizer, the
 * labels, a manifest and a model card. Anything that runs ONNX can use it without Graft.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import {
  runDatasetOf,
  type Model,
  type Run,
  type RunDataset,
  type StrategyName,
} from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { DataLayout } from '../data-dir';
import { createGraph } from '../engine/graph-impl';
import { buildEncoderGraph } from '../models/encoder';
import { isOnnxFolder, refuseOnnxOnly } from '../models/onnx-encoder';
import { loadTokenizer } from '../models/tokenizer';
import { effectiveMaxLength } from '../transfer/features';
import type { Store } from '../store';
import { buildClassifierBundleGraph } from '../transfer/encoder-classifier';
import { loadHeadArtifact } from '../transfer/head-artifact';
import { buildStrategyBundle } from '../transfer/bundles';
import { buildHeadLogits } from '../transfer/heads';
import { outputActivation } from '../transfer/multi-label';
import { logger } from '../util/log';
import { BUNDLE_FORMAT, BUNDLE_MANIFEST, type BundleManifest } from './manifest';
import { bundleDatasetName, modelCard } from './model-card';
import { buildOnnxHeadBundleGraph } from './onnx-bundle';

const log = logger('export');

const GRAPH_FILE = 'model.onnx';
const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.txt',
];

export interface ExportRequest {
  store: Store;
  layout: DataLayout;
  runId: string;
  outDir?: string;
}

function graftVersion(): string {
  try {
    return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Builds a finished run's inference graph from its run folder: input_ids and attention_mask
 * (int64 [batch, sequence]) in, probabilities (float32 [batch, classes]) out, trained values
 * frozen in as initializers. One per strategy that saves something other than a head.json.
 */
export type BundleGraphBuilder = (run: Run, model: Model, runDir: string) => Promise<Uint8Array>;

/** Strategies with their own graph; every other strategy exports a frozen encoder + head.json. */
const GRAPH_BUILDERS: Partial<Record<StrategyName, BundleGraphBuilder>> = {
  'fine-tune': buildClassifierBundleGraph,
  'layer-transfer': buildClassifierBundleGraph,
  'scalar-mix': buildStrategyBundle,
  'feature-concat': buildStrategyBundle,
  'gated-fusion': buildStrategyBundle,
};

/** The run's inference graph, built by its strategy's builder. */
export function buildBundleGraph(run: Run, model: Model, runDir: string): Promise<Uint8Array> {
  if (isOnnxFolder(model.path) && !GRAPH_BUILDERS[run.strategy]) {
    const multiLabel = run.metrics.test?.multiLabel === true;
    return buildOnnxHeadBundleGraph(run, model.path, runDir, (g, logits) =>
      outputActivation(g, logits, multiLabel),
    );
  }
  refuseOnnxOnly(model.path, `export of a ${run.strategy} run`);
  const build = GRAPH_BUILDERS[run.strategy] ?? buildHeadBundleGraph;
  return build(run, model, runDir);
}

/** Frozen encoder + pooling + head.json's head as one inference graph. */
export async function buildHeadBundleGraph(
  run: Run,
  model: Model,
  runDir: string,
): Promise<Uint8Array> {
  const artifact = loadHeadArtifact(runDir);
  const g = createGraph('graft_classifier', { seed: run.config.seed });
  const inputIds = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'sequence']);

  const pooled = await buildEncoderGraph(g, model.path, {
    inputIds,
    attentionMask,
    layer: run.config.layer,
    pooling: run.config.pooling,
  });
  const logits = buildHeadLogits(g, pooled, artifact.head, { trainable: false });
  g.output(outputActivation(g, logits, run.metrics.test?.multiLabel === true), 'probabilities');
  return g.toModelProto();
}

/**
 * The run's dataset as the bundle tells of it: the copy the run kept; for a run created before
 * runs kept one, the dataset itself, or null once that is deleted.
 */
export function datasetOfRun(store: Store, run: Run): RunDataset | null {
  if (run.dataset) return run.dataset;
  try {
    return runDatasetOf(store.datasets.get(run.datasetId));
  } catch (error) {
    if (error instanceof GraftError && error.code === 'not-found') return null;
    throw error;
  }
}

export async function exportRun(request: ExportRequest): Promise<{ dir: string; files: string[] }> {
  const { store, layout, runId } = request;
  const run = store.runs.get(runId);
  if (run.status !== 'completed') {
    throw new GraftError(
      'conflict',
      `run ${runId} is ${run.status}; only completed runs can be exported`,
    );
  }
  const model = store.models.get(run.modelId);
  const dataset = datasetOfRun(store, run);
  const labels = run.metrics.test?.labels ?? dataset?.labels;
  if (!labels) {
    throw new GraftError(
      'conflict',
      `run ${runId} has no test results and its dataset ${run.datasetId} is deleted, so ` +
        'the order of its output labels is unknown; train it again to export it',
    );
  }
  const runDir = join(layout.runs, runId);
  const dir = resolve(request.outDir ?? join(layout.exports, runId));
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new GraftError('conflict', `export target ${dir} is a file; give a folder with --out`);
  }
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, BUNDLE_MANIFEST))) {
    throw new GraftError(
      'conflict',
      `export folder ${dir} is not empty and holds no Graft bundle; choose an empty folder`,
    );
  }
  mkdirSync(dir, { recursive: true });

  log.info(`exporting run ${runId} to ${dir}`);
  const graph = await buildBundleGraph(run, model, runDir);
  writeFileSync(join(dir, GRAPH_FILE), graph);

  const files = [GRAPH_FILE];
  for (const name of TOKENIZER_FILES) {
    if (existsSync(join(model.path, name))) {
      copyFileSync(join(model.path, name), join(dir, name));
      files.push(name);
    }
  }

  writeFileSync(join(dir, 'labels.json'), JSON.stringify(labels, null, 2) + '\n');
  files.push('labels.json');

  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    graph: GRAPH_FILE,
    maxLength: effectiveMaxLength(run.config.maxLength, loadTokenizer(model.path).maxLength),
    inputs: [
      { name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'] },
      { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'sequence'] },
    ],
    output: { name: 'probabilities', dtype: 'float32', shape: ['batch', labels.length] },
    labels,
    ...(run.metrics.test?.multiLabel
      ? {
          multiLabel: true as const,
          threshold: run.metrics.test.threshold ?? 0.5,
          ...(run.metrics.test.thresholds ? { thresholds: run.metrics.test.thresholds } : {}),
        }
      : {}),
    source: {
      runId,
      strategy: run.strategy,
      model: model.name,
      dataset: bundleDatasetName(run, dataset),
      ...(dataset ? { datasetHash: dataset.contentHash } : {}),
      exportedAt: new Date().toISOString(),
      graftVersion: graftVersion(),
    },
  };
  writeFileSync(join(dir, BUNDLE_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  files.push(BUNDLE_MANIFEST);

  writeFileSync(join(dir, 'README.md'), modelCard({ run, model, dataset, manifest }));
  files.push('README.md');

  log.info(`exported run ${runId}: ${files.join(', ')}`);
  return { dir, files };
}
