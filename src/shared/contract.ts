/**
 * The API contract: every call the UI, the CLI and the tests can make, and every event the
 * main process pushes, each with its zod schema. Three bindings dispatch into one handler
 * table built from this file: Electron IPC (preload), serve mode (WebSocket) and direct calls.
 *
 * Types only: this module imports nothing from Node or the DOM.
 */
import { z } from 'zod';
import {
  DatasetImportRequest,
  DatasetReport,
  DroppedRowsRequest,
  DroppedRowsPage,
  DatasetSampleRequest,
  DatasetPeek,
  DatasetImportProgress,
  Dataset,
  SplitLabelCounts,
} from './contract-datasets';

const Id = z.string().min(1).max(64);
const Timestamp = z.string(); // ISO 8601

export * from './contract-datasets';

export const ModelImportRequest = z.object({
  path: z.string().min(1),
  name: z.string().min(1).max(200).optional(),
});
export type ModelImportRequest = z.input<typeof ModelImportRequest>;

export const Model = z.object({
  id: Id,
  name: z.string(),
  kind: z.enum(['transformer', 'word-vectors']),
  architecture: z.string(),
  path: z.string(),
  layers: z.number().int(),
  hiddenSize: z.number().int(),
  heads: z.number().int(),
  vocabSize: z.number().int(),
  maxPositions: z.number().int(),
  parameters: z.number().int(),
  sizeOnDisk: z.number().int(),
  createdAt: Timestamp,
  /** Where it came from: "hub:<repo>@<commit>", "folder" or "file"; absent when unknown. */
  source: z.string().optional(),
  /** The licence its model card states (e.g. "apache-2.0"); null when it states none. */
  licence: z.string().nullable().optional(),
});
export type Model = z.infer<typeof Model>;

export const ModelDownloadRequest = z.object({
  /** Hub id, "owner/name" (or a bare legacy name). */
  repo: z.string().min(1).max(200),
  /** Branch, tag or commit; default "main". */
  revision: z.string().min(1).max(200).optional(),
});
export type ModelDownloadRequest = z.input<typeof ModelDownloadRequest>;

export const ModelDownloadProgress = z.object({
  repo: z.string(),
  revision: z.string(),
  phase: z.enum(['resolving', 'downloading', 'verifying', 'done']),
  file: z.string().nullable(),
  /** Bytes on disk so far (resumed bytes count) and in total. */
  done: z.number(),
  total: z.number(),
});
export type ModelDownloadProgress = z.infer<typeof ModelDownloadProgress>;

export const StrategyName = z.enum([
  'feature-extraction',
  'scalar-mix',
  'feature-concat',
  'gated-fusion',
  'layer-transfer',
  'fine-tune',
]);
export type StrategyName = z.infer<typeof StrategyName>;

/** Which strategies exist and which of them a build of Graft can train (see transfer/). */
export const STRATEGY_NAMES = StrategyName.options;

export const TrainRequest = z.object({
  datasetId: Id,
  modelId: Id,
  strategy: StrategyName.default('feature-extraction'),
  head: z.enum(['logreg', 'mlp']).default('logreg'),
  pooling: z.enum(['mean', 'cls', 'max']).default('mean'),
  /** Hidden layer to read: -1 is the last layer, 0 the embeddings output. */
  layer: z.number().int().default(-1),
  epochs: z.number().int().positive().max(1000).default(20),
  batchSize: z.number().int().positive().max(4096).default(32),
  learningRate: z.number().positive().default(0.001),
  weightDecay: z.number().min(0).default(0.0001),
  hiddenUnits: z.number().int().positive().default(256),
  maxLength: z.number().int().positive().max(512).default(128),
  seed: z.number().int().default(13),

  // feature-concat: hidden-state indices to concatenate (default: the last four).
  layers: z.array(z.number().int()).min(1).optional(),
  // feature-concat and gated-fusion: a word-vectors model to add (averaged, or gated per token).
  wordVectorsId: Id.optional(),
  // feature-concat: add TF-IDF features of the training vocabulary.
  tfidf: z.boolean().default(false),
  tfidfFeatures: z.number().int().positive().max(100_000).default(5000),

  // layer-transfer: teacher layers copied into the student, in order (default every other).
  studentLayers: z.array(z.number().int().nonnegative()).min(1).optional(),
  // layer-transfer: distil from the teacher's logits with this temperature (0 = no teacher).
  distillTemperature: z.number().min(0).default(0),
  // layer-transfer: weight of the distillation loss against the label loss.
  distillAlpha: z.number().min(0).max(1).default(0.5),

  // fine-tune: unfreeze only the top k encoder layers (absent: the whole encoder).
  unfreezeTopK: z.number().int().nonnegative().optional(),
  // fine-tune: learning rate multiplier per layer going down (1 = none).
  layerwiseLrDecay: z.number().gt(0).max(1).default(1),
  warmupRatio: z.number().min(0).max(1).default(0.1),
  schedule: z.enum(['constant', 'linear', 'cosine']).default('linear'),
  clipNorm: z.number().positive().optional(),
  dropout: z.number().min(0).lt(1).default(0.1),
  classWeights: z.enum(['none', 'balanced']).default('none'),
  // fine-tune and layer-transfer: the new head learns at learningRate times this, since it
  // starts from random values while the encoder layers start trained (measured in
  // bench/strategies/multi-label.ts: 100 beat 1, 20 and 50 on GoEmotions and SST-2).
  headLrMultiplier: z.number().positive().max(1000).default(100),
  // multi-label fine-tune and layer-transfer: weight each label's positive targets in the BCE
  // by min(10, negatives / positives) over the training rows ('balanced'), or not ('none').
  // Measured on GoEmotions: +0.03 macro-F1 after one epoch, none after three, where it costs
  // micro-F1 and subset accuracy; so off unless asked for.
  positiveWeights: z.enum(['none', 'balanced']).default('none'),
  // Stop when the validation metric has not improved for this many epochs (absent: never).
  earlyStoppingPatience: z.number().int().positive().optional(),
});
export type TrainConfig = z.infer<typeof TrainRequest>;
export type TrainRequest = z.input<typeof TrainRequest>;
export const RunStatus = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

