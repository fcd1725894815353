/**
 * The import form's state and what it becomes: the request of the live preview (reading
 * options, columns and whether malformed rows are dropped, so typing a dataset name does not
 * reread the file), the request of the check and the import, and the problems to show beside
 * each field before anything is sent.
 * Everything the user leaves on "auto" is left out of the requests, so the importer's own
 * detection applies, exactly as on the command line.
 */
import type {
  DatasetImportRequest,
  DatasetPeek,
  DatasetSampleRequest,
  DropReason,
} from '../../shared/contract';
import { renameProblems } from '../../shared/label-rename';

// The suggestion is shared with the CLI's hint (graft datasets import); the form follows it
export { suggestSplitColumn } from '../../shared/split-column';

export type SplitMode = 'random' | 'column';
export type TransformChoice = 'auto' | 'none' | 'coarse' | 'fine' | 'lower' | 'before' | 'after';

export interface ImportForm {
  path: string;
  testPath: string;
  validationPath: string;
  name: string;
  limit: string;
  /** Reading options: '' / 'auto' is the detected value. */
  format: string;
  encoding: string;
  delimiter: string;
  quoting: string;
  header: 'auto' | 'yes' | 'no';
  /** Columns: '' lets the importer guess. */
  textColumn: string;
  labelColumn: string;
  transform: TransformChoice;
  /** The separator of a before:SEP / after:SEP transform. */
  transformSeparator: string;
  multiLabel: boolean;
  multiSeparator: string;
  /** One 0/1 column per label instead of a label column: names, comma lists or `a..b` ranges. */
  labelColumns: string;
  /** A file naming integer labels, one name a line: label i is the name on line i + 1. */
  labelNamesPath: string;
  /** Label (after the names file) → the name typed for it; blank keeps the label. */
  rename: Record<string, string>;
  split: SplitMode;
  splitColumn: string;
  /** The user chose the split; until then it follows the split column suggested by name. */
  splitChosen: boolean;
  /** Percentages of a random split. */
  trainShare: string;
  validationShare: string;
  testShare: string;
  seed: string;
  maxLength: string;
  drop: DropReason[];
}

export const BLANK_FORM: ImportForm = {
  path: '',
  testPath: '',
  validationPath: '',
  name: '',
  limit: '',
  format: 'auto',
  encoding: 'auto',
  delimiter: '',
  quoting: 'auto',
  header: 'auto',
  textColumn: '',
  labelColumn: '',
  transform: 'auto',
  transformSeparator: ':',
  multiLabel: false,
  multiSeparator: ',',
  labelColumns: '',
  labelNamesPath: '',
  rename: {},
  split: 'random',
  splitColumn: '',
  splitChosen: false,
  trainShare: '80',
  validationShare: '0',
  testShare: '20',
  seed: '13',
  maxLength: '',
  drop: [],
};

/**
 * A new training file with the choices made for the last one's labels and rows undone: its
 * names file, renames, label transform, multi-label reading and drops would apply to another
 * file's labels without a word (GoEmotions' 28 names on SST-2's 0 and 1).
 */
export function withAnotherFile(form: ImportForm, path: string): ImportForm {
  const { labelNamesPath, rename, transform, transformSeparator, drop } = BLANK_FORM;
  const { multiLabel, multiSeparator, labelColumns } = BLANK_FORM;
  return {
    ...form,
    path,
    labelNamesPath,
    rename,
    transform,
    transformSeparator,
    multiLabel,
    multiSeparator,
    labelColumns,
    drop,
  };
}

/** The rows the preview table shows. */
export const PREVIEW_ROWS = 20;

const optional = (value: string): string | undefined => value.trim() || undefined;

export function transformSpec(form: ImportForm): string | undefined {
  if (form.transform === 'auto') return undefined;
  if (form.transform === 'before' || form.transform === 'after') {
    return `${form.transform}:${form.transformSeparator}`;
  }
  return form.transform;
}

/** "joy, anger..grief" → ['joy', 'anger..grief']; blank → none. */
function labelColumnList(value: string): string[] | undefined {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return parts.length > 0 ? parts : undefined;
}

const DELIMITED_FORMATS = new Set(['csv', 'tsv']);

/**
 * Whether delimiter, quoting and header row mean anything for this format; an unknown format
 * (not yet detected, or unreadable) may still turn out delimited.
 */
export function isDelimited(format: string | null | undefined): boolean {
  return !format || format === 'auto' || DELIMITED_FORMATS.has(format);
}

