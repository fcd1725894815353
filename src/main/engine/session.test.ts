import { afterEach, describe, expect, it } from 'vitest';
import { setLogSink } from '../util/log';
import { createGraph } from './graph-impl';
import { createSession, f32, i64, providerBuiltIn, tensorOf } from './session';

afterEach(() => setLogSink(null));

describe('createSession', () => {
  const model = (): Uint8Array => {
    const g = createGraph('double');
    const x = g.input('x', 'float32', ['n']);
    g.output(g.mul(x, g.scalar(2)), 'y');
    return g.toModelProto();
  };

  it('runs on CPU with a thread count', async () => {
    const s = await createSession(model(), { provider: 'cpu', threads: 1 });
    const out = await s.run({ x: f32([1, 2, 3], [3]) });
    expect(s.provider).toBe('cpu');
    expect(Array.from(out.y.data as Float32Array)).toEqual([1 * 2, 2 * 2, 3 * 2]);
    await s.release();
  });

  it('falls back to CPU and says why when CUDA cannot load', async () => {
    const lines: string[] = [];
    setLogSink((l) => lines.push(l));
    const s = await createSession(model(), { provider: 'cuda' });
    if (s.provider === 'cpu') {
      expect(lines.some((l) => l.includes('[engine] CUDA unavailable, using CPU'))).toBe(true);
    } else {
      expect(providerBuiltIn('cuda')).toBe(true);
    }
    await s.release();
  });

  it('rejects bad options by name', async () => {
    await expect(createSession(model(), { threads: 0 })).rejects.toThrow('threads must be');
    // @ts-expect-error an unknown provider is a runtime error too
    await expect(createSession(model(), { provider: 'tpu' })).rejects.toThrow("'cpu', 'cuda'");
  });

  it('makes int64 tensors from BigInt64Array and checks typed arrays', () => {
    expect(i64(new BigInt64Array([1n, 2n]), [2]).type).toBe('int64');
    expect(() => tensorOf('int64', new Float32Array(2), [2])).toThrow('needs a BigInt64Array');
  });
});
