/**
 * The trainer: a forward-building function + loss + optimizer, run as training-step models.
 *
 * A step model's inputs are the parameters, the optimizer state, a batch, the step count and the
 * base learning rate; its outputs are the new parameters and state, the loss, the scheduled rate
 * and the gradient norm (trainer-models.ts). With `stepsPerRun` K > 1, `steps()` runs up to K
 * steps per `session.run` through an ONNX Loop whose body is the same step: parameters, state
 * and step are loop-carried and the K batches are stacked on a leading axis. That matters most on
 * CUDA, where every run copies through host memory (DESIGN.md "The engine").
 *
 * Dropout masks are driven by the step count (rng-graph.ts), so one-step and Loop runs, and a
 * run resumed from a checkpoint, draw the same masks.
 *
 * Usage:
 *   const t = await createTrainer({
 *     batch: { x: { dtype: 'float32', shape: ['batch', 2] },
 *              y: { dtype: 'int64', shape: ['batch'] } },
 *     build(g, b) { const logits = ...; return { loss: softmaxCrossEntropy(g, logits, b.y),
 *                                                outputs: { logits } }; },
 *     optimizer: { kind: 'adamw', lr: 1e-3 },
 *     stepsPerRun: 50,
 *   });
 *   await t.steps(batches); const weights = t.parameters(); const onnx = t.inferenceModel();
 */
import { GraftError } from '../../shared/errors';
import { logger } from '../util/log';
import type { GraphBuilder } from './graph';
import { Rng } from './init';
import type { OptimizerSpec } from './optimizers';
import type { EngineSession, SessionOptions } from './session';
import { createSession, f32, i64, ort, tensorOf } from './session';
import type { BatchSpec, BuildFn, ModelSpec, StepModel } from './trainer-models';
import {
  buildInferenceGraph,
  buildLoopModel,
  buildStepModel,
  LR,
  next,
  PER_STEP,
  STEP,
  STEPS,
} from './trainer-models';
import type { TensorData } from './types';

export type { BatchSpec, BuildFn, BuildMode, BuildResult } from './trainer-models';

const log = logger('engine');

type FloatArray = Float32Array | Float64Array;

/** Host-side data for one input. */
export interface HostTensor {
  data: TensorData;
  dims: readonly number[];
}

export type Batch = Record<string, HostTensor>;

export interface TrainerOptions {
  /** Default 'model'. */
  name?: string;
  /** The batch inputs, by name. */
  batch: Record<string, BatchSpec>;
  /**
   * Add the forward pass and loss to g and return them; call g.param() for every parameter.
   * Called once per model built (step, Loop, inference), so it must be deterministic: seed
   * initialisers with a fixed Rng inside.
   */
  build: BuildFn;
  optimizer: OptimizerSpec;
  /** Default 1: one step per run. K > 1: `steps()` runs up to K steps per run in a Loop. */
  stepsPerRun?: number;
  /** Default 0: seeds dropout and `trainer.rng`. */
  seed?: number;
  session?: SessionOptions;
}

export interface StepResult {
  /** Steps taken before this one (0 for the first). */
  step: number;
  loss: number;
  /** The scheduled learning rate used. */
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

/** Everything needed to resume training exactly (checkpoint.ts writes it to a file). */
export interface TrainerSnapshot {
  step: number;
  params: Map<string, FloatArray>;
  state: Map<string, FloatArray>;
  rngState: number;
}

export interface Trainer {
  /** Steps taken so far. */
  readonly stepCount: number;
  /** A seeded generator for the caller's data order; its state is part of snapshots. */
  readonly rng: Rng;
  /** One step in one run. */
  step(batch: Batch): Promise<StepResult>;
  /** The batches in order; K per run through the Loop model when stepsPerRun = K > 1. */
  steps(batches: readonly Batch[]): Promise<StepResult[]>;
  /** Current parameter values by name (copies). */
  parameters(): Map<string, FloatArray>;
  snapshot(): TrainerSnapshot;
  restore(snapshot: TrainerSnapshot): void;
  /** The model rebuilt for inference: trained values as initializers, outputs from build(). */
  inferenceGraph(name?: string): GraphBuilder;
  /** The inference graph serialised and pruned (labels and loss dropped). */
  inferenceModel(name?: string): Uint8Array;
  release(): Promise<void>;
}

export async function createTrainer(o: TrainerOptions): Promise<Trainer> {
  const k = o.stepsPerRun ?? 1;
  if (!(Number.isInteger(k) && k >= 1)) {
    throw new GraftError('invalid-argument', `stepsPerRun must be an integer >= 1, got ${k}`);
  }
  const spec: ModelSpec = {
    name: o.name ?? 'model',
    seed: o.seed ?? 0,
    batch: o.batch,
    build: o.build,
    optimizer: o.optimizer,
  };
  return new TrainerImpl(o, spec, buildStepModel(spec));
}

class TrainerImpl implements Trainer {
  stepCount = 0;
  rng: Rng;
  private params = new Map<string, FloatArray>();
  private state = new Map<string, FloatArray>();
  private stepSession: EngineSession | null = null;
  private loopSession: EngineSession | null = null;

  constructor(
    private readonly o: TrainerOptions,
    private readonly spec: ModelSpec,
    private readonly single: StepModel,
  ) {
    this.rng = new Rng(spec.seed);
    for (const [key, p] of single.params) this.params.set(key, p.init.slice());
    for (const [name, owner] of single.state) {
      const p = this.params.get(owner)!;
      this.state.set(name, zerosLike(p));
    }
  }

