/**
 * config.json -> one normalised encoder description for every architecture Graft builds.
 *
 * The BERT family spells the same hyper-parameters differently (DistilBERT says `dim` and
 * `n_layers`, ALBERT and ELECTRA add `embedding_size`) and differs in a handful of structural
 * switches (RoBERTa's padding-offset positions, DistilBERT's missing token types, ALBERT's
 * shared layer groups). Normalising here keeps the graph builder free of config spelling and
 * lets every error name the config field and its accepted values.
 */
import { GraftError } from '../../shared/errors';

/** model_type values Graft can build, each mapped onto the shared transformer builder. */
export const SUPPORTED_MODEL_TYPES = [
  'bert',
  'roberta',
  'xlm-roberta',
  'distilbert',
  'albert',
  'electra',
] as const;
export type SupportedModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

/** HF's "gelu" is the exact erf form; "gelu_new" and "gelu_pytorch_tanh" the tanh form. */
export const SUPPORTED_ACTIVATIONS = ['gelu', 'relu', 'gelu_new', 'gelu_pytorch_tanh'] as const;
export type SupportedActivation = (typeof SUPPORTED_ACTIVATIONS)[number];

/** The config.json fields the encoder needs, validated and named in Graft's style. */
export interface EncoderConfig {
  modelType: SupportedModelType;
  vocabSize: number;
  hiddenSize: number;
  /** Width of the embedding tables: hidden size, except ALBERT/ELECTRA's factorised tables. */
  embeddingSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  maxPositions: number;
  /** Rows of the token-type table; 0 where the architecture has none (DistilBERT). */
  typeVocabSize: number;
  layerNormEps: number;
  hiddenAct: SupportedActivation;
  padTokenId: number;
  /**
   * RoBERTa/XLM-R: position ids are padTokenId + 1 + (index among non-pad tokens), and pad
   * tokens get padTokenId; false: positions 0..seq-1.
   */
  paddingOffsetPositions: boolean;
  /** DistilBERT's sinusoidal_pos_embds: the table is computed when the weights lack it. */
  sinusoidalPositions: boolean;
  /** ALBERT: parameter groups shared by consecutive layers (1 elsewhere). */
  hiddenGroups: number;
  /** ALBERT: transformer blocks inside one group, applied in turn per layer (1 elsewhere). */
  innerGroupNum: number;
}

/** The BERT-only name the first version used; every architecture now shares the shape. */
export type BertConfig = EncoderConfig;

const supportedList = (): string => SUPPORTED_MODEL_TYPES.map((t) => `"${t}"`).join(', ');

/** Reads and checks a parsed config.json; `where` names the file in errors. */
export function parseEncoderConfig(
  raw: Record<string, unknown>,
  where = 'config.json',
): EncoderConfig {
  const modelType = raw.model_type;
  if (!SUPPORTED_MODEL_TYPES.includes(modelType as SupportedModelType)) {
    throw new GraftError(
      'unsupported',
      `${where}: model_type ${JSON.stringify(modelType)} is not supported; Graft builds ` +
        `${supportedList()} encoders (BERT and MiniLM, RoBERTa, XLM-R, DistilBERT, ALBERT ` +
        `and the ELECTRA discriminator)`,
    );
  }
  const type = modelType as SupportedModelType;

  const int = (key: string, fallback?: number): number => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new GraftError(
        'bad-input',
        `${where}: "${key}" must be a non-negative integer, ` + `got ${JSON.stringify(raw[key])}`,
      );
    }
    return value;
  };
  const num = (key: string, fallback: number): number => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'number' || !(value > 0)) {
      throw new GraftError(
        'bad-input',
        `${where}: "${key}" must be a positive number, ` + `got ${JSON.stringify(raw[key])}`,
      );
    }
    return value;
  };

  const config =
    type === 'distilbert'
      ? distilbertFields(raw, int)
      : {
          modelType: type,
          vocabSize: int('vocab_size'),
          hiddenSize: int('hidden_size'),
          embeddingSize: int('embedding_size', raw.hidden_size as number),
          layers: int('num_hidden_layers'),
          heads: int('num_attention_heads'),
          intermediateSize: int('intermediate_size'),
          maxPositions: int('max_position_embeddings'),
          typeVocabSize: int('type_vocab_size', 2),
          padTokenId: int('pad_token_id', type === 'roberta' || type === 'xlm-roberta' ? 1 : 0),
          layerNormEps: num(
            'layer_norm_eps',
            type === 'roberta' || type === 'xlm-roberta' ? 1e-5 : 1e-12,
          ),
          hiddenAct: (raw.hidden_act ??
            (type === 'albert' ? 'gelu_new' : 'gelu')) as SupportedActivation,
          paddingOffsetPositions: type === 'roberta' || type === 'xlm-roberta',
          sinusoidalPositions: false,
          hiddenGroups: type === 'albert' ? int('num_hidden_groups', 1) : 1,
          innerGroupNum: type === 'albert' ? int('inner_group_num', 1) : 1,
        };
  checkConfig(config, raw, where);
  return config;
}

