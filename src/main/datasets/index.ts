/** Dataset import: parsing, validation, splits. See import.ts for the order of the checks. */
export {
  importDataset,
  previewDataset,
  datasetReport,
  contentHash,
  defaultDatasetName,
  type ImportContext,
} from './import';
export { DEFAULT_TUNING, type StreamTuning } from './source';
export {
  parseDatasetFile,
  loadDatasetFile,
  type ParseOptions,
  type ParsedFile,
  type ParsedRow,
} from './parse';
export {
  FORMAT_NAMES,
  type FormatName,
  type LabelLevel,
  type QuotingOption,
} from './formats/types';
export { sortLabels, labelTransform, LABEL_TRANSFORM_HELP } from './labels';
export { stratifiedSplit, testQuota } from './split';
