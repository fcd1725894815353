/**
 * Batch tokenisation for encoder models, from local files only.
 *
 * Built on @huggingface/tokenizers (pure JS, never touches the network when handed parsed
 * JSON), which normalises, pre-tokenises, runs the model (WordPiece, BPE, Unigram) and applies
 * the post-processor, but has no truncation or padding. We add both, the HF way: the text's own
 * tokens are cut to `maxLength - specials` *before* the post-processor adds [CLS]/[SEP], so a
 * truncated row still ends in [SEP]; rows are right-padded to the longest row in the batch.
 *
 * Folders with only `vocab.txt` (older BERT checkpoints such as the Turc et al. miniatures) get
 * the standard BERT tokenizer.json synthesised in memory from it and tokenizer_config.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { GraftError, invariant } from '../../shared/errors';

/** Hard cap: absolute-position encoders in Graft's scope have at most 512 positions. */
export const MAX_LENGTH_CAP = 512;

/** HF writes int(1e30) as model_max_length when a tokenizer has no limit of its own. */
const NO_LIMIT_SENTINEL = 1e6;

export interface EncodeOptions {
  /** Longest row, special tokens included; default `tokenizer.maxLength`, at most 512. */
  maxLength?: number;
}

/** Row-major `[batch, seqLen]` int64 tensors ready to feed to an ONNX session. */
export interface EncodedBatch {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  batch: number;
  /** Longest row in this batch (after truncation), not `maxLength`. */
  seqLen: number;
  /** Real (unpadded) length of each row, special tokens included. */
  lengths: Int32Array;
  /** How many rows lost tokens to truncation. */
  truncated: number;
}

export interface TextTokenizer {
  /** Default `maxLength` of this model (see `defaultMaxLength`); a recommendation. */
  readonly maxLength: number;
  /** Largest accepted `maxLength`: min(512, max_position_embeddings); a hard limit. */
  readonly hardMaxLength: number;
  readonly padId: number;
  /** Number of special tokens added around a single text ([CLS] x [SEP] -> 2). */
  readonly specialCount: number;
  /** Token ids and type ids of one text, truncated, specials added, unpadded. */
  encode(text: string, options?: EncodeOptions): EncodedRow;
  encodeBatch(texts: readonly string[], options?: EncodeOptions): EncodedBatch;
}

/** Parsed JSON files a tokenizer is built from (any of the configs may be missing). */
export interface TokenizerSources {
  /** Contents of tokenizer.json; synthesised from vocab.txt when the folder lacks it. */
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig?: Record<string, unknown>;
  /** config.json of the model (max_position_embeddings bounds maxLength). */
  modelConfig?: Record<string, unknown>;
  /** sentence_bert_config.json (max_seq_length is what sentence-transformers encodes with). */
  sentenceConfig?: Record<string, unknown>;
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new GraftError('bad-input', `${path}: not valid JSON (${(error as Error).message})`);
  }
}

function readJsonIfPresent(path: string): Record<string, unknown> | undefined {
  return existsSync(path) ? readJson(path) : undefined;
}

/** Loads the tokenizer of an HF model folder. */
export function loadTokenizer(dir: string): TextTokenizer {
  const tokenizerConfig = readJsonIfPresent(join(dir, 'tokenizer_config.json'));
  const jsonPath = join(dir, 'tokenizer.json');
  const vocabPath = join(dir, 'vocab.txt');
  let tokenizerJson: Record<string, unknown>;
  if (existsSync(jsonPath)) tokenizerJson = readJson(jsonPath);
  else if (existsSync(vocabPath)) {
    tokenizerJson = bertTokenizerJsonFromVocab(readFileSync(vocabPath, 'utf8'), tokenizerConfig);
  } else {
    throw new GraftError(
      'not-found',
      `${dir} has no tokenizer: expected tokenizer.json (any HF fast tokenizer) or vocab.txt ` +
        `(BERT WordPiece)`,
    );
  }
  return createTokenizer({
    tokenizerJson,
    tokenizerConfig,
    modelConfig: readJsonIfPresent(join(dir, 'config.json')),
    sentenceConfig: readJsonIfPresent(join(dir, 'sentence_bert_config.json')),
  });
}

