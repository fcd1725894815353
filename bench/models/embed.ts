/**
 * Embedding benchmark: load memory and throughput of the engine-built all-MiniLM-L6-v2 on the
 * first 1000 SST-2 train phrases at maxLength 128, mean pooling.
 *
 *   npm run fetch:model
 *   npx tsx --expose-gc bench/models/embed.ts [--n 1000] [--batch 32] [--threads N]
 *
 * With GRAFT_REF_PYTHON pointing at a Python that has torch + sentence-transformers (see
 * scripts/golden/minilm_reference.py), it also times sentence-transformers on the same texts
 * and thread count and prints the ratio.
 *
 * SST-2 (../shared/datasets/sst2_glue_alps/train.tsv, see its SOURCE.txt): header
 * "sentence<TAB>label", every sentence ends in a space before the tab.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setLogLevel } from '../../src/main/util/log';
import { loadEncoder } from '../../src/main/models/encoder';
import { findFetchedMiniLM, repoRootFromHere } from '../../src/main/models/paths';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

function say(line: string): void {
  process.stdout.write(line + '\n');
}

function rssMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 2 ** 20;
}

function readSst2(path: string, n: number): string[] {
  const lines = readFileSync(path, 'utf8').split('\n').slice(1);
  return lines
    .filter((line) => line.includes('\t'))
    .slice(0, n)
    .map((line) => line.slice(0, line.lastIndexOf('\t')).trim());
}

/** Token positions computed with and without length sorting (padding overhead). */
function paddedTokens(lengths: number[], batch: number): number {
  let total = 0;
  for (let i = 0; i < lengths.length; i += batch) {
    const chunk = lengths.slice(i, i + batch);
    total += Math.max(...chunk) * chunk.length;
  }
  return total;
}

const REFERENCE_PY = `
import sys, time, json, torch
from sentence_transformers import SentenceTransformer
texts = json.load(sys.stdin)
threads, batch, model_dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
torch.set_num_threads(threads)
m = SentenceTransformer(model_dir, device="cpu"); m.max_seq_length = 128
m.encode(texts[:batch], batch_size=batch)
t = time.perf_counter(); m.encode(texts, batch_size=batch); dt = time.perf_counter() - t
print(len(texts) / dt)
`;

async function main(): Promise<void> {
  setLogLevel('warn');
  const root = repoRootFromHere();
  const modelDir = findFetchedMiniLM(root);
  const tsv = join(root, '..', 'shared', 'datasets', 'sst2_glue_alps', 'train.tsv');
  if (!modelDir || !existsSync(tsv)) {
    say(`skipped: needs ${modelDir ? tsv : 'npm run fetch:model'}`);
    return;
  }
  const n = arg('n', 1000);
  const batchSize = arg('batch', 32);
  const threads = arg('threads', cpus().length);
  const texts = readSst2(tsv, n);

  const before = rssMiB();
  const t0 = performance.now();
  const encoder = await loadEncoder(modelDir, { threads });
  const loadMs = performance.now() - t0;
  const loadPeak = process.resourceUsage().maxRSS / 1024; // KiB -> MiB, whole-process high mark
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let freed load buffers go back
  const afterLoad = rssMiB();

  const t1 = performance.now();
  const lengths = texts.map((t) => encoder.tokenizer.encode(t, { maxLength: 128 }).ids.length);
  const tokenizeMs = performance.now() - t1;
  const sorted = [...lengths].sort((a, b) => b - a);
  const real = lengths.reduce((a, b) => a + b, 0);

  await encoder.embed(texts.slice(0, batchSize), { maxLength: 128, batchSize }); // warm-up
  const cpu0 = process.cpuUsage();
  const t2 = performance.now();
  const features = await encoder.embed(texts, { maxLength: 128, batchSize, pooling: 'mean' });
  const embedS = (performance.now() - t2) / 1000;
  const steady = rssMiB();
  const weightsMiB = statSync(join(modelDir, 'model.safetensors')).size / 2 ** 20;
  const rate = texts.length / embedS;
  // CPU seconds over all threads: less sensitive than wall time to other load on the machine.
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;

  say(
    `all-MiniLM-L6-v2, ${texts.length} SST-2 train phrases, maxLength 128, ` +
      `batch ${batchSize}, ${threads} threads (${cpus().length} cores), ${encoder.provider}`,
  );
  say(
    `load: ${loadMs.toFixed(0)} ms; RSS ${before.toFixed(0)} -> ${afterLoad.toFixed(0)} MiB ` +
      `settled (+${(afterLoad - before).toFixed(0)} MiB; weights on disk ` +
      `${weightsMiB.toFixed(1)} MiB), load peak ` +
      `${loadPeak.toFixed(0)} MiB (+${(loadPeak - before).toFixed(0)}), after embedding ` +
      `${steady.toFixed(0)} MiB`,
  );
  const tokenizeRate = (texts.length / tokenizeMs) * 1000;
  say(
    `tokenize: ${tokenizeMs.toFixed(0)} ms (${tokenizeRate.toFixed(0)}/s); ` +
      `mean ${(real / texts.length).toFixed(1)} tokens; padded positions ` +
      `${paddedTokens(lengths, batchSize)} in input order vs ${paddedTokens(sorted, batchSize)} ` +
      `length-sorted (${real} real)`,
  );
  say(
    `embed: ${embedS.toFixed(2)} s, ${rate.toFixed(1)} sentences/s wall, ` +
      `${(texts.length / cpuS).toFixed(1)} sentences per CPU-second, output ` +
      `[${texts.length}, ${features.length / texts.length}]`,
  );

  const python = process.env.GRAFT_REF_PYTHON;
  if (python) {
    const args = ['-c', REFERENCE_PY, String(threads), String(batchSize), modelDir];
    const ref = spawnSync(python, args, { input: JSON.stringify(texts), encoding: 'utf8' });
    const refRate = Number(ref.stdout.trim().split('\n').pop());
    if (ref.status === 0 && Number.isFinite(refRate)) {
      say(
        `sentence-transformers (PyTorch CPU): ${refRate.toFixed(1)} sentences/s; ` +
          `Graft / PyTorch = ${(rate / refRate).toFixed(2)}`,
      );
    } else {
      say(`reference failed: ${ref.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
  }
  await encoder.release();
}

void main();
