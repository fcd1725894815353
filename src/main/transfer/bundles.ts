/**
 * Export graphs of the frozen-encoder strategies beyond feature extraction. Each one is the
 * encoder plus the very builder functions the strategy trained with (trainable = false, values
 * from the run folder), so a bundle still takes input_ids + attention_mask only and outputs
 * probabilities; word-vector and TF-IDF tables sit inside the graph as constants over the
 * model's token ids (static-features.ts).
 */
import type { Model, Run } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { createGraph } from '../engine/graph-impl';
import type { TensorRef } from '../engine/types';
import { poolHidden } from '../models/encoder';
import { buildEncoderStates } from './encoder-states';
import { buildGatedFusion, type GateValues } from './gated-fusion';
import { loadHeadArtifact } from './head-artifact';
import { buildHeadLogits } from './heads';
import { outputActivation } from './multi-label';
import { buildScalarMix } from './scalar-mix';
import { buildStaticFeatures, type StaticParts } from './static-features';
import { loadStrategyArtifact, requireArray } from './strategy-artifact';

type Pooling = 'mean' | 'cls' | 'max';

const f32 = (a: Float32Array | Int32Array): Float32Array =>
  a instanceof Float32Array ? a : Float32Array.from(a);

export async function buildStrategyBundle(
  run: Run,
  model: Model,
  runDir: string,
): Promise<Uint8Array> {
  const head = loadHeadArtifact(runDir).head;
  const artifact = loadStrategyArtifact(runDir);
  const settings = artifact.settings as {
    pooling: Pooling;
    layers?: number[];
    vectorsDim?: number;
  };
  const g = createGraph('graft_classifier', { seed: run.config.seed });
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  const vectors = (): { table: Float32Array; known: Float32Array; dim: number } => ({
    table: f32(requireArray(artifact, 'wv.table')),
    known: f32(requireArray(artifact, 'wv.known')),
    dim: settings.vectorsDim ?? 0,
  });

  let features: TensorRef;
  if (run.strategy === 'scalar-mix') {
    const states = await buildEncoderStates(g, model.path, ids, mask);
    const pooled = states.map((h) => g.unsqueeze(poolHidden(g, h, mask, settings.pooling), [1]));
    const values = {
      s: f32(requireArray(artifact, 'mix.s')),
      gamma: f32(requireArray(artifact, 'mix.gamma')),
    };
    features = buildScalarMix(g, g.concat(pooled, 1), values, false); // [b, J, H] -> [b, H]
  } else if (run.strategy === 'feature-concat') {
    const layers = settings.layers ?? [];
    const states = await buildEncoderStates(g, model.path, ids, mask, Math.max(...layers));
    const parts: TensorRef[] = layers.map((l) => poolHidden(g, states[l], mask, settings.pooling));
    const statics: StaticParts = {
      vectors: artifact.arrays['wv.table'] ? { ...vectors(), coverage: 0 } : null,
      tfidf: artifact.arrays['tfidf.map']
        ? {
            map: Int32Array.from(requireArray(artifact, 'tfidf.map')),
            idf: f32(requireArray(artifact, 'tfidf.idf')),
            features: requireArray(artifact, 'tfidf.idf').length,
          }
        : null,
    };
    if (statics.vectors || statics.tfidf) parts.push(buildStaticFeatures(g, ids, mask, statics));
    features = parts.length === 1 ? parts[0] : g.concat(parts, 1);
  } else if (run.strategy === 'gated-fusion') {
    const states = await buildEncoderStates(g, model.path, ids, mask);
    const values: GateValues = {};
    for (const name of ['gate.w', 'gate.b', 'proj.w', 'proj.b']) {
      if (artifact.arrays[name]) values[name] = f32(artifact.arrays[name]);
    }
    const fusion = buildGatedFusion(
      g,
      { h: states[states.length - 1], ids, mask },
      vectors(),
      values,
      {
        hidden: model.hiddenSize,
        trainable: false,
        pooling: settings.pooling,
      },
    );
    features = fusion.pooled;
  } else {
    throw new GraftError('internal', `no strategy bundle for ${run.strategy}`);
  }

  const logits = buildHeadLogits(g, features, head, { trainable: false });
  g.output(outputActivation(g, logits, run.metrics.test?.multiLabel === true), 'probabilities');
  return g.toModelProto({ prune: true });
}