/** Loads a lone tokenizer.json file (with an optional tokenizer_config.json beside it). */
export function loadTokenizerFile(tokenizerJsonPath: string, configPath?: string): TextTokenizer {
  return createTokenizer({
    tokenizerJson: readJson(tokenizerJsonPath),
    tokenizerConfig: configPath ? readJson(configPath) : undefined,
  });
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * The smallest of the limits the folder states, capped at 512: tokenizer_config's
 * model_max_length (ignoring HF's "no limit" sentinel), config.json's max_position_embeddings
 * and sentence_bert_config's max_seq_length (all-MiniLM-L6-v2 says 256 there: it was trained on
 * short texts, and sentence-transformers truncates at 256).
 */
export function defaultMaxLength(sources: Omit<TokenizerSources, 'tokenizerJson'>): number {
  const modelMax = positiveInt(sources.tokenizerConfig?.model_max_length);
  const limits = [
    MAX_LENGTH_CAP,
    modelMax !== undefined && modelMax < NO_LIMIT_SENTINEL ? modelMax : undefined,
    positiveInt(sources.modelConfig?.max_position_embeddings),
    positiveInt(sources.sentenceConfig?.max_seq_length),
  ];
  return Math.min(...limits.filter((n): n is number => n !== undefined));
}

/** Token string of a special token as tokenizer_config.json writes it (string or AddedToken). */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const content = (value as { content?: unknown } | null)?.content;
  return typeof content === 'string' ? content : undefined;
}

export function createTokenizer(sources: TokenizerSources): TextTokenizer {
  const config = sources.tokenizerConfig ?? {};
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(sources.tokenizerJson, config);
  } catch (error) {
    throw new GraftError(
      'unsupported',
      `tokenizer.json could not be loaded (${(error as Error).message}); Graft reads HF fast ` +
        `tokenizers with WordPiece, BPE or Unigram models`,
    );
  }

  const padding = sources.tokenizerJson.padding as { pad_id?: unknown } | null | undefined;
  const padText = tokenText(config.pad_token) ?? '[PAD]';
  const padId = positiveIntOrZero(padding?.pad_id) ?? tokenizer.token_to_id(padText) ?? 0;
  const unkId = tokenizer.token_to_id(tokenText(config.unk_token) ?? '[UNK]');
  const truncateLeft = config.truncation_side === 'left';
  const maxLength = defaultMaxLength(sources);
  const post = tokenizer.post_processor;
  const specialCount = post ? post.post_process([], null, true).tokens.length : 0;

  // A longer row would index past the position table (Gather out of range at run time).
  const positions = positiveInt(sources.modelConfig?.max_position_embeddings);
  const hardMax = Math.min(MAX_LENGTH_CAP, positions ?? MAX_LENGTH_CAP);

  function resolveMax(options?: EncodeOptions): number {
    const requested = options?.maxLength ?? maxLength;
    if (!Number.isInteger(requested) || requested <= specialCount || requested > hardMax) {
      const why = hardMax < MAX_LENGTH_CAP ? ", the model's max_position_embeddings" : '';
      throw new GraftError(
        'invalid-argument',
        `maxLength must be an integer in ${specialCount + 1}..${hardMax}${why} ` +
          `(room for the ${specialCount} special tokens), got ${requested}`,
      );
    }
    return requested;
  }

  function encodeWithin(text: string, max: number): EncodedRow {
    let tokens = tokenizer.tokenize(text, { add_special_tokens: false });
    const room = max - specialCount;
    const cut = tokens.length > room;
    if (cut) {
      tokens = truncateLeft ? tokens.slice(tokens.length - room) : tokens.slice(0, room);
    }
    const processed = post ? post.post_process(tokens, null, true) : { tokens };
    const ids = processed.tokens.map((token) => {
      const id = tokenizer.token_to_id(token) ?? unkId;
      invariant(id !== undefined, `token "${token}" has no id and the vocab has no unk token`);
      return id;
    });
    const typeIds = processed.token_type_ids ?? new Array<number>(ids.length).fill(0);
    return { ids, typeIds, cut };
  }

  return {
    maxLength,
    hardMaxLength: hardMax,
    padId,
    specialCount,

    encode(text: string, options?: EncodeOptions): EncodedRow {
      return encodeWithin(text, resolveMax(options));
    },

    encodeBatch(texts: readonly string[], options?: EncodeOptions): EncodedBatch {
      const max = resolveMax(options);
      const rows = texts.map((text, i) => {
        if (typeof text !== 'string') {
          throw new GraftError('invalid-argument', `texts[${i}] is ${typeof text}, not a string`);
        }
        return encodeWithin(text, max);
      });
      return packRows(rows, padId);
    },
  };
}

