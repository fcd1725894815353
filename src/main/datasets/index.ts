/** Dataset import: parsing, validation, splits. See import.ts for the order of the checks. */
export { importDataset, contentHash, defaultDatasetName } from './import';
export {
  parseDatasetFile,
  type ParseOptions,
  type ParsedFile,
  type ParsedRow,
} from './parse';
export type { FormatName, LabelLevel, QuotingOption } from './formats/types';
export { FORMAT_NAMES } from './formats/registry';
export { sortLabels } from './labels';
export { stratifiedSplit, testQuota } from './split';
