/**
 * Import benchmark: rows/s, peak resident memory and the longest event-loop stall for a
 * 1,000,000-row, ~190 MB CSV, the size the issue names. The file is generated into the temp
 * folder at bench time (never committed) with quoted fields, embedded commas and a few
 * non-ASCII texts, then imported into a throw-away store: read, validate, split and write, as
 * `graft datasets import` does. It also times `datasets.peek`, which reads the head only.
 *
 * The reference is the in-memory importer this streaming one replaced (commit eaa04b5), run
 * with the same command on the same 2-core machine; its figures are below, since that code
 * is gone. The bench prints both side by side and their ratio.
 *
 * With `--malformed-every N`, every Nth line has a field too many, and the import keeps those
 * malformed records for the report and drops them (below 10, more than a tenth of the lines
 * are bad and the importer refuses the file). The reference figures are for the plain file;
 * compare such a run with a plain one, or with an older commit's run of the same command.
 *
 *   npx tsx bench/import/run.ts [--rows 1000000] [--malformed-every N] [--keep]
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importDataset } from '../../src/main/datasets';
import { peekDataset } from '../../src/main/datasets/peek';
import { DatasetSampleRequest, type DatasetImportProgress } from '../../src/shared/contract';
import { openStore } from '../../src/main/store';
import { setLogLevel } from '../../src/main/util/log';

/** `npx tsx bench/import/run.ts` at commit eaa04b5 (whole file in memory), 1,000,000 rows. */
const REFERENCE = { commit: 'eaa04b5', rowsPerSecond: 18_182, peakMiB: 2014 };

const WORDS =
  'the a movie was great terrible plot acting film, "quite" good bad café 很好 slow'.split(' ');

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

async function generate(path: string, rows: number, malformedEvery: number): Promise<void> {
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
    const extra = malformedEvery > 0 && i % malformedEvery === malformedEvery - 1 ? ',x' : '';
    if (!out.write(`${i},"${text}",${next() % 5}${extra}\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve) => out.end(resolve));
}

/**
 * The longest time the event loop waited past a 10 ms timer (how long a call to serve mode
 * could hang), and the import phase it ended in.
 */
function stallMeter(phase: () => string): { stop(): { ms: number; phase: string } } {
  let worst = { ms: 0, phase: '' };
  let expected = performance.now() + 10;
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - expected > worst.ms) worst = { ms: now - expected, phase: phase() };
    expected = now + 10;
  }, 10);
  return {
    stop: () => {
      clearInterval(timer);
      return worst;
    },
  };
}

function side(label: string, ours: string, reference: string, ratio: number): string {
  const columns = `${ours.padStart(12)}  ${reference.padStart(12)}`;
  return `${label.padEnd(16)} ${columns}  ${ratio.toFixed(2)}x`;
}

async function main(): Promise<void> {
  setLogLevel('warn');
  const rows = arg('--rows', 1_000_000);
  const malformedEvery = arg('--malformed-every', 0);
  const dir = mkdtempSync(join(tmpdir(), 'graft-bench-import-'));
  const file = join(dir, 'big.csv');
  try {
    let started = performance.now();
    await generate(file, rows, malformedEvery);
    const mb = statSync(file).size / 1e6;
    console.log(
      `generated ${rows} rows, ${mb.toFixed(0)} MB ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    started = performance.now();
    const sample = await peekDataset(DatasetSampleRequest.parse({ path: file, rows: 20 }));
    const sampleMs = performance.now() - started;
    console.log(
      `datasets.peek (the head only): ${sample.records.length} rows, columns ` +
        `${sample.columns.join(',')}, in ${sampleMs.toFixed(0)} ms`,
    );

    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const phases: { phase: string; at: number }[] = [];
    const onProgress = (p: DatasetImportProgress): void => {
      if (phases[phases.length - 1]?.phase !== p.phase) {
        phases.push({ phase: p.phase, at: performance.now() });
      }
    };
    const stalls = stallMeter(() => phases[phases.length - 1]?.phase ?? 'reading');
    const store = openStore(join(dir, 'graft.db'));
    started = performance.now();
    const ds = await importDataset(
      store,
      {
        path: file,
        textColumn: 'text',
        labelColumn: 'label',
        drop: malformedEvery > 0 ? ['malformed'] : [],
      },
      { tempDir: dir, onProgress },
    );
    const seconds = (performance.now() - started) / 1000;
    const worstStall = stalls.stop();
    clearInterval(sampler);
    store.close();

    const maxRss = Math.max(peak, process.resourceUsage().maxRSS * 1024);
    const peakMiB = maxRss / 2 ** 20;
    const rowsPerSecond = rows / seconds;
    const dropped = ds.dropped ?? 0;
    console.log(
      `imported ${JSON.stringify(ds.splits)} (${dropped} dropped) in ${seconds.toFixed(1)} s`,
    );
    console.log(
      'phases: ' +
        phases
          .slice(0, -1)
          .map((p, i) => `${p.phase} ${((phases[i + 1].at - p.at) / 1000).toFixed(1)} s`)
          .join(', '),
    );
    console.log(`MB/s: ${(mb / seconds).toFixed(1)}`);
    console.log(
      `longest event-loop stall during the import: ${worstStall.ms.toFixed(0)} ms ` +
        `(ending in the ${worstStall.phase} phase)`,
    );
    console.log(
      `\n${'measure'.padEnd(16)} ${'streaming'.padStart(12)}  ` +
        `${REFERENCE.commit.padStart(12)}  ratio`,
    );
    console.log(
      side(
        'rows/s',
        Math.round(rowsPerSecond).toLocaleString('en'),
        REFERENCE.rowsPerSecond.toLocaleString('en'),
        rowsPerSecond / REFERENCE.rowsPerSecond,
      ),
    );
    console.log(
      side(
        'peak RSS (MiB)',
        peakMiB.toFixed(0),
        String(REFERENCE.peakMiB),
        peakMiB / REFERENCE.peakMiB,
      ),
    );
    console.log(`(before the import: ${(rssBefore / 2 ** 20).toFixed(0)} MiB resident)`);
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
