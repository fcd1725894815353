/**
 * Static word vectors: GloVe text ("word v1 ... vD", no header) and word2vec text (.vec, a first
 * line "count dim"), either of them optionally gzipped. Dimension, vocabulary, the header line
 * and the casing of the vocabulary are detected from the file itself.
 *
 * Why synchronous: a model import is a synchronous call of the library, and the files Graft
 * meets (the shared 12k GloVe subset, fastText/GloVe files of a few hundred MB) fit a Buffer.
 * Lines are decoded one at a time from the bytes, so no single string ever holds the file.
 * Known limit: a decompressed file above Node's Buffer limit (~4 GB) is refused by zlib.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';

const log = logger('models');

/** File names a vectors file may carry (the library stores the file under its own name). */
const VECTOR_EXTENSIONS = ['.txt', '.vec', '.gz'];

export interface WordVectors {
  /** 'word2vec' when the file opens with a "count dim" header line, else 'glove'. */
  format: 'glove' | 'word2vec';
  dim: number;
  /** Row i of `vectors` is words[i]; duplicates keep their first row. */
  words: string[];
  /** [words.length, dim] row-major. */
  vectors: Float32Array;
  header: boolean;
  /**
   * True when no word has an upper-case letter: lookups lower-case the query. A cased
   * vocabulary is looked up as written first, then lower-cased.
   */
  lowercase: boolean;
  /** Lines that were not "word + dim numbers" and were left out. */
  skipped: number;
  /** The vector of a word, or null when it is out of vocabulary. */
  lookup(word: string): Float32Array | null;
}

/** A file (not a folder) whose name ends in .txt, .vec or .gz: the library's vectors branch. */
export function isWordVectorsPath(path: string): boolean {
  if (!existsSync(path) || !statSync(path).isFile()) return false;
  return VECTOR_EXTENSIONS.includes(extname(path).toLowerCase());
}

/** The vectors file inside a library folder (the one file with a vectors extension). */
export function wordVectorsFile(modelPath: string): string {
  if (existsSync(modelPath) && statSync(modelPath).isFile()) return modelPath;
  const names = existsSync(modelPath) ? readdirSync(modelPath) : [];
  const found = names.find((n) => VECTOR_EXTENSIONS.includes(extname(n).toLowerCase()));
  if (!found) {
    throw new GraftError(
      'not-found',
      `no word-vectors file (${VECTOR_EXTENSIONS.join(', ')}) ` + `in ${modelPath}`,
    );
  }
  return join(modelPath, found);
}

function readBytes(file: string): Buffer {
  const raw = readFileSync(file);
  const gzipped = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b; // gzip magic
  if (!gzipped) return raw;
  try {
    return gunzipSync(raw);
  } catch (error) {
    throw new GraftError(
      'bad-input',
      `${file}: gzip data is corrupt (${(error as Error).message})`,
    );
  }
}

/** Splits on runs of spaces or tabs; GloVe uses single spaces, some .vec files trail one. */
function fields(line: string): string[] {
  return line.trim().split(/[ \t]+/);
}

export function parseWordVectors(bytes: Buffer, source: string): WordVectors {
  const words: string[] = [];
  const index = new Map<string, number>();
  let vectors = new Float32Array(1024);
  let dim = 0;
  let header = false;
  let skipped = 0;
  let cased = false;
  let lineNo = 0;

  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const line = bytes.toString('utf8', start, end).replace(/\r$/, '');
    start = end + 1;
    lineNo++;
    if (line.trim() === '') continue;

    const parts = fields(line);
    // word2vec text: "count dim" on the first line; a GloVe line always has >= 2 floats.
    if (lineNo === 1 && parts.length === 2 && parts.every((p) => /^\d+$/.test(p))) {
      header = true;
      dim = Number(parts[1]);
      continue;
    }
    if (dim === 0) dim = parts.length - 1;
    if (parts.length < dim + 1) {
      skipped++;
      continue;
    }
    // Words with spaces (glove.840B has a few): the last dim fields are the vector.
    const word = parts.slice(0, parts.length - dim).join(' ');
    const values = parts.slice(parts.length - dim).map(Number);
    if (values.some((v) => !Number.isFinite(v)) || index.has(word)) {
      skipped++;
      continue;
    }

    const row = words.length;
    if ((row + 1) * dim > vectors.length) {
      const grown = new Float32Array(Math.max(vectors.length * 2, (row + 1) * dim));
      grown.set(vectors);
      vectors = grown;
    }
    vectors.set(values, row * dim);
    index.set(word, row);
    words.push(word);
    if (!cased && word !== word.toLowerCase()) cased = true;
  }

  if (words.length === 0 || dim < 1) {
    throw new GraftError(
      'bad-input',
      `${source} holds no word vectors: expected GloVe lines ` +
        '"word v1 ... vD" or word2vec text with a "count dim" header',
    );
  }
  if (skipped > 0) log.warn(`${source}: ${skipped} malformed or duplicate lines left out`);

  const data = vectors.slice(0, words.length * dim);
  const lowercase = !cased;
  const rowOf = (word: string): number | undefined =>
    lowercase ? index.get(word.toLowerCase()) : (index.get(word) ?? index.get(word.toLowerCase()));
  return {
    format: header ? 'word2vec' : 'glove',
    dim,
    words,
    vectors: data,
    header,
    lowercase,
    skipped,
    lookup(word: string): Float32Array | null {
      const row = rowOf(word);
      return row === undefined ? null : data.subarray(row * dim, (row + 1) * dim);
    },
  };
}

export function readWordVectors(file: string): WordVectors {
  if (!existsSync(file)) {
    throw new GraftError('not-found', `word-vectors file "${file}" does not exist`);
  }
  const started = Date.now();
  const vectors = parseWordVectors(readBytes(file), file);
  const casing = vectors.lowercase
    ? 'lower-case vocabulary: lookups are lower-cased'
    : 'cased vocabulary';
  log.info(
    `${file}: ${vectors.words.length} words x ${vectors.dim} (${vectors.format}, ${casing}) ` +
      `in ${Date.now() - started} ms`,
  );
  return vectors;
}

const loaded = new Map<string, WordVectors>();

/** The vectors of a library model, parsed once per process (runs reuse them). */
export function loadWordVectors(modelPath: string): WordVectors {
  const file = wordVectorsFile(modelPath);
  let vectors = loaded.get(file);
  if (!vectors) {
    vectors = readWordVectors(file);
    loaded.clear(); // one set at a time: a 300-d file can weigh hundreds of MB
    loaded.set(file, vectors);
  }
  return vectors;
}
