/**
 * Trains a head on fixed feature vectors with the engine: one ONNX training-step graph
 * (forward, softmax cross-entropy, gradients, AdamW) run per mini-batch, and one evaluation
 * graph that takes the current parameters as inputs for validation and test scoring.
 */
import type { CurvePoint, TrainConfig } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { gradients } from '../engine/autodiff';
import { createGraph } from '../engine/graph-impl';
import type { GraphBuilder } from '../engine/graph';
import type { TensorRef } from '../engine/types';
import { optimizerStep } from '../engine/optimizers';
import {
  createSession,
  f32,
  i64,
  readFloat,
  type EngineSession,
  type ort,
} from '../engine/session';
import { mulberry32 } from '../datasets/split';
import { argmaxRows } from '../evaluation/metrics';
import { subsetAccuracyOf } from '../evaluation/multi-label';
import type { FeatureMatrix } from './features';
import { buildHeadLogits, featureStatistics, initialHead, type HeadState } from './heads';
import { classifierLoss, outputActivation, pickRows } from './multi-label';

const MLP_DROPOUT = 0.1;
const EVAL_BATCH = 1024;
const RNG_COUNTER = 'graft_rng_counter';

export interface LabelledFeatures {
  x: FeatureMatrix;
  y: Int32Array;
  /** Multi-label runs: multi-hot targets [rows, classes]; `y` is then the first label. */
  targets?: Float32Array;
}

/** The label input: class indices, or multi-hot rows for a multi-label head. */
function labelInput(g: GraphBuilder, classes: number, multiLabel: boolean): TensorRef {
  return multiLabel
    ? g.input('y', 'float32', ['batch', classes])
    : g.input('y', 'int64', ['batch']);
}

/** The label feed for rows [start, end) (or the chosen rows) of the data. */
function labelFeed(data: LabelledFeatures, rows: ArrayLike<number>, classes: number): ort.Tensor {
  if (data.targets) return f32(pickRows(data.targets, rows, classes), [rows.length, classes]);
  return i64(
    BigInt64Array.from(rows, (r) => BigInt(data.y[r])),
    [rows.length],
  );
}

const range = (start: number, end: number): Int32Array =>
  Int32Array.from({ length: end - start }, (_, i) => start + i);

export interface TrainHeadRequest {
  config: TrainConfig;
  classes: number;
  /** Sigmoid outputs with binary cross-entropy on multi-hot targets (train.targets). */
  multiLabel?: boolean;
  train: LabelledFeatures;
  validation: LabelledFeatures | null;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string, trainLoss?: number) => void;
  onEpoch?: (point: CurvePoint) => void;
}

export interface TrainedHead {
  state: HeadState;
  /** Releases the evaluation session. */
  release(): Promise<void>;
  evaluator: HeadEvaluator;
}

/** Scores features with given parameter values: loss (mean cross-entropy) and probabilities. */
export class HeadEvaluator {
  private constructor(
    private readonly session: EngineSession,
    private readonly paramNames: string[],
    private readonly classes: number,
  ) {}

  static async create(initial: HeadState, multiLabel = false): Promise<HeadEvaluator> {
    const g = createGraph('head_eval');
    const x = g.input('x', 'float32', ['batch', initial.shape.inputs]);
    const y = labelInput(g, initial.shape.classes, multiLabel);
    const logits = buildHeadLogits(g, x, initial, { trainable: true });
    g.output(outputActivation(g, logits, multiLabel), 'probabilities');
    g.output(classifierLoss(g, logits, y, multiLabel), 'loss');
    const names = g.trainableParams().map((p) => p.ref.name as string);
    const session = await createSession(g.toModelProto(), { provider: 'cpu' });
    return new HeadEvaluator(session, names, initial.shape.classes);
  }

