/**
 * Inspection of a Hugging Face model folder before Graft imports or builds it.
 *
 * Synchronous on purpose: it reads config.json and the safetensors headers only (never tensor
 * data), and the library's import path calls it inline. Everything a user can get wrong is
 * reported at once, naming the folder and the accepted alternatives, so a bad import fails
 * before anything is copied.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GraftError } from '../../shared/errors';
import { countParameters, folderTensorInfo } from './safetensors';

/** model_type values whose encoder `buildBertEncoder` can build (BERT, MiniLM, BERT miniatures). */
export const SUPPORTED_MODEL_TYPES = ['bert'] as const;
export type SupportedModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

/** Activations the builder implements: HF's "gelu" is the exact erf form. */
export const SUPPORTED_ACTIVATIONS = ['gelu', 'relu'] as const;
export type SupportedActivation = (typeof SUPPORTED_ACTIVATIONS)[number];

/** The config.json fields the encoder needs, validated and named in Graft's style. */
export interface BertConfig {
  modelType: SupportedModelType;
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  maxPositions: number;
  typeVocabSize: number;
  layerNormEps: number;
  hiddenAct: SupportedActivation;
  padTokenId: number;
}

export interface ModelFolderInfo extends BertConfig {
  /** model_type, the value that picks Graft's builder (e.g. "bert"). */
  architecture: SupportedModelType;
  /** config.json `architectures` (e.g. ["BertModel"]), for display. */
  architectures: string[];
  /** Float parameters counted from the safetensors headers. */
  parameters: number;
  /** Bytes of every file in the folder (dot files excluded, as the library copies them). */
  sizeOnDisk: number;
  /** Paths relative to the folder, sorted. */
  files: string[];
}

const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt'];
const WEIGHT_FILES = ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin'];

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((path) => !path.split(/[\\/]/).some((part) => part.startsWith('.')))
    .sort();
}

/** Validates a folder as a model Graft can build and describes it. */
export function inspectModelFolder(dir: string): ModelFolderInfo {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new GraftError('not-found', `model folder "${dir}" does not exist or is not a folder`);
  }
  const files = listFiles(dir);
  const has = (name: string): boolean => files.includes(name);

  const missing: string[] = [];
  if (!has('config.json')) missing.push('config.json');
  if (!TOKENIZER_FILES.some(has)) missing.push('a tokenizer (tokenizer.json or vocab.txt)');
  if (!WEIGHT_FILES.some(has)) {
    missing.push('weights (model.safetensors or model.safetensors.index.json with its shards)');
  }
  if (missing.length > 0) {
    const found = files.length > 0 ? files.slice(0, 8).join(', ') : 'nothing';
    throw new GraftError(
      'bad-input',
      `"${dir}" is not a Hugging Face model folder: missing ${missing.join('; ')}. ` +
        `Found: ${found}${files.length > 8 ? ', ...' : ''}`,
    );
  }

  const raw = readConfigJson(join(dir, 'config.json'));
  const config = parseBertConfig(raw, join(dir, 'config.json'));
  const tensors = folderTensorInfo(dir); // throws the pickle/safetensors message if needed

  // The embedding table must agree with config.json, or the config belongs to another model.
  const wordKey = [...tensors.keys()].find((k) => k.endsWith('word_embeddings.weight'));
  if (!wordKey) {
    const what = 'weights have no embeddings.word_embeddings.weight';
    throw new GraftError('bad-input', `${dir}: ${what}; not a BERT-family checkpoint`);
  }
  const [rows, cols] = tensors.get(wordKey)!.shape;
  if (rows !== config.vocabSize || cols !== config.hiddenSize) {
    throw new GraftError(
      'bad-input',
      `${dir}: ${wordKey} is [${rows}, ${cols}] but config.json says vocab_size ` +
        `${config.vocabSize}, hidden_size ${config.hiddenSize}`,
    );
  }

  const architectures = Array.isArray(raw.architectures)
    ? raw.architectures.filter((a): a is string => typeof a === 'string')
    : [];
  return {
    ...config,
    architecture: config.modelType,
    architectures,
    parameters: countParameters(tensors),
    sizeOnDisk: files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0),
    files,
  };
}

function readConfigJson(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new GraftError('bad-input', `${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GraftError('bad-input', `${path}: expected a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** Reads and checks the BERT fields of a parsed config.json; `where` names it in errors. */
export function parseBertConfig(raw: Record<string, unknown>, where = 'config.json'): BertConfig {
  const modelType = raw.model_type;
  if (!SUPPORTED_MODEL_TYPES.includes(modelType as SupportedModelType)) {
    throw new GraftError(
      'unsupported',
      `${where}: model_type ${JSON.stringify(modelType)} is not supported; Graft builds ` +
        `${SUPPORTED_MODEL_TYPES.map((t) => `"${t}"`).join(', ')} encoders (BERT, MiniLM and ` +
        `the BERT miniatures)`,
    );
  }

  const int = (key: string, fallback?: number): number => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new GraftError('bad-input', `${where}: "${key}" must be a non-negative integer, ` +
        `got ${JSON.stringify(raw[key])}`);
    }
    return value;
  };
  const config: BertConfig = {
    modelType: modelType as SupportedModelType,
    vocabSize: int('vocab_size'),
    hiddenSize: int('hidden_size'),
    layers: int('num_hidden_layers'),
    heads: int('num_attention_heads'),
    intermediateSize: int('intermediate_size'),
    maxPositions: int('max_position_embeddings'),
    typeVocabSize: int('type_vocab_size', 2),
    padTokenId: int('pad_token_id', 0),
    layerNormEps: typeof raw.layer_norm_eps === 'number' ? raw.layer_norm_eps : 1e-12,
    hiddenAct: (raw.hidden_act ?? 'gelu') as SupportedActivation,
  };

  if (config.heads === 0 || config.hiddenSize % config.heads !== 0) {
    throw new GraftError('bad-input', `${where}: hidden_size ${config.hiddenSize} is not a ` +
      `multiple of num_attention_heads ${config.heads}`);
  }
  if (!SUPPORTED_ACTIVATIONS.includes(config.hiddenAct)) {
    throw new GraftError('unsupported', `${where}: hidden_act ${JSON.stringify(raw.hidden_act)} ` +
      `is not supported; accepted: ${SUPPORTED_ACTIVATIONS.join(', ')}`);
  }
  const positions = raw.position_embedding_type ?? 'absolute';
  if (positions !== 'absolute') {
    throw new GraftError('unsupported', `${where}: position_embedding_type ` +
      `${JSON.stringify(positions)} is not supported; accepted: absolute`);
  }
  if (raw.embedding_size !== undefined && raw.embedding_size !== config.hiddenSize) {
    throw new GraftError('unsupported', `${where}: embedding_size ${String(raw.embedding_size)} ` +
      `differs from hidden_size (factorised embeddings are not supported)`);
  }
  return config;
}
