/**
 * Token counts estimated without a tokenizer, for the import's long-text check: the model is
 * not known when a dataset is imported.
 */

const DEFAULT_MAX_TOKENS = 512;

/** What `\s` matches: the code units that separate words in `estimateTokens`. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Texts likely longer than the model's limit. Without a tokenizer at import time this is an
 * estimate: 1.3 tokens per whitespace word, one per CJK character (WordPiece's usual ratios).
 * Counted in one pass, without splitting: it runs on every row of a million-row file.
 */
export function estimateTokens(text: string): number {
  let cjk = 0;
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x3000 && c <= 0x9fff) cjk++;
    const space = isSpace(c);
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return Math.round(words * 1.3) + cjk;
}

export function defaultMaxTokens(maxTokens?: number): number {
  return maxTokens ?? DEFAULT_MAX_TOKENS;
}