  async step(batch: Batch): Promise<StepResult> {
    this.stepSession ??= await createSession(this.single.bytes, this.o.session);
    const feeds = this.carriedFeeds();
    for (const name of Object.keys(this.spec.batch)) {
      const t = this.input(batch, name);
      feeds[name] = tensorOf(this.spec.batch[name].dtype, t.data, t.dims);
    }

    const out = await this.stepSession.run(feeds);
    this.takeCarried(out);
    const [loss, lr, gradNorm] = PER_STEP.map((n) => Number(out[n].data[0]));
    return { step: this.stepCount++, loss, lr, gradNorm };
  }

  async steps(batches: readonly Batch[]): Promise<StepResult[]> {
    const k = this.o.stepsPerRun ?? 1;
    const results: StepResult[] = [];
    let i = 0;
    while (i < batches.length) {
      if (k === 1) {
        results.push(await this.step(batches[i++]));
        continue;
      }
      // A chunk: up to K consecutive batches with identical dims (they are stacked).
      const sig = signature(batches[i]);
      let j = i + 1;
      while (j < batches.length && j - i < k && signature(batches[j]) === sig) j++;
      results.push(...(await this.runLoop(batches.slice(i, j))));
      i = j;
    }
    return results;
  }

  private async runLoop(chunk: readonly Batch[]): Promise<StepResult[]> {
    if (!this.loopSession) {
      const model = buildLoopModel(this.spec);
      this.loopSession = await createSession(model.bytes, this.o.session);
      log.debug(`trainer: Loop model ready, ${model.bytes.length} bytes`);
    }
    const feeds = this.carriedFeeds();
    feeds[STEPS] = i64([chunk.length], []);
    for (const name of Object.keys(this.spec.batch)) {
      // [steps, ...batch dims]: batch s of the chunk is row s.
      const parts = chunk.map((b) => this.input(b, name));
      const data = concatData(parts.map((p) => p.data));
      feeds[name] = tensorOf(this.spec.batch[name].dtype, data, [chunk.length, ...parts[0].dims]);
    }

    const out = await this.loopSession.run(feeds);
    this.takeCarried(out);
    const [loss, lr, norm] = PER_STEP.map((n) => out[n].data as FloatArray);
    return chunk.map((_, s) => ({
      step: this.stepCount++,
      loss: loss[s],
      lr: lr[s],
      gradNorm: norm[s],
    }));
  }

  private carriedFeeds(): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [key, p] of this.single.params) {
      feeds[key] = floatTensor(this.params.get(key)!, p.dims);
    }
    for (const [name, owner] of this.single.state) {
      feeds[name] = floatTensor(this.state.get(name)!, this.single.params.get(owner)!.dims);
    }
    feeds[STEP] = i64([this.stepCount], []);
    feeds[LR] = f32([this.spec.optimizer.lr], []);
    return feeds;
  }

  private takeCarried(out: Record<string, ort.Tensor>): void {
    const take = (name: string): FloatArray => out[next(name)].data as FloatArray;
    for (const key of this.single.params.keys()) this.params.set(key, take(key));
    for (const name of this.single.state.keys()) this.state.set(name, take(name));
  }

  private input(batch: Batch, name: string): HostTensor {
    const t = batch[name];
    if (!t) {
      const want = Object.keys(this.spec.batch).join(', ');
      throw new GraftError('invalid-argument', `batch: missing input '${name}' (needs ${want})`);
    }
    return t;
  }

  parameters(): Map<string, FloatArray> {
    return new Map([...this.params].map(([k, v]) => [k, v.slice()]));
  }

  snapshot(): TrainerSnapshot {
    return {
      step: this.stepCount,
      params: this.parameters(),
      state: new Map([...this.state].map(([k, v]) => [k, v.slice()])),
      rngState: this.rng.state(),
    };
  }

  restore(s: TrainerSnapshot): void {
    type Tensors = Map<string, FloatArray>;
    const check = (what: string, mine: Tensors, theirs: Tensors): void => {
      for (const [key, v] of mine) {
        const got = theirs.get(key);
        if (!got || got.length !== v.length || got.constructor !== v.constructor) {
          const message = `snapshot: ${what} '${key}' is missing or differs in size or dtype`;
          throw new GraftError('bad-input', message);
        }
      }
    };
    check('parameter', this.params, s.params);
    check('optimizer state', this.state, s.state);

    this.params = new Map([...this.params.keys()].map((k) => [k, s.params.get(k)!.slice()]));
    this.state = new Map([...this.state.keys()].map((k) => [k, s.state.get(k)!.slice()]));
    this.stepCount = s.step;
    this.rng = Rng.fromState(s.rngState);
  }

  inferenceGraph(name = `${this.spec.name}_infer`): GraphBuilder {
    return buildInferenceGraph(this.spec, this.params, name);
  }

  inferenceModel(name?: string): Uint8Array {
    return this.inferenceGraph(name).toModelProto({ prune: true });
  }

  async release(): Promise<void> {
    await this.stepSession?.release();
    await this.loopSession?.release();
    this.stepSession = null;
    this.loopSession = null;
  }
}

function zerosLike(p: FloatArray): FloatArray {
  return p instanceof Float64Array ? new Float64Array(p.length) : new Float32Array(p.length);
}

function floatTensor(data: FloatArray, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor(data instanceof Float64Array ? 'float64' : 'float32', data, [...dims]);
}

function signature(b: Batch): string {
  return Object.entries(b)
    .map(([k, t]) => `${k}:${t.dims.join('x')}`)
    .sort()
    .join('|');
}

function concatData(parts: readonly TensorData[]): TensorData {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const Ctor = parts[0].constructor as new (n: number) => TensorData;
  const out = new Ctor(total);
  let offset = 0;
  for (const p of parts) {
    (out as Float32Array).set(p as Float32Array, offset);
    offset += p.length;
  }
  return out;
}
