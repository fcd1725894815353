/**
 * Import benchmark: rows/s and peak resident memory for a 1,000,000-row, ~200 MB CSV, the
 * size the issue names. The file is generated into the temp folder at bench time (never
 * committed) with quoted fields, embedded commas and a few non-ASCII texts, then imported into
 * a throw-away store: parse, validate, split and write, as `graft datasets import` does.
 *
 *   npx tsx bench/import/run.ts [--rows 1000000] [--keep]
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDataset } from '../../src/main/datasets';
import { openStore } from '../../src/main/store';
import { setLogLevel } from '../../src/main/util/log';

const WORDS =
  'the a movie was great terrible plot acting film, "quite" good bad café 很好 slow'.split(' ');

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

async function generate(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  let state = 42;
  const next = (): number => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state >>> 8;
  };
  out.write('id,text,label\n');
  for (let i = 0; i < rows; i++) {
    // ~200 bytes a row: 30 words; every word with a comma or quote forces RFC quoting
    const words = Array.from({ length: 30 }, () => WORDS[next() % WORDS.length]);
    const text = `row ${i} ${words.join(' ')}`.replace(/"/g, '""');
    if (!out.write(`${i},"${text}",${next() % 5}\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve) => out.end(resolve));
}

async function main(): Promise<void> {
  setLogLevel('warn');
  const rows = arg('--rows', 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'graft-bench-import-'));
  const file = join(dir, 'big.csv');
  try {
    let started = performance.now();
    await generate(file, rows);
    const mb = statSync(file).size / 1e6;
    console.log(
      `generated ${rows} rows, ${mb.toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const store = openStore(join(dir, 'graft.db'));
    started = performance.now();
    const ds = await importDataset(store, { path: file, textColumn: 'text', labelColumn: 'label' });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    store.close();

    const maxRss = Math.max(peak, process.resourceUsage().maxRSS * 1024);
    console.log(`imported ${JSON.stringify(ds.splits)} in ${seconds.toFixed(1)} s`);
    console.log(`rows/s: ${Math.round(rows / seconds)}  MB/s: ${(mb / seconds).toFixed(1)}`);
    console.log(
      `peak RSS: ${(maxRss / 2 ** 20).toFixed(0)} MiB (before import ${(rssBefore / 2 ** 20).toFixed(0)} MiB)`,
    );
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
