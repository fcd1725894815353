/**
 * The API contract: every call the UI, the CLI and the tests can make, and every event the
 * main process pushes, each with its zod schema. Three bindings dispatch into one handler
 * table built from this file: Electron IPC (preload), serve mode (WebSocket) and direct calls.
 *
 * Types only: this module imports nothing from Node or the DOM.
 */
import { z } from 'zod';

const Id = z.string().min(1).max(64);
const Timestamp = z.string(); // ISO 8601

export const SplitName = z.enum(['train', 'validation', 'test']);
export type SplitName = z.infer<typeof SplitName>;

/** Rows the user may decide to drop at import, by what is wrong with them. */
export const DropReason = z.enum([
  'empty-text',
  'empty-label',
  'malformed',
  'duplicate',
  'conflicting-duplicate',
  'test-overlap',
]);
export type DropReason = z.infer<typeof DropReason>;

export const DatasetImportRequest = z.object({
  path: z.string().min(1),
  testPath: z.string().min(1).optional(),
  validationPath: z.string().min(1).optional(),
  textColumn: z.string().min(1).optional(),
  labelColumn: z.string().min(1).optional(),
  name: z.string().min(1).max(200).optional(),
  /** Keep only the first N training rows (after parsing, before splitting). */
  limit: z.number().int().positive().optional(),
  /**
   * Random split only (no testPath, no splitColumn); default 0.2. No schema default: an
   * import refuses a share or seed that nothing would use (import-splits.ts).
   */
  testRatio: z.number().gt(0).lt(1).optional(),
  /** Seed of the random split; default 13. */
  seed: z.number().int().optional(),
  /** 'auto' when absent: from the extension or magic bytes, else sniffed. */
  format: z
    .enum(['auto', 'csv', 'tsv', 'label-text', 'jsonl', 'json', 'parquet', 'folder'])
    .optional(),
  /** 'auto' when absent: BOM, UTF-16, UTF-8, GBK, then Windows-1252. */
  encoding: z.enum(['auto', 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'gbk']).optional(),
  /**
   * One character other than a quote or a line break (papaparse quotes with `"`, and records
   * end at line breaks); "\t" or "tab" for a tab.
   */
  delimiter: z
    .string()
    .transform((d) => (d === '\\t' || d.toLowerCase() === 'tab' ? '\t' : d))
    .refine((d) => [...d].length === 1 && !'"\r\n'.includes(d), {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a delimiter; accepted: one character other ` +
        'than a quote or a line break, or \\t / tab for a tab',
    })
    .optional(),
  quoting: z.enum(['auto', 'rfc4180', 'none']).optional(),
  header: z.boolean().optional(),
  /** none, coarse, fine, lower, before:SEP, after:SEP (TREC: coarse = 6 classes, fine = 50). */
  labelTransform: z.string().min(1).optional(),
  /** Multi-label: the separator between a row's labels in the label column. */
  multiLabel: z.string().min(1).optional(),
  /**
   * Multi-label, one 0/1 column per label (GoEmotions' raw layout): column names, or ranges
   * `first..last` of consecutive columns in file order. The column names become the labels.
   */
  labelColumns: z.array(z.string().min(1)).min(1).optional(),
  /** A file of label names, one a line: integer label i is the name on line i + 1. */
  labelNamesPath: z.string().min(1).optional(),
  /**
   * New names for labels, raw label (after the transform) -> name stored; renaming several
   * labels to one name merges them. Rules and errors: shared/label-rename.ts.
   */
  labelRename: z.record(z.string().min(1), z.string()).optional(),
  /** A column holding each row's split (train, dev/validation, test). */
  splitColumn: z.string().min(1).optional(),
  /** Random split shares; they must sum to 1. Overrides testRatio. */
  ratios: z
    .object({ train: z.number().gt(0), validation: z.number().min(0), test: z.number().gt(0) })
    .refine((r) => Math.abs(r.train + r.validation + r.test - 1) < 1e-6, 'ratios must sum to 1')
    .optional(),
  /** Which flagged rows to drop; each dropped row is listed in the report. */
  drop: z.array(DropReason).optional(),
  /** Token limit of the intended model, for the report's share of over-long texts. */
  maxLength: z.number().int().positive().optional(),
});
export type DatasetImportRequest = z.input<typeof DatasetImportRequest>;

export const ReportIssue = z.object({
  kind: z.enum([
    'empty-text',
    'empty-label',
    'malformed',
    'duplicate',
    'conflicting-duplicate',
    'test-overlap',
    'imbalance',
    'tiny-class',
    'long-text',
    'encoding',
    /** Single-label values that look like lists of labels ("3,14"): a multiLabel hint. */
    'multi-label',
  ]),
  /** error: the import refuses until these rows are dropped; warning/info: for the user. */
  severity: z.enum(['error', 'warning', 'info']),
  count: z.number().int(),
  message: z.string(),
  /** The first rows concerned (file and 1-based line). */
  rows: z.array(z.object({ file: z.string(), line: z.number().int() })),
});
export type ReportIssue = z.infer<typeof ReportIssue>;

export const DroppedRow = z.object({
  reason: DropReason,
  file: z.string(),
  line: z.number().int(),
  text: z.string(),
  label: z.string(),
});
export type DroppedRow = z.infer<typeof DroppedRow>;

/** What an import found and did: shown before storing (preview) and kept with the dataset. */
export const DatasetReport = z.object({
  files: z.array(
    z.object({
      role: z.string(),
      path: z.string(),
      format: z.string(),
      encoding: z.string(),
      notes: z.array(z.string()),
      rows: z.number().int(),
    }),
  ),
  textColumn: z.string(),
  labelColumn: z.string(),
  multiLabel: z.boolean(),
  rowsRead: z.number().int(),
  splits: z.record(z.string(), z.number().int()),
  labelCounts: z.array(z.object({ label: z.string(), count: z.number().int() })),
  issues: z.array(ReportIssue),
  droppedByReason: z.record(z.string(), z.number().int()),
  /**
   * The first dropped rows, as examples. A stored dataset keeps every dropped row apart from
   * the report (`datasets.dropped`): a million of them would make the report hundreds of MB.
   */
  dropped: z.array(DroppedRow),
  /** Every dropped row, counted; absent in reports (older ones) whose `dropped` lists them all. */
  droppedTotal: z.number().int().optional(),
  stored: z.boolean(),
});
export type DatasetReport = z.infer<typeof DatasetReport>;

/** Rows dropped at a dataset's import, a page at a time, in the order the report lists them. */
export const DroppedRowsRequest = z.object({
  id: Id,
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(100_000).default(1000),
  reason: DropReason.optional(),
});
export type DroppedRowsRequest = z.input<typeof DroppedRowsRequest>;

export const DroppedRowsPage = z.object({
  /** Dropped rows in all (of `reason`, when given). */
  total: z.number().int(),
  offset: z.number().int(),
  rows: z.array(DroppedRow),
});
export type DroppedRowsPage = z.infer<typeof DroppedRowsPage>;

export const LabelCount = z.object({ label: z.string(), count: z.number().int() });

/** The head of a file as the importer reads it, for the column mapping's live preview. */
export const DatasetSample = z.object({
  path: z.string(),
  format: z.string(),
  encoding: z.string(),
  notes: z.array(z.string()),
  columns: z.array(z.string()),
  /** The text and label columns as chosen or guessed; null where that fails (see `problem`). */
  textColumn: z.string().nullable(),
  labelColumn: z.string().nullable(),
  /** Why the columns cannot be mapped as requested, in the words an import would fail with. */
  problem: z.string().nullable(),
  /** The first records, every column's raw field, with the line each starts on. */
  records: z.array(z.object({ line: z.number().int(), fields: z.array(z.string()) })),
  /** File size in bytes, and whether the sample holds the whole file. */
  size: z.number().int(),
  whole: z.boolean(),
});
export type DatasetSample = z.infer<typeof DatasetSample>;

export const DatasetSampleRequest = DatasetImportRequest.extend({
  /** How many records to return (the sample read for guessing is larger). */
  rows: z.number().int().positive().max(1000).default(20),
});
export type DatasetSampleRequest = z.input<typeof DatasetSampleRequest>;

/**
 * datasets.peek: the sample as the Datasets page previews it, plus how the file was read (which
 * the user may override) and the labels of the sampled records after the label transform (which
 * the user may rename). Reads the file's head only.
 */
export const DatasetPeek = DatasetSample.extend({
  /** Delimited files: the delimiter and quoting used; null for other formats. */
  delimiter: z.string().nullable(),
  quoting: z.enum(['rfc4180', 'none']).nullable(),
  hasHeader: z.boolean(),
  /** Records read from the head (`records` holds the first `rows` of them). */
  sampleRows: z.number().int(),
  /** Bytes of the file that were read for the preview; 0 where not counted (Parquet, folders). */
  headBytes: z.number().int(),
  /** The label transform applied: the request's, or the format's default. */
  labelTransform: z.string(),
  /**
   * The sampled records' labels with their counts; empty when no label column is known. Under
   * the names of `labelNamesPath` when it names them all, each with the ids it names (two or
   * more where ids share a name, merged as the import merges them).
   */
  labels: z.array(LabelCount.extend({ ids: z.array(z.string()).optional() })),
  /**
   * Why `labelNamesPath` cannot name the labels (no such file, a blank line, an id past its
   * last line...): `labels` are then as read. Null when it names them all or none was given.
   */
  labelNamesProblem: z.string().nullable().optional(),
  /** Records of the head that could not be read: the first few, by line. */
  malformed: z.array(z.object({ line: z.number().int(), reason: z.string() })),
});
export type DatasetPeek = z.infer<typeof DatasetPeek>;

/** Progress of datasets.import and datasets.preview, pushed as `dataset.import`. */
export const DatasetImportProgress = z.object({
  /** The training file of the import, as requested: tells concurrent imports apart. */
  path: z.string(),
  /** true for datasets.preview (the report only), false for an import that stores. */
  preview: z.boolean(),
  phase: z.enum(['reading', 'validating', 'splitting', 'writing', 'done']),
  /**
   * reading: bytes read of all files' total; splitting: 0 of 1 while the split is drawn, then
   * rows laid out in their splits of all; writing: rows stored (dropped ones too) of all;
   * else 0 of 1 (not measured).
   */
  done: z.number(),
  total: z.number(),
  /** Rows read so far, over all files. */
  rows: z.number().int(),
  /** The file being read, in the reading phase; null in the others. */
  file: z.string().nullable(),
});
export type DatasetImportProgress = z.infer<typeof DatasetImportProgress>;

export const Dataset = z.object({
  id: Id,
  name: z.string(),
  sourcePath: z.string(),
  format: z.string(),
  textColumn: z.string(),
  labelColumn: z.string(),
  labels: z.array(z.string()),
  splits: z.record(z.string(), z.number().int()),
  labelCounts: z.array(LabelCount),
  contentHash: z.string(),
  createdAt: Timestamp,
  /** Rows carry a list of labels (SplitRows.labelSets); absent means single-label. */
  multiLabel: z.boolean().optional(),
  encoding: z.string().optional(),
  /** Rows dropped at import; each is listed in the dataset's report. */
  dropped: z.number().int().optional(),
});
export type Dataset = z.infer<typeof Dataset>;

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

export const Run = z.object({
  id: Id,
  datasetId: Id,
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
