/**
 * The datasets part of the API contract (contract.ts re-exports it): what an import takes, the
 * preview and the validation report it gives, the dataset it stores and the progress it pushes.
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

/**
 * How a refusal over too many malformed records offers to import the rest: the page finds it
 * to put a drop button beside the refusal.
 */
export const DROP_MALFORMED_OFFER = 'or drop malformed rows to import the rest';

/** How datasetTitle marks a later version: " v2". */
const VERSION_SUFFIX = / v\d+$/;

export const DatasetImportRequest = z.object({
  path: z.string().min(1),
  testPath: z.string().min(1).optional(),
  validationPath: z.string().min(1).optional(),
  textColumn: z.string().min(1).optional(),
  labelColumn: z.string().min(1).optional(),
  /**
   * Trimmed; must not end like a version (" v2"): Graft numbers the imports under a name, and
   * "sst2 v2" must mean version 2 of "sst2", not another dataset.
   */
  name: z
    .string()
    .trim()
    .min(1, 'a dataset name needs at least one character besides spaces')
    .max(200)
    .refine((name) => !VERSION_SUFFIX.test(name), {
      message:
        'ends like a version (" v2"); Graft numbers versions itself: import again under the ' +
        'name without it to add its next version',
    })
    .optional(),
  /** Keep only the first N training rows (after parsing, before splitting). */
  limit: z.number().int().positive().optional(),
  /**
   * Random split only (no testPath, no splitColumn); default 0.2. No schema default: an
   * import refuses a share or seed that nothing would use (import-splits.ts).
   */
  testRatio: z
    .number()
    .gt(0, 'must be between 0 and 1')
    .lt(1, 'must be between 0 and 1')
    .optional(),
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
  /**
   * datasets.preview only: the report's `dropped` lists every dropped row, not the first 100
   * (texts past the 100th left out, to bound its size); `graft ... --report --json` asks for
   * it. The page leaves it out: a million dropped rows would cross the bridge for nothing.
   */
  allDropped: z.boolean().optional(),
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
    /** Names in the label names file that no row has. */
    'label-names',
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
  /** '' for a malformed row: no label could be read from it. */
  label: z.string(),
  /** A malformed row's problem, as the reader found it ("3 fields, but line 1 has 2"). */
  detail: z.string().optional(),
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
   * A preview asked for `allDropped` lists them all, `text` only in the first 100.
   */
  dropped: z.array(DroppedRow.partial({ text: true })),
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

/** A stored dataset's rows per label in each split it has, labels in the dataset's order. */
export const SplitLabelCounts = z.object({
  train: z.array(LabelCount).optional(),
  validation: z.array(LabelCount).optional(),
  test: z.array(LabelCount).optional(),
});
export type SplitLabelCounts = z.infer<typeof SplitLabelCounts>;

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
  /**
   * Set by the store: 1 for the first import under a name, one more for each later one, so
   * a run names the very rows it trained on. Absent only before the record is stored.
   */
  version: z.number().int().positive().optional(),
  /** Rows carry a list of labels (SplitRows.labelSets); absent means single-label. */
  multiLabel: z.boolean().optional(),
  encoding: z.string().optional(),
  /** Rows dropped at import; each is listed in the dataset's report. */
  dropped: z.number().int().optional(),
});
export type Dataset = z.infer<typeof Dataset>;

/** A dataset as the user reads its name: "sst2" for the first import, "sst2 v2" after. */
export function datasetTitle(dataset: Pick<Dataset, 'name' | 'version'>): string {
  const version = dataset.version ?? 1;
  return version > 1 ? `${dataset.name} v${version}` : dataset.name;
}
