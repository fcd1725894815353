import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logger } from '../util/log';
import { findFetchedMiniLM, MINILM_MISSING_REASON, sharedTokenizerDir } from './paths';
import { defaultMaxLength, loadTokenizer, loadTokenizerFile } from './tokenizer';

const log = logger('models');

/**
 * Reference ids from Python transformers 5.24 (BertTokenizerFast(tokenizer_file=...) on the
 * shared bert-base-uncased tokenizer.json, and AutoTokenizer on the fetched MiniLM folder),
 * computed once and written here. [CLS]=101 [SEP]=102 [PAD]=0 [UNK]=100 [MASK]=103.
 */
const EXPECTED: [string, number[]][] = [
  ['Hello, world!', [101, 7592, 1010, 2088, 999, 102]],
  [
    "The unaffable CAFÉ naïve résumé — don't panic.",
    [101, 1996, 14477, 20961, 3468, 7668, 15743, 13746, 1517, 2123, 1005, 1056, 6634, 1012, 102],
  ],
  [
    'a 3.14159 score; 1,000,000 reviews & ratings!!',
    [
      101, 1037, 1017, 1012, 15471, 28154, 3556, 1025, 1015, 1010, 2199, 1010, 2199, 4391, 1004,
      8599, 999, 999, 102,
    ],
  ],
  // The emoji is [UNK]; CJK chars are split one by one, two of them unknown.
  [
    'emoji 🙂 and 中文字符 mixed in',
    [101, 7861, 29147, 2072, 100, 1998, 1746, 1861, 100, 100, 3816, 1999, 102],
  ],
  ['', [101, 102]],
  ['   tabs\tand\nnewlines   ', [101, 21628, 2015, 1998, 2047, 12735, 102]],
  [
    "it 's a charming and often affecting journey . ",
    [101, 2009, 1005, 1055, 1037, 11951, 1998, 2411, 12473, 4990, 1012, 102],
  ],
];

const shared = sharedTokenizerDir();
const bertJson = join(shared, 'bert-base-uncased.tokenizer.json');
const haveShared = existsSync(bertJson);
if (!haveShared) log.warn(`tokenizer.test: skipping, ${shared} is absent (../shared not mounted)`);

function rows(data: BigInt64Array, batch: number, seqLen: number): number[][] {
  return Array.from({ length: batch }, (_, b) =>
    Array.from(data.subarray(b * seqLen, (b + 1) * seqLen), Number),
  );
}

describe.skipIf(!haveShared)('tokenizer on the real bert-base-uncased tokenizer.json', () => {
  // This file omits model.type (older serialisation); the loader must infer WordPiece.
  const tok = loadTokenizerFile(bertJson);

  it.each(EXPECTED)('encodes %j like transformers', (text, ids) => {
    expect(tok.encode(text).ids).toEqual(ids);
  });

  it('pads to the longest row and truncates keeping [SEP]', () => {
    const texts = ['Hello, world!', EXPECTED[1][0], ''];
    const enc = tok.encodeBatch(texts, { maxLength: 10 });
    expect(enc.batch).toBe(3);
    expect(enc.seqLen).toBe(10);
    expect(Array.from(enc.lengths)).toEqual([6, 10, 2]);
    expect(enc.truncated).toBe(1);
    expect(rows(enc.inputIds, 3, 10)).toEqual([
      [101, 7592, 1010, 2088, 999, 102, 0, 0, 0, 0],
      [101, 1996, 14477, 20961, 3468, 7668, 15743, 13746, 1517, 102],
      [101, 102, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
    expect(rows(enc.attentionMask, 3, 10)).toEqual([
      [1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      [1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
    expect(enc.tokenTypeIds.every((v) => v === 0n)).toBe(true);
  });

  it('pads only to the longest row when all rows are short', () => {
    const enc = tok.encodeBatch(['Hello, world!', ''], { maxLength: 128 });
    expect(enc.seqLen).toBe(6);
    expect(enc.inputIds.length).toBe(12);
    expect(enc.truncated).toBe(0);
  });

  it('defaults to 512 and rejects maxLength outside 3..512', () => {
    expect(tok.maxLength).toBe(512);
    expect(tok.hardMaxLength).toBe(512);
    expect(tok.specialCount).toBe(2);
    const long = 'word '.repeat(600);
    expect(tok.encodeBatch([long]).seqLen).toBe(512);
    expect(() => tok.encodeBatch(['x'], { maxLength: 2 })).toThrow(/maxLength must be .* 3\.\.512/);
    expect(() => tok.encodeBatch(['x'], { maxLength: 513 })).toThrow(/got 513/);
  });

  it('returns empty tensors for an empty batch', () => {
    const enc = tok.encodeBatch([]);
    expect([enc.batch, enc.seqLen, enc.inputIds.length]).toEqual([0, 0, 0]);
  });

  it('synthesises the same tokenizer from vocab.txt alone', () => {
    const json = JSON.parse(readFileSync(bertJson, 'utf8')) as { model: { vocab: object } };
    const vocab = Object.entries(json.model.vocab as Record<string, number>)
      .sort((a, b) => a[1] - b[1])
      .map(([token]) => token);
    const dir = mkdtempSync(join(tmpdir(), 'graft-vocab-'));
    writeFileSync(join(dir, 'vocab.txt'), vocab.join('\n') + '\n');
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true }));
    const fromVocab = loadTokenizer(dir);
    for (const [text, ids] of EXPECTED) expect(fromVocab.encode(text).ids).toEqual(ids);
    expect(fromVocab.encode('[MASK] here').ids).toEqual([101, 103, 2182, 102]);
  });

  it('names the folder when it has no tokenizer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-notok-'));
    expect(() => loadTokenizer(dir)).toThrow(/has no tokenizer: expected tokenizer\.json/);
  });
});

describe('defaultMaxLength', () => {
  it('takes the smallest stated limit, ignores the no-limit sentinel, caps at 512', () => {
    expect(defaultMaxLength({})).toBe(512);
    expect(defaultMaxLength({ tokenizerConfig: { model_max_length: 1e30 } })).toBe(512);
    expect(defaultMaxLength({ modelConfig: { max_position_embeddings: 2048 } })).toBe(512);
    expect(
      defaultMaxLength({
        tokenizerConfig: { model_max_length: 512 },
        modelConfig: { max_position_embeddings: 512 },
        sentenceConfig: { max_seq_length: 256 },
      }),
    ).toBe(256);
  });
});

const minilm = findFetchedMiniLM();
if (!minilm) log.warn(`tokenizer.test: skipping the MiniLM folder test: ${MINILM_MISSING_REASON}`);

describe.skipIf(!minilm)('tokenizer of the fetched all-MiniLM-L6-v2 folder', () => {
  it('matches AutoTokenizer, including a literal [MASK] and a split [unused0]', () => {
    const tok = loadTokenizer(minilm!);
    expect(tok.maxLength).toBe(256); // sentence_bert_config.json max_seq_length
    expect(tok.hardMaxLength).toBe(512); // max_position_embeddings
    const enc = tok.encodeBatch(
      ['Hello, world!', EXPECTED[1][0], '', '[MASK] token and [unused0] x'],
      { maxLength: 12 },
    );
    expect(rows(enc.inputIds, 4, 12)).toEqual([
      [101, 7592, 1010, 2088, 999, 102, 0, 0, 0, 0, 0, 0],
      [101, 1996, 14477, 20961, 3468, 7668, 15743, 13746, 1517, 2123, 1005, 102],
      [101, 102, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [101, 103, 19204, 1998, 1031, 15171, 2692, 1033, 1060, 102, 0, 0],
    ]);
  });
});