/** What the live preview depends on: how the file is read and which columns mean what. */
export function peekRequest(form: ImportForm): DatasetSampleRequest {
  // A delimiter chosen before the format was changed to JSON Lines is no choice any more
  const delimited = isDelimited(form.format);
  return {
    path: form.path.trim(),
    format: form.format === 'auto' ? undefined : (form.format as DatasetSampleRequest['format']),
    encoding:
      form.encoding === 'auto' ? undefined : (form.encoding as DatasetSampleRequest['encoding']),
    delimiter: (delimited && form.delimiter) || undefined,
    quoting:
      !delimited || form.quoting === 'auto' ? undefined : (form.quoting as 'rfc4180' | 'none'),
    header: !delimited || form.header === 'auto' ? undefined : form.header === 'yes',
    textColumn: optional(form.textColumn),
    labelColumn: optional(form.labelColumn),
    labelTransform: transformSpec(form),
    multiLabel: form.multiLabel ? form.multiSeparator : undefined,
    labelColumns: labelColumnList(form.labelColumns),
    splitColumn: form.split === 'column' ? optional(form.splitColumn) : undefined,
    // The preview names the labels as the import will, and says why a names file cannot
    labelNamesPath: labelNamesPath(form),
    // Dropping malformed rows lets the importer read a file with more of them; other drops
    // change nothing the preview reads, so choosing them does not reread the file
    drop: form.drop.includes('malformed') ? ['malformed'] : undefined,
    rows: PREVIEW_ROWS,
  };
}

/** The names file to apply; label columns take their labels from the column names instead. */
export function labelNamesPath(form: ImportForm): string | undefined {
  return labelColumnList(form.labelColumns) ? undefined : optional(form.labelNamesPath);
}

/**
 * The renames to send: blank names left out, and only for labels the data is known to have,
 * so that a rename typed before the label transform changed does not outlive its label.
 */
export function renamesFor(form: ImportForm, labels: readonly string[]): Record<string, string> {
  const known = new Set(labels);
  const entries = Object.entries(form.rename).filter(
    ([label, name]) => known.has(label) && name.trim() !== '',
  );
  return Object.fromEntries(entries);
}

function share(value: string): number {
  return Number(value) / 100;
}

/** The check's and the import's request; `labels` are the raw labels the form knows of. */
export function importRequest(form: ImportForm, labels: readonly string[]): DatasetImportRequest {
  const { rows: _rows, ...reading } = peekRequest(form);
  const rename = renamesFor(form, labels);
  const files = !!form.testPath.trim();
  const random = !files && form.split === 'random';
  return {
    ...reading,
    testPath: optional(form.testPath),
    validationPath: optional(form.validationPath),
    name: optional(form.name),
    limit: form.limit.trim() ? Number(form.limit) : undefined,
    labelRename: Object.keys(rename).length > 0 ? rename : undefined,
    splitColumn: !files && form.split === 'column' ? optional(form.splitColumn) : undefined,
    ratios: random
      ? {
          train: share(form.trainShare),
          validation: share(form.validationShare),
          test: share(form.testShare),
        }
      : undefined,
    seed: random && form.seed.trim() ? Number(form.seed) : undefined,
    maxLength: form.maxLength.trim() ? Number(form.maxLength) : undefined,
    drop: form.drop.length > 0 ? form.drop : undefined,
  };
}

interface LabelCount {
  label: string;
  count: number;
  /** The integer labels in the file, where a names file named them (several when merged). */
  ids?: readonly string[];
}

export interface LabelRow extends LabelCount {
  /** Where the count comes from: the previewed rows, or a full check. */
  counted: 'sample' | 'check';
}

/**
 * The labels to name: the preview's, then any the last check found beyond the previewed
 * rows. A check counts renamed labels under their new names, so those are no new labels.
 */
export function labelRows(
  sampled: readonly LabelCount[],
  checked: readonly LabelCount[],
  rename: Record<string, string> = {},
): LabelRow[] {
  const rows: LabelRow[] = sampled.map((l) => ({ ...l, counted: 'sample' }));
  const known = new Set(rows.map((r) => r.label));
  const names = new Set(Object.values(rename).map((n) => n.trim()));
  for (const c of checked) {
    if (!known.has(c.label) && !names.has(c.label)) rows.push({ ...c, counted: 'check' });
  }
  return rows;
}

export type FieldErrors = Partial<Record<string, string>>;

