/**
 * onnxruntime-node sessions for engine graphs: provider choice, threads, log level, tensors.
 *
 * CUDA is only used where its libraries load (onnxruntime-node 1.30 on Linux x64 fetches them at
 * install when asked, see DESIGN.md); anywhere else the session falls back to CPU and logs why.
 * ORT is noisy at session creation, so its log severity follows our logger's level.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GraftError } from '../../shared/errors';
import { getLogLevel, logger } from '../util/log';
import type { LogLevel } from '../util/log';
import type { DType, TensorData } from './types';
import { checkData } from './types';

const log = logger('engine');

export type Provider = 'cpu' | 'cuda' | 'auto';

export interface SessionOptions {
  /** Default 'cpu'. 'auto' tries CUDA and falls back to CPU; 'cuda' falls back too, with a warn. */
  provider?: Provider;
  /** Default: ORT's choice (all cores). Intra-op threads for one kernel. */
  threads?: number;
  /** Default 'all'. 'disabled' helps when comparing against hand-written maths bit for bit. */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
}

export interface EngineSession {
  /** The provider the session actually runs on. */
  readonly provider: 'cpu' | 'cuda';
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Run with these feeds; `fetches` limits (and prunes) the outputs computed. */
  run(
    feeds: Record<string, ort.Tensor>,
    fetches?: readonly string[],
  ): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

// ORT severities: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal. Its warnings at session
// creation are about its own placement choices, which are debug detail for Graft users.
const ORT_SEVERITY: Record<LogLevel, 0 | 1 | 2 | 3 | 4> = {
  debug: 1,
  info: 3,
  warn: 3,
  error: 3,
  silent: 4,
};

const ORT_ENV_LEVEL: Record<LogLevel, 'verbose' | 'info' | 'warning' | 'error' | 'fatal'> = {
  debug: 'info',
  info: 'error',
  warn: 'error',
  error: 'error',
  silent: 'fatal',
};

/** Whether this onnxruntime-node build knows a provider (not whether its libraries load). */
export function providerBuiltIn(name: 'cuda' | 'cpu'): boolean {
  return ort.listSupportedBackends().some((b) => b.name === name);
}

/**
 * Why CUDA cannot be used, or null when its provider library is installed beside the binding.
 * Checking the file first keeps ORT from printing a load failure on every CPU-only machine.
 */
export function cudaUnavailableReason(): string | null {
  if (!providerBuiltIn('cuda')) return 'this onnxruntime-node build has no CUDA provider';
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    const dir = join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
    const files = existsSync(dir) ? readdirSync(dir) : [];
    if (files.some((f) => f.includes('providers_cuda'))) return null;
    return `the CUDA provider library is not installed in ${dir} (see npm run setup:cuda)`;
  } catch (error) {
    return `cannot locate onnxruntime-node's libraries: ${(error as Error).message}`;
  }
}

export async function createSession(
  modelBytes: Uint8Array,
  opts: SessionOptions = {},
): Promise<EngineSession> {
  const provider = opts.provider ?? 'cpu';
  if (!['cpu', 'cuda', 'auto'].includes(provider)) {
    throw new GraftError(
      'invalid-argument',
      `provider must be 'cpu', 'cuda' or 'auto', got '${provider}'`,
    );
  }
  if (opts.threads !== undefined && !(Number.isInteger(opts.threads) && opts.threads >= 1)) {
    const got = opts.threads;
    throw new GraftError('invalid-argument', `threads must be an integer >= 1, got ${got}`);
  }

  ort.env.logLevel = ORT_ENV_LEVEL[getLogLevel()]; // read once, when ORT first initialises
  const base: ort.InferenceSession.SessionOptions = {
    logSeverityLevel: ORT_SEVERITY[getLogLevel()],
    graphOptimizationLevel: opts.optimization ?? 'all',
    ...(opts.threads !== undefined
      ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 }
      : {}),
  };

  if (provider !== 'cpu') {
    const reason = cudaUnavailableReason();
    if (reason === null) {
      try {
        const cuda = { ...base, executionProviders: ['cuda'] };
        const s = await ort.InferenceSession.create(modelBytes, cuda);
        log.info('session on CUDA');
        return wrap(s, 'cuda');
      } catch (error) {
        log.warn(`CUDA unavailable, using CPU: ${(error as Error).message.split('\n')[0]}`);
      }
    } else {
      const say = provider === 'cuda' ? log.warn : log.debug;
      say(`CUDA unavailable, using CPU: ${reason}`);
    }
  }

  try {
    const cpu = { ...base, executionProviders: ['cpu'] };
    const s = await ort.InferenceSession.create(modelBytes, cpu);
    return wrap(s, 'cpu');
  } catch (error) {
    const message = `onnxruntime rejected the graph: ${(error as Error).message}`;
    throw new GraftError('internal', message, { cause: error });
  }
}

function wrap(session: ort.InferenceSession, provider: 'cpu' | 'cuda'): EngineSession {
  return {
    provider,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, fetches) {
      try {
        return fetches ? await session.run(feeds, [...fetches]) : await session.run(feeds);
      } catch (error) {
        throw new GraftError('internal', `onnxruntime run failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
    release: () => session.release(),
  };
}

// ---- tensors ----------------------------------------------------------------------------------

export function f32(data: Float32Array | readonly number[], dims: readonly number[]): ort.Tensor {
  const array = data instanceof Float32Array ? data : Float32Array.from(data);
  return new ort.Tensor('float32', array, [...dims]);
}

export function f64(data: Float64Array | readonly number[], dims: readonly number[]): ort.Tensor {
  const array = data instanceof Float64Array ? data : Float64Array.from(data);
  return new ort.Tensor('float64', array, [...dims]);
}

/** int64 tensors need a BigInt64Array (numbers are converted here for convenience). */
export function i64(data: BigInt64Array | readonly number[], dims: readonly number[]): ort.Tensor {
  const array = data instanceof BigInt64Array ? data : BigInt64Array.from(data, (v) => BigInt(v));
  return new ort.Tensor('int64', array, [...dims]);
}

export function boolTensor(
  data: Uint8Array | readonly boolean[],
  dims: readonly number[],
): ort.Tensor {
  const array = data instanceof Uint8Array ? data : Uint8Array.from(data, (v) => (v ? 1 : 0));
  return new ort.Tensor('bool', array, [...dims]);
}

/** Any engine dtype from its typed array. */
export function tensorOf(dtype: DType, data: TensorData, dims: readonly number[]): ort.Tensor {
  checkData('tensorOf', data, dtype);
  return new ort.Tensor(dtype, data, [...dims]);
}

/** The float data of an output, checked. */
export function readFloat(t: ort.Tensor, what = 'output'): Float32Array | Float64Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float64') return t.data as Float64Array;
  throw new GraftError('internal', `${what}: expected a float tensor, got ${t.type}`);
}

export { ort };

/**
 * Provider names this onnxruntime-node build reports (e.g. cpu, webgpu, cuda). A listed CUDA is
 * built in, not proven loadable: `createSession` finds that out and falls back to CPU.
 */
export function availableProviders(): string[] {
  return ort.listSupportedBackends().map((b) => b.name);
}
