/**
 * The first encoder API, kept for its callers and tests: BERT is now one layout of the shared
 * transformer builder (transformer.ts), which also builds RoBERTa/XLM-R, DistilBERT, ALBERT and
 * ELECTRA from the same call, dispatching on config.modelType.
 */
import {
  buildTransformerEncoder,
  encoderWeightPrefix,
  type EncoderBuildOptions,
  type TransformerEncoder,
} from './transformer';

export type BertBuildOptions = EncoderBuildOptions;
export type BertEncoder = TransformerEncoder;

/** The prefix heads add to encoder weights ("bert." in BertForSequenceClassification), or "". */
export const bertWeightPrefix = encoderWeightPrefix;

/** Builds any supported architecture; the name stays for the BERT-era callers. */
export const buildBertEncoder = buildTransformerEncoder;