function positiveInteger(value: string, name: string): string | undefined {
  if (value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? undefined : `${name} must be a whole number above 0.`;
}

function ratioErrors(form: ImportForm): FieldErrors {
  const errors: FieldErrors = {};
  const names = { trainShare: 'Train', validationShare: 'Validation', testShare: 'Test' } as const;
  for (const [key, name] of Object.entries(names) as [keyof typeof names, string][]) {
    const n = Number(form[key]);
    const least = key === 'validationShare' ? 0 : 1;
    if (form[key].trim() === '' || !Number.isFinite(n) || n < least || n > 99) {
      errors[key] = `${name} share must be a percentage from ${least} to 99.`;
    }
  }
  const sum = Number(form.trainShare) + Number(form.validationShare) + Number(form.testShare);
  if (Object.keys(errors).length === 0 && Math.abs(sum - 100) > 1e-6) {
    errors.testShare = `The shares add up to ${sum}%; they must add up to 100%.`;
  }
  if (!Number.isInteger(Number(form.seed)) || form.seed.trim() === '') {
    errors.seed = 'Seed must be a whole number.';
  }
  return errors;
}

/**
 * A validation file is the validation split, so nothing else may make one: the importer
 * refuses it with a split column or a validation share above 0 (main/datasets/import-splits.ts,
 * optionConflicts). With a test file too, the form sends neither, so nothing conflicts.
 */
function splitConflicts(form: ImportForm): FieldErrors {
  if (!form.validationPath.trim() || form.testPath.trim()) return {};
  if (form.split === 'column') {
    return {
      splitColumn:
        'A split column and a validation file cannot both give the validation split: ' +
        'choose the random split, or leave the validation file out.',
    };
  }
  if (Number(form.validationShare) > 0) {
    return {
      validationShare:
        'The validation file is the validation split: set this share to 0, or leave the ' +
        'validation file out.',
    };
  }
  return {};
}

/** Problems to show beside their fields; `rename.<label>` keys belong to a label's name. */
export function formErrors(form: ImportForm, labels: readonly string[]): FieldErrors {
  const errors: FieldErrors = {};
  if (!form.path.trim()) errors.path = 'File path is required: the training file, or all data.';
  errors.limit = positiveInteger(form.limit, 'Row limit');
  errors.maxLength = positiveInteger(form.maxLength, 'Maximum tokens');
  if ((form.transform === 'before' || form.transform === 'after') && !form.transformSeparator) {
    errors.transformSeparator = 'Separator is required for this label transform.';
  }
  if (form.multiLabel && !form.multiSeparator) {
    errors.multiSeparator = 'Separator is required for several labels per row.';
  }
  if (!form.testPath.trim()) {
    if (form.split === 'random') Object.assign(errors, ratioErrors(form));
    if (form.split === 'column' && !form.splitColumn) {
      errors.splitColumn = 'Split column is required: choose the column naming each split.';
    }
    for (const [key, error] of Object.entries(splitConflicts(form))) errors[key] ??= error;
  }
  for (const p of renameProblems(labels, renamesFor(form, labels))) {
    errors[`rename.${p.label}`] = p.reason;
  }
  for (const key of Object.keys(errors)) if (errors[key] === undefined) delete errors[key];
  return errors;
}

/** An integer label, or several in one field (GoEmotions' `14,3` before the split on ","). */
const INTEGER_LIST = /^\d+(\s*[,;|]\s*\d+)*$/;

/** Whether a names file could apply: every label previewed is an integer, or a list of them. */
export function labelsLookLikeIds(labels: readonly { label: string }[]): boolean {
  return labels.length > 0 && labels.every((l) => INTEGER_LIST.test(l.label));
}

/**
 * The split the form should follow: until the user chooses one, a suggested split column, else
 * the random split; null when the form already says so.
 */
export function followSplitSuggestion(
  form: ImportForm,
  suggested: string | null,
): Partial<ImportForm> | null {
  if (form.splitChosen) return null;
  // A validation file settles the validation split, which a split column would give again
  const column = form.validationPath.trim() && !form.testPath.trim() ? null : suggested;
  const want: Partial<ImportForm> = column
    ? { split: 'column', splitColumn: column }
    : { split: 'random', splitColumn: '' };
  return want.split === form.split && want.splitColumn === form.splitColumn ? null : want;
}

/** What detection chose for each reading option of one file, as last seen on "auto". */
export interface DetectedReading {
  path: string;
  format?: string;
  encoding?: string;
  delimiter?: string | null;
  quoting?: 'rfc4180' | 'none' | null;
  header?: boolean;
}

/**
 * Remembers what a preview detected for the options it was not told, so that an override does
 * not hide what "auto" would read: a preview with the encoding forced reports that encoding.
 */
export function detectedReading(
  previous: DetectedReading | null,
  request: DatasetSampleRequest,
  peek: DatasetPeek,
): DetectedReading {
  const next: DetectedReading =
    previous && previous.path === request.path ? { ...previous } : { path: request.path };
  if (request.format === undefined) next.format = peek.format;
  if (request.encoding === undefined) next.encoding = peek.encoding;
  if (request.delimiter === undefined) next.delimiter = peek.delimiter;
  if (request.quoting === undefined) next.quoting = peek.quoting;
  if (request.header === undefined) next.header = peek.hasHeader;
  return next;
}