/** The first version's name, kept for callers written against it. */
export const parseBertConfig = parseEncoderConfig;

/** DistilBERT's own spelling (dim, n_layers, ...); it has no token types and eps 1e-12. */
function distilbertFields(
  raw: Record<string, unknown>,
  int: (key: string, fallback?: number) => number,
): EncoderConfig {
  return {
    modelType: 'distilbert',
    vocabSize: int('vocab_size'),
    hiddenSize: int('dim'),
    embeddingSize: int('dim'),
    layers: int('n_layers'),
    heads: int('n_heads'),
    intermediateSize: int('hidden_dim'),
    maxPositions: int('max_position_embeddings'),
    typeVocabSize: 0,
    padTokenId: int('pad_token_id', 0),
    layerNormEps: 1e-12, // hard-coded in modeling_distilbert.py
    hiddenAct: (raw.activation ?? 'gelu') as SupportedActivation,
    paddingOffsetPositions: false,
    sinusoidalPositions: raw.sinusoidal_pos_embds === true,
    hiddenGroups: 1,
    innerGroupNum: 1,
  };
}

function checkConfig(config: EncoderConfig, raw: Record<string, unknown>, where: string): void {
  const headsKey = config.modelType === 'distilbert' ? 'n_heads' : 'num_attention_heads';
  const hiddenKey = config.modelType === 'distilbert' ? 'dim' : 'hidden_size';
  if (config.heads === 0 || config.hiddenSize % config.heads !== 0) {
    throw new GraftError(
      'bad-input',
      `${where}: ${hiddenKey} ${config.hiddenSize} is not a ` +
        `multiple of ${headsKey} ${config.heads}`,
    );
  }
  if (!SUPPORTED_ACTIVATIONS.includes(config.hiddenAct)) {
    const key = config.modelType === 'distilbert' ? 'activation' : 'hidden_act';
    throw new GraftError(
      'unsupported',
      `${where}: ${key} ${JSON.stringify(config.hiddenAct)} ` +
        `is not supported; accepted: ${SUPPORTED_ACTIVATIONS.join(', ')}`,
    );
  }
  const positions = raw.position_embedding_type ?? 'absolute';
  if (positions !== 'absolute') {
    throw new GraftError(
      'unsupported',
      `${where}: position_embedding_type ` +
        `${JSON.stringify(positions)} is not supported; accepted: absolute`,
    );
  }
  const factorised = config.modelType === 'albert' || config.modelType === 'electra';
  if (!factorised && config.embeddingSize !== config.hiddenSize) {
    throw new GraftError(
      'unsupported',
      `${where}: embedding_size ${config.embeddingSize} ` +
        `differs from hidden_size ${config.hiddenSize}; factorised embeddings are supported for ` +
        `model_type "albert" and "electra" only`,
    );
  }
  const { layers, hiddenGroups, innerGroupNum } = config;
  if (hiddenGroups < 1 || hiddenGroups > Math.max(layers, 1) || innerGroupNum < 1) {
    throw new GraftError(
      'bad-input',
      `${where}: num_hidden_groups ${hiddenGroups} must be in ` +
        `1..num_hidden_layers (${layers}) and inner_group_num ${innerGroupNum} at least 1`,
    );
  }
}

/** Which HF activation maps to which builder call. */
export function activationKind(act: SupportedActivation): 'erf' | 'tanh' | 'relu' {
  return act === 'relu' ? 'relu' : act === 'gelu' ? 'erf' : 'tanh';
}
