/**
 * Gated fusion: per token, the frozen contextual state h (last layer, [batch, seq, H]) and the
 * static word vector w of the same WordPiece token (zeros for specials and unknown words) are
 * fused by a trained gate, then pooled into the head:
 *
 *   w' = w P + p            (only when the vectors' dim D differs from H; P: [D, H])
 *   g  = sigmoid([h; w'] W + b)           W: [2H, H], per token and per dimension
 *   fused = g * h + (1 - g) * w'          -> pooled over real tokens -> head
 *
 * The encoder stays frozen, so its token states are computed once and cached on disk
 * (token-states.ts); each step reads its batch back. The gate's average opening (mean g over
 * real tokens of the test split; 1 = only contextual, 0 = only static) goes into the details.
 */
import { GraftError } from '../../shared/errors';
import type { GraphBuilder } from '../engine/graph';
import type { TensorRef } from '../engine/types';
import { mulberry32 } from '../datasets/split';
import { poolHidden } from '../models/encoder';
import { loadWordVectors } from '../models/word-vectors';
import type { RunContext, RunOutcome } from '../runs/run-manager';
import { finalScores, heldOutRows, trainedHead, trainGraph } from './graph-training';
import { saveHeadArtifact } from './head-artifact';
import { buildHeadLogits, featureStatistics, initialHead, type HeadState } from './heads';
import type { StrategyDeps } from './index';
import { loadRunData, runTargets, testOutcome, wordVectorsModel } from './run-data';
import { headDropout } from './scalar-mix';
import {
  buildTokenVectors,
  readTokenVocab,
  wordVectorTable,
  type WordVectorTable,
} from './static-features';
import { saveStrategyArtifact } from './strategy-artifact';
import { tokenStates, type TokenStates } from './token-states';
import { refuseOnnxOnly } from '../models/onnx-encoder';

/** Starting gate bias: sigmoid(1) = 0.73, so training starts close to the contextual states. */
const GATE_BIAS_INIT = 1;

export type GateValues = Record<string, Float32Array>;

export function initialGate(H: number, D: number, seed: number): GateValues {
  const random = mulberry32(seed ^ 0x6a7e);
  const glorot = (rows: number, cols: number): Float32Array => {
    const limit = Math.sqrt(6 / (rows + cols));
    return Float32Array.from({ length: rows * cols }, () => (random() * 2 - 1) * limit);
  };
  const values: GateValues = {
    'gate.w': glorot(2 * H, H),
    'gate.b': new Float32Array(H).fill(GATE_BIAS_INIT),
  };
  if (D !== H) {
    values['proj.w'] = glorot(D, H);
    values['proj.b'] = new Float32Array(H);
  }
  return values;
}

export interface FusionResult {
  /** [batch, H] pooled fused states. */
  pooled: TensorRef;
  /** [batch]: mean gate opening over the row's real tokens. */
  gate: TensorRef;
}

export function buildGatedFusion(
  g: GraphBuilder,
  inputs: { h: TensorRef; ids: TensorRef; mask: TensorRef },
  table: Pick<WordVectorTable, 'table' | 'known' | 'dim'>,
  values: GateValues,
  opts: { hidden: number; trainable: boolean; pooling: 'mean' | 'cls' | 'max' },
): FusionResult {
  const H = opts.hidden;
  const p = (name: string, shape: number[]): TensorRef =>
    g.param(name, values[name], shape, { trainable: opts.trainable });

  let w = buildTokenVectors(g, inputs.ids, table as WordVectorTable); // [b, s, D]
  if (table.dim !== H) w = g.add(g.matMul(w, p('proj.w', [table.dim, H])), p('proj.b', [H]));
  const both = g.concat([inputs.h, w], 2); // [b, s, 2H]
  const gate = g.sigmoid(g.add(g.matMul(both, p('gate.w', [2 * H, H])), p('gate.b', [H])));
  const fused = g.add(g.mul(gate, inputs.h), g.mul(g.sub(g.scalar(1), gate), w));

  const real = g.cast(inputs.mask, 'float32'); // [b, s]
  const perToken = g.reduceMean(gate, [2], false); // [b, s]
  const opening = g.div(
    g.reduceSum(g.mul(perToken, real), [1], false),
    g.max(g.reduceSum(real, [1], false), g.scalar(1)),
  );
  return { pooled: poolHidden(g, fused, inputs.mask, opts.pooling), gate: opening };
}

const noDecay = (name: string): boolean => /\.b\d?$/.test(name);

