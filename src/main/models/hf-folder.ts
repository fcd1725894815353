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
import { parseEncoderConfig, type EncoderConfig, type SupportedModelType } from './arch-config';
import { countParameters, folderTensorInfo } from './safetensors';

export {
  parseBertConfig,
  parseEncoderConfig,
  SUPPORTED_ACTIVATIONS,
  SUPPORTED_MODEL_TYPES,
  type BertConfig,
  type EncoderConfig,
  type SupportedActivation,
  type SupportedModelType,
} from './arch-config';

export interface ModelFolderInfo extends EncoderConfig {
  /** model_type, the value that picks Graft's builder (e.g. "bert", "roberta"). */
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
  const config = parseEncoderConfig(raw, join(dir, 'config.json'));
  const tensors = folderTensorInfo(dir); // throws the pickle/safetensors message if needed

  // The embedding table must agree with config.json, or the config belongs to another model.
  const wordKey = [...tensors.keys()].find((k) => k.endsWith('word_embeddings.weight'));
  if (!wordKey) {
    const what = 'weights have no embeddings.word_embeddings.weight';
    throw new GraftError('bad-input', `${dir}: ${what}; not a BERT-family checkpoint`);
  }
  const [rows, cols] = tensors.get(wordKey)!.shape;
  if (rows !== config.vocabSize || cols !== config.embeddingSize) {
    const widthKey =
      config.embeddingSize !== config.hiddenSize
        ? 'embedding_size'
        : config.modelType === 'distilbert'
          ? 'dim'
          : 'hidden_size';
    throw new GraftError(
      'bad-input',
      `${dir}: ${wordKey} is [${rows}, ${cols}] but config.json says vocab_size ` +
        `${config.vocabSize}, ${widthKey} ${config.embeddingSize}`,
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