export const ClassMetrics = z.object({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int(),
});

export const SplitMetrics = z.object({
  accuracy: z.number(),
  macroF1: z.number(),
  loss: z.number(),
  perClass: z.array(ClassMetrics),
  /** confusion[i][j]: rows are true labels, columns predicted, in `labels` order. */
  confusion: z.array(z.array(z.number().int())),
  labels: z.array(z.string()),
  /**
   * Multi-label runs only: the decision threshold on each label's sigmoid probability (tuned on
   * validation), micro-averaged F1, and subset accuracy (exact match, also in `accuracy`).
   * `confusion` is then empty and `macroF1` is the mean per-label F1.
   */
  multiLabel: z.boolean().optional(),
  threshold: z.number().optional(),
  /**
   * Multi-label runs: the threshold of each label in `labels` order, tuned on validation per
   * label where it holds enough positives of that label (else `threshold`); the metrics and
   * the export bundle apply these.
   */
  thresholds: z.array(z.number()).optional(),
  microF1: z.number().optional(),
  subsetAccuracy: z.number().optional(),
});
export type SplitMetrics = z.infer<typeof SplitMetrics>;

export const CurvePoint = z.object({
  epoch: z.number().int(),
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  validationLoss: z.number().nullable(),
  validationAccuracy: z.number().nullable(),
});
export type CurvePoint = z.infer<typeof CurvePoint>;

/**
 * The dataset a run trained on, as it was when the run was created: its identity and what the
 * model card tells of it. Kept with the run because a dataset can be deleted while its runs
 * keep their results and stay exportable.
 */
export const RunDataset = z.object({
  name: z.string(),
  version: z.number().int().positive(),
  contentHash: z.string(),
  splits: z.record(z.string(), z.number().int()),
  labels: z.array(z.string()),
  multiLabel: z.boolean().optional(),
});
export type RunDataset = z.infer<typeof RunDataset>;

/** The part of a stored dataset a run keeps (a dataset not yet stored counts as version 1). */
export function runDatasetOf(dataset: Dataset): RunDataset {
  return {
    name: dataset.name,
    version: dataset.version ?? 1,
    contentHash: dataset.contentHash,
    splits: { ...dataset.splits },
    labels: [...dataset.labels],
    ...(dataset.multiLabel ? { multiLabel: true } : {}),
  };
}

/**
 * A dataset's name with its version always spelled out ("sst2 v1"): for what outlives the
 * dataset list (model cards, manifests, runs whose dataset is gone), where a bare "sst2"
 * could mean any later version.
 */
export function versionedName(dataset: Pick<RunDataset, 'name' | 'version'>): string {
  return `${dataset.name} v${dataset.version}`;
}

/**
 * A run's dataset as the CLI prints it: "sst2 v2 (sha 1a2b3c4d)"; the id for a run created
 * before runs kept their dataset.
 */
export function runDatasetLine(run: { datasetId: string; dataset?: RunDataset }): string {
  const d = run.dataset;
  return d ? `${versionedName(d)} (sha ${d.contentHash.slice(0, 8)})` : run.datasetId;
}