export async function runGatedFusion(ctx: RunContext, deps: StrategyDeps): Promise<RunOutcome> {
  const { config } = ctx;
  const data = loadRunData(ctx, deps);
  refuseOnnxOnly(data.model.path, 'gated-fusion');
  const vectorsModel = wordVectorsModel(ctx, deps);
  if (!vectorsModel) {
    throw new GraftError(
      'invalid-argument',
      'wordVectorsId: gated-fusion needs a word-vectors model ' +
        '(import a GloVe or word2vec .txt/.vec/.gz file and pass its id)',
    );
  }
  const vectors = loadWordVectors(vectorsModel.path);
  const table = wordVectorTable(readTokenVocab(data.model.path), vectors);
  const H = data.model.hiddenSize;

  const started = performance.now();
  const states = async (
    split: 'train' | 'test' | 'validation',
    texts: string[],
  ): Promise<TokenStates> =>
    tokenStates({
      model: data.model,
      datasetHash: data.dataset.contentHash,
      split,
      texts,
      maxLength: config.maxLength,
      cacheDir: deps.layout.features,
      signal: ctx.signal,
      onProgress: (done, total, message) =>
        ctx.progress({ phase: 'features', done, total, message }),
    });
  const train = await states('train', data.train.texts);
  const test = await states('test', data.test.texts);
  const validation = data.validation ? await states('validation', data.validation.texts) : null;
  ctx.timings.features = (performance.now() - started) / 1000;
  ctx.timings.featureCacheHit = train.cacheHit && test.cacheHit ? 1 : 0;

  try {
    const classes = data.dataset.labels.length;
    const head: HeadState = initialHead(
      { kind: config.head, inputs: H, classes, hiddenUnits: config.hiddenUnits },
      featureStatistics(train.pooled.select(data.fit)), // fused starts near h: h's statistics
      config.seed,
    );
    const initial = initialGate(H, table.dim, config.seed);
    const trainLabels = Int32Array.from(data.train.labels);
    const targets = runTargets(data);
    const held = heldOutRows(data, train, validation);
    const trainStarted = performance.now();
    const trained = await trainGraph({
      config,
      classes,
      inputs: {
        h: { dtype: 'float32', shape: ['batch', 'sequence', H] },
        input_ids: { dtype: 'int64', shape: ['batch', 'sequence'] },
        attention_mask: { dtype: 'int64', shape: ['batch', 'sequence'] },
      },
      forward(g, b, training) {
        const fusion = buildGatedFusion(
          g,
          { h: b.h, ids: b.input_ids, mask: b.attention_mask },
          table,
          initial,
          {
            hidden: H,
            trainable: true,
            pooling: config.pooling,
          },
        );
        const logits = buildHeadLogits(g, fusion.pooled, head, {
          trainable: true,
          dropout: headDropout(config, training),
        });
        return { logits, outputs: { gate: fusion.gate } };
      },
      noDecay,
      source: train,
      labels: trainLabels,
      targets: targets.train,
      fit: data.fit,
      validation: held,
      signal: ctx.signal,
      onProgress: (done, total, message, trainLoss) =>
        ctx.progress({ phase: 'training', done, total, message, trainLoss }),
      onEpoch: (point) => ctx.epoch(point),
    });
    ctx.timings.training = (performance.now() - trainStarted) / 1000;

    ctx.progress({
      phase: 'evaluating',
      done: 0,
      total: test.rows,
      message: 'scoring the test split',
    });
    const scores = await finalScores(
      trained,
      {
        source: test,
        rows: data.test.labels.map((_, i) => i),
        labels: Int32Array.from(data.test.labels),
        targets: targets.test,
      },
      held,
    );

    const values: GateValues = {};
    for (const name of Object.keys(initial)) values[name] = trained.params.get(name)!;
    saveHeadArtifact(ctx.runDir, {
      head: trainedHead(head, trained.params),
      labels: data.dataset.labels,
      modelId: data.model.id,
      hiddenSize: H,
    });
    saveStrategyArtifact(ctx.runDir, {
      strategy: 'gated-fusion',
      settings: { pooling: config.pooling, vectorsDim: table.dim },
      arrays: { ...values, 'wv.table': table.table, 'wv.known': table.known },
    });

    const gate = scores.test.outputs.gate ?? new Float32Array();
    const opening = gate.reduce((a, v) => a + v, 0) / Math.max(1, gate.length);
    return testOutcome(
      ctx,
      data,
      scores.test.probabilities,
      scores.test.loss,
      {
        gateOpening: Number(opening.toFixed(4)),
        note: 'gateOpening: mean g over real test tokens; 1 = contextual only, 0 = word vectors only',
        wordVectors: {
          model: vectorsModel.name,
          dim: vectors.dim,
          lowercase: vectors.lowercase,
          tokenCoverage: Number(table.coverage.toFixed(4)),
        },
      },
      scores.held?.probabilities,
    );
  } finally {
    train.close();
    test.close();
    validation?.close();
  }
}
