import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { mlpOptions, moonBatch, twoMoons } from './testing-problems';
import type { Batch, StepResult, Trainer } from './trainer';
import { createTrainer } from './trainer';

const dir = mkdtempSync(join(tmpdir(), 'graft-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { x, labels } = twoMoons(96, 0.1, 9);
const pool: Batch[] = [0, 1, 2, 3, 4].map((k) => moonBatch(x, labels, k));

/** n steps whose batches the trainer's own RNG picks, so its state matters too. */
async function train(t: Trainer, n: number): Promise<StepResult[]> {
  const picked = Array.from({ length: n }, () => pool[t.rng.int(pool.length)]);
  return t.steps(picked);
}

describe('checkpoints', () => {
  it('resume exactly as an uninterrupted run (params, AdamW state, step, RNG)', async () => {
    const whole = await createTrainer(mlpOptions(3, 0.25));
    const expected = await train(whole, 10);

    const first = await createTrainer(mlpOptions(3, 0.25));
    const head = await train(first, 4);
    const path = join(dir, 'run.ckpt');
    saveCheckpoint(path, first.snapshot(), { note: 'after 4' });
    await first.release();

    const second = await createTrainer(mlpOptions(3, 0.25));
    const { snapshot, meta } = loadCheckpoint(path);
    second.restore(snapshot);
    const tail = await train(second, 6);

    expect(meta).toEqual({ note: 'after 4' });
    expect(second.stepCount).toBe(10);
    expect([...head, ...tail]).toEqual(expected);
    const a = whole.snapshot();
    const b = second.snapshot();
    expect(b.rngState).toBe(a.rngState);
    for (const [name, v] of [...a.params, ...a.state]) {
      const got = b.params.get(name) ?? b.state.get(name)!;
      expect(Array.from(got), name).toEqual(Array.from(v));
    }
    await whole.release();
    await second.release();
  });

  it('rejects files that are not checkpoints and snapshots that do not fit', async () => {
    const junk = join(dir, 'junk.ckpt');
    writeFileSync(junk, 'hello, this is not a checkpoint');
    expect(() => loadCheckpoint(junk)).toThrow('magic GRAFTCKP missing');
    expect(() => loadCheckpoint(join(dir, 'missing.ckpt'))).toThrow('checkpoint');

    const small = await createTrainer(mlpOptions(1, 0, 8));
    const big = await createTrainer(mlpOptions(1, 0, 16));
    expect(() => big.restore(small.snapshot())).toThrow("parameter 'w1' is missing or differs");
  });
});