function positiveIntOrZero(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

export interface EncodedRow {
  ids: number[];
  typeIds: number[];
  /** Whether truncation dropped tokens from this row. */
  cut?: boolean;
}

/**
 * Right-pads rows into `[batch, seqLen]`; padding has mask 0, type 0 and the pad id. Exported
 * so callers that reorder rows (length-sorted batching) tokenise once and pack per batch.
 */
export function packRows(rows: readonly EncodedRow[], padId: number): EncodedBatch {
  const batch = rows.length;
  const seqLen = rows.reduce((m, r) => Math.max(m, r.ids.length), 0);
  const inputIds = new BigInt64Array(batch * seqLen).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(batch * seqLen);
  const tokenTypeIds = new BigInt64Array(batch * seqLen);
  const lengths = new Int32Array(batch);
  rows.forEach((row, b) => {
    const base = b * seqLen;
    for (let t = 0; t < row.ids.length; t++) {
      inputIds[base + t] = BigInt(row.ids[t]);
      attentionMask[base + t] = 1n;
      tokenTypeIds[base + t] = BigInt(row.typeIds[t]);
    }
    lengths[b] = row.ids.length;
  });
  const truncated = rows.filter((r) => r.cut).length;
  return { inputIds, attentionMask, tokenTypeIds, batch, seqLen, lengths, truncated };
}

/**
 * The tokenizer.json that HF's BertTokenizerFast converter writes for a vocab.txt: BERT
 * normaliser, whitespace+punctuation pre-tokeniser, WordPiece with `##` continuation,
 * `[CLS] $A [SEP]` template.
 */
export function bertTokenizerJsonFromVocab(
  vocabText: string,
  tokenizerConfig: Record<string, unknown> = {},
): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  vocabText.split('\n').forEach((line, i) => {
    const token = line.replace(/\r$/, '');
    if (token !== '' && !(token in vocab)) vocab[token] = i;
  });
  const special = (key: string, fallback: string): string =>
    tokenText(tokenizerConfig[key]) ?? fallback;
  const cls = special('cls_token', '[CLS]');
  const sep = special('sep_token', '[SEP]');
  const unk = special('unk_token', '[UNK]');
  for (const token of [cls, sep, unk]) {
    if (!(token in vocab)) {
      throw new GraftError('bad-input', `vocab.txt lacks the special token ${token}`);
    }
  }
  const lowercase = tokenizerConfig.do_lower_case !== false;
  // Specials are added tokens so a literal "[MASK]" in a text stays one token, as in HF.
  const specials = [cls, sep, unk, special('pad_token', '[PAD]'), special('mask_token', '[MASK]')];
  const addedTokens = [...new Set(specials)]
    .filter((token) => token in vocab)
    .map((content) => ({
      id: vocab[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }));
  return {
    added_tokens: addedTokens,
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: tokenizerConfig.tokenize_chinese_chars !== false,
      strip_accents: tokenizerConfig.strip_accents ?? null,
      lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    model: {
      type: 'WordPiece',
      unk_token: unk,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: cls, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: sep, type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: cls, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: sep, type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: sep, type_id: 1 } },
      ],
      special_tokens: {},
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  };
}
