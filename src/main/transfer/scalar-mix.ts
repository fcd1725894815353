/**
 * Scalar mix (ELMo style): every hidden state of the frozen encoder is pooled (cached once per
 * model, dataset, pooling and max length), and the run learns softmax-normalised layer weights
 * s_j and a scale gamma together with the head:
 *
 *   mix = gamma * sum_j softmax(s)_j * pooled_j      pooled: [batch, L + 1, H] -> [batch, H]
 *
 * Mixing pooled states equals pooling the mixed states for mean and [CLS] pooling (both are
 * linear); for max pooling it mixes the per-layer maxima. The learned weights are stored in the
 * run's details and in its folder for export.
 */
import type { TrainConfig } from '../../shared/contract';
import type { GraphBuilder } from '../engine/graph';
import type { TensorRef } from '../engine/types';
import type { RunContext, RunOutcome } from '../runs/run-manager';
import { FeatureMatrix } from './features';
import {
  finalScores,
  heldOutRows,
  trainedHead,
  trainGraph,
  type BatchSource,
} from './graph-training';
import { saveHeadArtifact } from './head-artifact';
import { buildHeadLogits, featureStatistics, initialHead, type HeadState } from './heads';
import type { StrategyDeps } from './index';
import { loadRunData, pooledSplits, runTargets, testOutcome } from './run-data';
import { saveStrategyArtifact } from './strategy-artifact';

export interface MixValues {
  /** [J] unnormalised layer weights. */
  s: Float32Array;
  /** [1] scale. */
  gamma: Float32Array;
}

/** stacked: [batch, J, H] pooled hidden states -> [batch, H]. */
export function buildScalarMix(
  g: GraphBuilder,
  stacked: TensorRef,
  values: MixValues,
  trainable: boolean,
): TensorRef {
  const J = values.s.length;
  const s = g.param('mix.s', values.s, [J], { trainable });
  const gamma = g.param('mix.gamma', values.gamma, [1], { trainable });
  const weights = g.reshape(g.softmax(s, -1), [1, J, 1]); // broadcast over batch and hidden
  return g.mul(gamma, g.reduceSum(g.mul(stacked, weights), [1], false));
}

export function softmaxOf(s: Float32Array): number[] {
  const top = Math.max(...s);
  const e = Array.from(s, (v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** Rows of [J * H] features fed as [batch, J, H]. */
function stackedSource(x: FeatureMatrix, J: number, H: number): BatchSource {
  return {
    batch(rows) {
      const data = new Float32Array(rows.length * x.cols);
      rows.forEach((r, i) => data.set(x.row(r), i * x.cols));
      return { x: { data, dims: [rows.length, J, H] } };
    },
  };
}

/** The per-row average over layers: what the mix starts as, for the head's standardisation. */
function uniformMix(x: FeatureMatrix, J: number, H: number): FeatureMatrix {
  const out = new Float32Array(x.rows * H);
  for (let r = 0; r < x.rows; r++) {
    const row = x.row(r);
    for (let j = 0; j < J; j++) for (let c = 0; c < H; c++) out[r * H + c] += row[j * H + c] / J;
  }
  return new FeatureMatrix(out, x.rows, H);
}

export function headDropout(config: TrainConfig, training: boolean): number {
  return training && config.head === 'mlp' ? config.dropout : 0;
}

/** Biases, layer weights and scales take no weight decay. */
export const noDecay = (name: string): boolean => /\.b\d?$/.test(name) || name.startsWith('mix.');

export async function runScalarMix(ctx: RunContext, deps: StrategyDeps): Promise<RunOutcome> {
  const { config } = ctx;
  const data = loadRunData(ctx, deps);
  const J = data.model.layers + 1;
  const H = data.model.hiddenSize;
  const all = Array.from({ length: J }, (_, j) => j);
  const features = await pooledSplits(ctx, deps, data, all);

  const classes = data.dataset.labels.length;
  const stats = featureStatistics(uniformMix(features.train.select(data.fit), J, H));
  const head: HeadState = initialHead(
    { kind: config.head, inputs: H, classes, hiddenUnits: config.hiddenUnits },
    stats,
    config.seed,
  );
  const initial: MixValues = { s: new Float32Array(J), gamma: Float32Array.of(1) };

  const started = performance.now();
  const trainLabels = Int32Array.from(data.train.labels);
  const trainSource = stackedSource(features.train, J, H);
  const targets = runTargets(data);
  const validation = heldOutRows(
    data,
    trainSource,
    features.validation ? stackedSource(features.validation, J, H) : null,
  );
  const trained = await trainGraph({
    config,
    classes,
    inputs: { x: { dtype: 'float32', shape: ['batch', J, H] } },
    forward(g, batch, training) {
      const mix = buildScalarMix(g, batch.x, initial, true);
      return {
        logits: buildHeadLogits(g, mix, head, {
          trainable: true,
          dropout: headDropout(config, training),
        }),
      };
    },
    noDecay,
    source: trainSource,
    labels: trainLabels,
    targets: targets.train,
    fit: data.fit,
    validation,
    stepsPerRun: 8,
    signal: ctx.signal,
    onProgress: (done, total, message, trainLoss) =>
      ctx.progress({ phase: 'training', done, total, message, trainLoss }),
    onEpoch: (point) => ctx.epoch(point),
  });
  ctx.timings.training = (performance.now() - started) / 1000;

  ctx.progress({
    phase: 'evaluating',
    done: 0,
    total: data.test.texts.length,
    message: 'scoring the test split',
  });
  const scores = await finalScores(
    trained,
    {
      source: stackedSource(features.test, J, H),
      rows: data.test.labels.map((_, i) => i),
      labels: Int32Array.from(data.test.labels),
      targets: targets.test,
    },
    validation,
  );

  const values: MixValues = {
    s: trained.params.get('mix.s')!,
    gamma: trained.params.get('mix.gamma')!,
  };
  saveHeadArtifact(ctx.runDir, {
    head: trainedHead(head, trained.params),
    labels: data.dataset.labels,
    modelId: data.model.id,
    hiddenSize: H,
  });
  saveStrategyArtifact(ctx.runDir, {
    strategy: 'scalar-mix',
    settings: { hiddenStates: J, pooling: config.pooling },
    arrays: { 'mix.s': values.s, 'mix.gamma': values.gamma },
  });

  const layerWeights = softmaxOf(values.s).map((w) => Number(w.toFixed(4)));
  return testOutcome(
    ctx,
    data,
    scores.test.probabilities,
    scores.test.loss,
    {
      layerWeights,
      gamma: Number(values.gamma[0].toFixed(4)),
      note: 'layerWeights[0] is the embeddings output, layerWeights[k] layer k (softmax of s)',
    },
    scores.held?.probabilities,
  );
}
