/**
 * Static text features next to the transformer's: averaged word vectors, per-token word vectors
 * (gated fusion) and TF-IDF. All of them are defined over the transformer's own token ids, so
 * the very graph nodes that compute them for training go into the export bundle, which still
 * takes only input_ids + attention_mask and needs no extra files or inputs at prediction time:
 *
 * - word vectors: a [V, D] table over the model's vocabulary; row t is the vector of token t's
 *   word piece with the "##" continuation marker stripped (the piece is the word for whole-word
 *   tokens; a continuation gets its own piece's vector); special tokens and words the vectors
 *   lack are zero rows and do not count in averages.
 * - TF-IDF: terms are token ids, the vocabulary the F most frequent in the training split
 *   (document frequency), idf = ln((1 + N) / (1 + df)) + 1 and L2-normalised rows (sklearn's
 *   defaults). Counting runs in-graph with ScatterElements(reduction = add).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraftError } from '../../shared/errors';
import type { GraphBuilder } from '../engine/graph';
import { createGraph } from '../engine/graph-impl';
import { createSession, i64, readFloat } from '../engine/session';
import type { TensorRef } from '../engine/types';
import type { WordVectors } from '../models/word-vectors';
import { packRows, type EncodedRow } from '../models/tokenizer';
import { FeatureMatrix } from './features';

export interface TokenVocab {
  /** tokens[id] is the token text ('' for ids the files do not name). */
  tokens: string[];
  special: Set<number>;
}

/** The token texts by id, from tokenizer.json's model.vocab or vocab.txt. */
export function readTokenVocab(dir: string): TokenVocab {
  const json = join(dir, 'tokenizer.json');
  const tokens: string[] = [];
  const special = new Set<number>();
  if (existsSync(json)) {
    const parsed = JSON.parse(readFileSync(json, 'utf8')) as {
      model?: { vocab?: Record<string, number> | [string, number][] };
      added_tokens?: { id: number; content: string; special?: boolean }[];
    };
    const vocab = parsed.model?.vocab;
    if (vocab && !Array.isArray(vocab)) for (const [t, id] of Object.entries(vocab)) tokens[id] = t;
    if (Array.isArray(vocab)) vocab.forEach(([t], id) => (tokens[id] = t)); // Unigram: [piece, score]
    for (const a of parsed.added_tokens ?? []) {
      tokens[a.id] = a.content;
      if (a.special) special.add(a.id);
    }
  } else if (existsSync(join(dir, 'vocab.txt'))) {
    readFileSync(join(dir, 'vocab.txt'), 'utf8')
      .split(/\r?\n/)
      .forEach((t, id) => (tokens[id] = t));
  } else {
    throw new GraftError(
      'bad-input',
      `${dir} has no tokenizer.json or vocab.txt to build tables over`,
    );
  }
  for (let id = 0; id < tokens.length; id++) {
    tokens[id] ??= '';
    if (/^\[[A-Z]+\]$|^<\/?s>$|^<(pad|unk|mask)>$/.test(tokens[id])) special.add(id);
  }
  return { tokens, special };
}

export interface WordVectorTable {
  /** [V, D] row-major. */
  table: Float32Array;
  /** [V]: 1 where the row holds a vector, 0 for specials and words the vectors lack. */
  known: Float32Array;
  dim: number;
  /** Share of the model's non-special tokens found in the vectors. */
  coverage: number;
}