export const Run = z.object({
  id: Id,
  datasetId: Id,
  /** Absent on runs created before runs kept their dataset. */
  dataset: RunDataset.optional(),
  modelId: Id,
  strategy: StrategyName,
  status: RunStatus,
  config: TrainRequest,
  metrics: z.object({ test: SplitMetrics.optional() }).default({}),
  curves: z.array(CurvePoint),
  error: z.string().nullable(),
  timings: z.record(z.string(), z.number()).default({}),
  /** What a strategy learned worth showing (scalar-mix layer weights, gate opening, ...). */
  details: z.record(z.string(), z.unknown()).default({}),
  createdAt: Timestamp,
  finishedAt: Timestamp.nullable(),
});
export type Run = z.infer<typeof Run>;

export const RunSummary = Run.omit({ curves: true });
export type RunSummary = z.infer<typeof RunSummary>;

export const ExportRequest = z.object({
  runId: Id,
  /** Target folder; defaults to exports/<run id> in the data directory. */
  outDir: z.string().min(1).optional(),
});

export const ExportResult = z.object({ dir: z.string(), files: z.array(z.string()) });

export const PredictRequest = z.object({
  bundleDir: z.string().min(1),
  texts: z.array(z.string()).min(1),
});

export const Prediction = z.object({
  label: z.string(),
  /** Multi-label bundles: the labels at or above the bundle's threshold. */
  labels: z.array(z.string()).optional(),
  probabilities: z.record(z.string(), z.number()),
});

export const AppInfo = z.object({
  version: z.string(),
  dataDir: z.string(),
  executionProviders: z.array(z.string()),
});

const Empty = z.object({}).default({});
const ById = z.object({ id: Id });
const Ok = z.object({ ok: z.literal(true) });

/** Every call: its request and response schemas. Names are `area.verb`. */
export const calls = {
  'app.info': { request: Empty, response: AppInfo },
  'datasets.import': { request: DatasetImportRequest, response: Dataset },
  'datasets.list': { request: Empty, response: z.array(Dataset) },
  'datasets.get': { request: ById, response: Dataset },
  'datasets.delete': { request: ById, response: Ok },
  'datasets.preview': { request: DatasetImportRequest, response: DatasetReport },
  'datasets.report': { request: ById, response: DatasetReport },
  /** Rows per label in each split: how the classes are spread over train, validation, test. */
  'datasets.labels': { request: ById, response: SplitLabelCounts },
  /** Every row dropped at import, paged; the report keeps only the first as examples. */
  'datasets.dropped': { request: DroppedRowsRequest, response: DroppedRowsPage },
  /** The head of a file as an import would read it (fast on any size), for the live preview. */
  'datasets.peek': { request: DatasetSampleRequest, response: DatasetPeek },
  'models.import': { request: ModelImportRequest, response: Model },
  'models.list': { request: Empty, response: z.array(Model) },
  'models.get': { request: ById, response: Model },
  'models.delete': { request: ById, response: Ok },
  'models.download': { request: ModelDownloadRequest, response: Model },
  'runs.start': { request: TrainRequest, response: RunSummary },
  'runs.list': { request: Empty, response: z.array(RunSummary) },
  'runs.get': { request: ById, response: Run },
  'runs.cancel': { request: ById, response: Ok },
  'runs.export': { request: ExportRequest, response: ExportResult },
  'bundles.predict': { request: PredictRequest, response: z.array(Prediction) },
  /** The strategies this build can train (a subset of StrategyName). */
  'strategies.list': { request: Empty, response: z.array(StrategyName) },
} as const;

export type CallName = keyof typeof calls;
export type CallRequest<C extends CallName> = z.input<(typeof calls)[C]['request']>;
export type CallResponse<C extends CallName> = z.infer<(typeof calls)[C]['response']>;

export const RunProgress = z.object({
  runId: Id,
  phase: z.enum(['queued', 'tokenizing', 'features', 'training', 'evaluating', 'done']),
  done: z.number(),
  total: z.number(),
  epoch: z.number().int().optional(),
  trainLoss: z.number().optional(),
  message: z.string(),
});
export type RunProgress = z.infer<typeof RunProgress>;

/** Every event the main process pushes: `area.what`. */
export const events = {
  'run.progress': RunProgress,
  'run.status': z.object({ runId: Id, status: RunStatus, error: z.string().nullable() }),
  'run.epoch': z.object({ runId: Id, point: CurvePoint }),
  'model.download': ModelDownloadProgress,
  'dataset.import': DatasetImportProgress,
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];

/** What every binding returns: failures travel as data, never as thrown strings. */
export type CallResult<C extends CallName> =
  { ok: true; value: CallResponse<C> } | { ok: false; error: { code: string; message: string } };

/** The API as the renderer sees it on `window.graft`. */
export interface GraftApi {
  call<C extends CallName>(name: C, request: CallRequest<C>): Promise<CallResponse<C>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}
