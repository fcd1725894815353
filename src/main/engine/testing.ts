/**
 * Helpers for the engine's tests: run a builder graph once on CPU and read outputs as numbers.
 */
import type { GraphBuilder } from './graph';
import type { ort } from './session';
import { createSession } from './session';

export type Outputs = Record<string, number[]>;

/** Build the model, run it with these feeds on one CPU thread, return every output as numbers. */
export async function runGraph(
  g: GraphBuilder,
  feeds: Record<string, ort.Tensor>,
): Promise<Outputs> {
  const session = await createSession(g.toModelProto(), { threads: 1 });
  const result = await session.run(feeds);
  await session.release();

  const out: Outputs = {};
  for (const [name, t] of Object.entries(result)) {
    out[name] = Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
  }
  return out;
}

/** Assert-friendly rounding: values to `digits` decimals. */
export function round(values: readonly number[], digits = 5): number[] {
  const k = 10 ** digits;
  return values.map((v) => Math.round(v * k) / k);
}