export function wordVectorTable(vocab: TokenVocab, vectors: WordVectors): WordVectorTable {
  const V = vocab.tokens.length;
  const D = vectors.dim;
  const table = new Float32Array(V * D);
  const known = new Float32Array(V);
  let found = 0;
  for (let id = 0; id < V; id++) {
    if (vocab.special.has(id)) continue;
    // '##' marks WordPiece continuations; 'Ġ' / '▁' mark a word start in BPE / Unigram.
    const word = vocab.tokens[id].replace(/^##|^Ġ|^▁/, '');
    const v = word ? vectors.lookup(word) : null;
    if (!v) continue;
    table.set(v, id * D);
    known[id] = 1;
    found++;
  }
  return { table, known, dim: D, coverage: found / Math.max(1, V - vocab.special.size) };
}

export interface TfidfVocab {
  /** [V] int64 as numbers: the feature index of token id t, or F for tokens outside it. */
  map: Int32Array;
  /** [F]. */
  idf: Float32Array;
  features: number;
}

/** Document frequency over the training texts' token ids; the F most frequent become terms. */
export function fitTfidf(
  rows: readonly EncodedRow[],
  vocab: TokenVocab,
  features: number,
): TfidfVocab {
  const df = new Map<number, number>();
  for (const row of rows) {
    for (const id of new Set(row.ids))
      if (!vocab.special.has(id)) df.set(id, (df.get(id) ?? 0) + 1);
  }
  const terms = [...df.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, features);
  const F = terms.length;
  const map = new Int32Array(vocab.tokens.length).fill(F);
  const idf = new Float32Array(F);
  terms.forEach(([id, count], f) => {
    map[id] = f;
    idf[f] = Math.log((1 + rows.length) / (1 + count)) + 1;
  });
  return { map, idf, features: F };
}

/** Averaged word vectors over the known real tokens: [batch, D]. */
export function buildAveragedVectors(
  g: GraphBuilder,
  ids: TensorRef,
  mask: TensorRef,
  t: Pick<WordVectorTable, 'table' | 'known' | 'dim'>,
): TensorRef {
  const V = t.known.length;
  const w = g.gather(g.constant(t.table, 'float32', [V, t.dim]), ids, 0); // [b, s, D]
  const k = g.mul(g.gather(g.constant(t.known, 'float32', [V]), ids, 0), g.cast(mask, 'float32'));
  const sum = g.reduceSum(g.mul(w, g.unsqueeze(k, [2])), [1], false); // [b, D]
  const count = g.max(g.reduceSum(k, [1], true), g.scalar(1)); // no known token: zeros
  return g.div(sum, count);
}

/** Per-token word vectors: [batch, seq, D] (zero rows for specials and unknown words). */
export function buildTokenVectors(g: GraphBuilder, ids: TensorRef, t: WordVectorTable): TensorRef {
  return g.gather(g.constant(t.table, 'float32', [t.known.length, t.dim]), ids, 0);
}

/** L2-normalised TF-IDF rows: [batch, F]. */
export function buildTfidf(
  g: GraphBuilder,
  ids: TensorRef,
  mask: TensorRef,
  t: TfidfVocab,
): TensorRef {
  const F = t.features;
  const mapped = g.gather(
    g.constant(BigInt64Array.from(t.map, BigInt), 'int64', [t.map.length]),
    ids,
    0,
  );
  const real = g.cast(mask, 'float32'); // [b, s]: padding adds nothing
  // Zeros [b, F + 1] without shape ops: (sum of the mask) [b, 1] times a zero row.
  const zeros = g.mul(
    g.reduceSum(real, [1], true),
    g.constant(new Float32Array(F + 1), 'float32', [1, F + 1]),
  );
  const [counts] = g.node(
    'ScatterElements',
    [zeros, mapped, real],
    { axis: { kind: 'int', value: 1 }, reduction: { kind: 'string', value: 'add' } },
    [{ dtype: 'float32', shape: [ids.shape[0], F + 1] }],
  );
  // Slot F collects tokens outside the vocabulary; drop it.
  const tfidf = g.mul(g.slice(counts, [0], [F], [1]), g.constant(t.idf, 'float32', [F]));
  const norm = g.max(g.sqrt(g.reduceSum(g.mul(tfidf, tfidf), [1], true)), g.scalar(1e-12));
  return g.div(tfidf, norm);
}

export interface StaticParts {
  vectors: WordVectorTable | null;
  tfidf: TfidfVocab | null;
}

/** The static features of each text, [rows, D + F], by running the same graph export uses. */
export async function computeStaticFeatures(
  rows: readonly EncodedRow[],
  padId: number,
  parts: StaticParts,
): Promise<FeatureMatrix> {
  const g = createGraph('static_features');
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  g.output(buildStaticFeatures(g, ids, mask, parts), 'features');
  const session = await createSession(g.toModelProto(), { provider: 'cpu' });
  const cols = (parts.vectors?.dim ?? 0) + (parts.tfidf?.features ?? 0);
  const out = new Float32Array(rows.length * cols);
  try {
    for (let start = 0; start < rows.length; start += 256) {
      const batch = packRows(rows.slice(start, start + 256), padId);
      const dims = [batch.batch, batch.seqLen];
      const result = await session.run({
        input_ids: i64(batch.inputIds, dims),
        attention_mask: i64(batch.attentionMask, dims),
      });
      out.set(readFloat(result.features), start * cols);
    }
  } finally {
    await session.release();
  }
  return new FeatureMatrix(out, rows.length, cols);
}

/** [averaged vectors | tfidf] for the parts present: [batch, D + F]. */
export function buildStaticFeatures(
  g: GraphBuilder,
  ids: TensorRef,
  mask: TensorRef,
  parts: StaticParts,
): TensorRef {
  const pieces: TensorRef[] = [];
  if (parts.vectors) pieces.push(buildAveragedVectors(g, ids, mask, parts.vectors));
  if (parts.tfidf) pieces.push(buildTfidf(g, ids, mask, parts.tfidf));
  if (pieces.length === 0) throw new GraftError('internal', 'no static features requested');
  return pieces.length === 1 ? pieces[0] : g.concat(pieces, 1);
}