  async score(
    state: HeadState,
    data: LabelledFeatures,
  ): Promise<{ probabilities: Float32Array; loss: number }> {
    const params = paramFeeds(state, this.paramNames);
    const probabilities = new Float32Array(data.x.rows * this.classes);
    let lossSum = 0;

    for (let start = 0; start < data.x.rows; start += EVAL_BATCH) {
      const end = Math.min(data.x.rows, start + EVAL_BATCH);
      const out = await this.session.run({
        ...params,
        x: f32(data.x.data.subarray(start * data.x.cols, end * data.x.cols), [
          end - start,
          data.x.cols,
        ]),
        y: labelFeed(data, range(start, end), this.classes),
      });
      probabilities.set(readFloat(out.probabilities), start * this.classes);
      lossSum += readFloat(out.loss)[0] * (end - start);
    }
    return { probabilities, loss: lossSum / Math.max(1, data.x.rows) };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

function paramFeeds(state: HeadState, names: readonly string[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of names) {
    const value = state.params[name];
    if (!value) throw new GraftError('internal', `head parameter ${name} has no value`);
    feeds[name] = f32(value.data, value.shape);
  }
  return feeds;
}

function accuracyOf(probabilities: Float32Array, classes: number, data: LabelledFeatures): number {
  if (data.targets) return subsetAccuracyOf(probabilities, data.targets, classes);
  const y = data.y;
  const predicted = argmaxRows(probabilities, classes);
  let correct = 0;
  for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) correct++;
  return y.length === 0 ? 0 : correct / y.length;
}

async function buildTrainStep(
  initial: HeadState,
  config: TrainConfig,
  multiLabel: boolean,
): Promise<{
  session: EngineSession;
  paramNames: string[];
  stateSlots: { input: string; output: string; shape: number[] }[];
}> {
  const g = createGraph('head_train', { seed: config.seed });
  const x = g.input('x', 'float32', ['batch', initial.shape.inputs]);
  const y = labelInput(g, initial.shape.classes, multiLabel);
  const step = g.input('step', 'int64', []);
  const lr = g.input('lr', 'float32', []);

  const dropout = initial.shape.kind === 'mlp' ? MLP_DROPOUT : 0;
  const logits = buildHeadLogits(g, x, initial, { trainable: true, dropout });
  const loss = classifierLoss(g, logits, y, multiLabel);
  const params = g.trainableParams();
  const grads = gradients(
    g,
    loss,
    params.map((p) => p.ref),
  );

  const noDecay = (name: string): boolean => /\.b\d?$/.test(name); // biases take no weight decay
  const opt = optimizerStep(
    g,
    {
      kind: 'adamw',
      lr: config.learningRate,
      weightDecay: config.weightDecay,
      groups: [{ match: noDecay, weightDecay: 0 }],
    },
    params.map((p, i) => ({ key: p.ref.name, param: p.ref, grad: grads[i] })),
    step,
    lr,
  );

  g.output(loss, 'loss');
  params.forEach((p, i) => g.output(opt.newParams[i], `${p.ref.name}.next`));
  const stateSlots = opt.state.map((s, i) => {
    g.output(s.output, `state${i}.next`);
    return {
      input: s.input.name as string,
      output: `state${i}.next`,
      shape: s.input.shape as number[],
    };
  });

  const session = await createSession(g.toModelProto(), { provider: 'cpu' });
  return { session, paramNames: params.map((p) => p.ref.name as string), stateSlots };
}

export async function trainHead(request: TrainHeadRequest): Promise<TrainedHead> {
  const { config, train } = request;
  if (train.x.rows === 0) throw new GraftError('bad-input', 'the training split is empty');

  const stats = featureStatistics(train.x);
  const shape = {
    kind: config.head,
    inputs: train.x.cols,
    classes: request.classes,
    hiddenUnits: config.hiddenUnits,
  };
  const multiLabel = request.multiLabel === true;
  if (multiLabel && !train.targets) {
    throw new GraftError('internal', 'a multi-label head needs multi-hot training targets');
  }
  const state = initialHead(shape, stats, config.seed);
  const { session, paramNames, stateSlots } = await buildTrainStep(state, config, multiLabel);
  const evaluator = await HeadEvaluator.create(state, multiLabel);

  const optState = new Map<string, Float32Array>(
    stateSlots.map((s) => [s.input, new Float32Array(s.shape.reduce((a, b) => a * b, 1))]),
  );
  const random = mulberry32(config.seed ^ 0x5eed);
  const order = Int32Array.from({ length: train.x.rows }, (_, i) => i);
  const stepsPerEpoch = Math.ceil(train.x.rows / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  let stepIndex = 0;

  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      // Seeded Fisher-Yates: the same seed visits the examples in the same order.
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }

      let epochLoss = 0;
      for (let b = 0; b < stepsPerEpoch; b++) {
        if (request.signal?.aborted) throw new GraftError('cancelled', 'run cancelled');
        const rows = order.subarray(
          b * config.batchSize,
          Math.min(order.length, (b + 1) * config.batchSize),
        );
        const xb = new Float32Array(rows.length * train.x.cols);
        rows.forEach((r, k) => xb.set(train.x.row(r), k * train.x.cols));

        const feeds: Record<string, ort.Tensor> = {
          ...paramFeeds(state, paramNames),
          x: f32(xb, [rows.length, train.x.cols]),
          y: labelFeed(train, rows, request.classes),
          step: i64([stepIndex], []),
          lr: f32([config.learningRate], []),
          [RNG_COUNTER]: i64([stepIndex], []),
        };
        for (const s of stateSlots) feeds[s.input] = f32(optState.get(s.input)!, s.shape);

        const out = await session.run(feeds);
        for (const name of paramNames) {
          state.params[name] = {
            shape: state.params[name].shape,
            data: readFloat(out[`${name}.next`]) as Float32Array,
          };
        }
        for (const s of stateSlots) optState.set(s.input, readFloat(out[s.output]) as Float32Array);

        const loss = readFloat(out.loss)[0];
        if (!Number.isFinite(loss)) {
          throw new GraftError(
            'bad-input',
            `training diverged at epoch ${epoch} (loss ${loss}); lower the learning rate (now ${config.learningRate})`,
          );
        }
        epochLoss += loss * rows.length;
        stepIndex++;
        if (stepIndex % 20 === 0 || stepIndex === totalSteps) {
          request.onProgress?.(stepIndex, totalSteps, `epoch ${epoch}/${config.epochs}`, loss);
        }
      }

      const trainScore = await evaluator.score(state, train);
      const validation = request.validation
        ? await evaluator.score(state, request.validation)
        : null;
      request.onEpoch?.({
        epoch,
        trainLoss: epochLoss / train.x.rows,
        trainAccuracy: accuracyOf(trainScore.probabilities, request.classes, train),
        validationLoss: validation ? validation.loss : null,
        validationAccuracy:
          validation && request.validation
            ? accuracyOf(validation.probabilities, request.classes, request.validation)
            : null,
      });
    }
  } catch (error) {
    await evaluator.release();
    throw error;
  } finally {
    await session.release();
  }

  return { state, evaluator, release: () => evaluator.release() };
}

export async function evaluateHead(
  head: TrainedHead,
  x: FeatureMatrix,
  y: Int32Array,
  targets?: Float32Array,
): Promise<{
  predicted: Int32Array;
  probabilities: Float32Array;
  loss: number;
}> {
  const { probabilities, loss } = await head.evaluator.score(head.state, { x, y, targets });
  return { predicted: argmaxRows(probabilities, head.state.shape.classes), probabilities, loss };
}
