/**
 * Seeded, stratified train/test split. The same rows, ratio and seed give the same split on
 * every machine and every Graft version, so two runs on one dataset are comparable; each class
 * goes to test in proportion, and a class never leaves train empty.
 */

/** mulberry32: a tiny 32-bit PRNG, good enough for shuffling and fully reproducible. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SplitIndices {
  /** Row indices, ascending: each split keeps the file's order. */
  train: number[];
  test: number[];
}

/**
 * How many rows of each class go to test: round(total * ratio) in all, shared out by the
 * largest remainder so small classes are represented fairly, never taking a class's last row.
 */
export function testQuota(classSizes: readonly number[], ratio: number): number[] {
  const total = classSizes.reduce((a, b) => a + b, 0);
  const quota = classSizes.map((n) => Math.min(Math.floor(n * ratio), Math.max(0, n - 1)));
  let left = Math.round(total * ratio) - quota.reduce((a, b) => a + b, 0);

  // Ties go to the earlier class, so the order of the labels decides and not the sort's whims
  const byRemainder = classSizes
    .map((n, c) => ({ c, rest: n * ratio - Math.floor(n * ratio) }))
    .sort((a, b) => b.rest - a.rest || a.c - b.c);
  for (const { c } of byRemainder) {
    if (left <= 0) break;
    if (quota[c] < classSizes[c] - 1) {
      quota[c]++;
      left--;
    }
  }
  return quota;
}

export function stratifiedSplit(
  labels: readonly number[],
  numClasses: number,
  ratio: number,
  seed: number,
): SplitIndices {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((label, i) => byClass[label].push(i));

  const quota = testQuota(
    byClass.map((rows) => rows.length),
    ratio,
  );
  const random = mulberry32(seed);
  const inTest = new Uint8Array(labels.length);

  for (let c = 0; c < numClasses; c++) {
    const rows = byClass[c];

    // Partial Fisher-Yates: the first quota[c] slots end up a uniform sample of the class
    for (let i = 0; i < quota[c]; i++) {
      const j = i + Math.floor(random() * (rows.length - i));
      [rows[i], rows[j]] = [rows[j], rows[i]];
      inTest[rows[i]] = 1;
    }
  }

  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < labels.length; i++) (inTest[i] ? test : train).push(i);
  return { train, test };
}
