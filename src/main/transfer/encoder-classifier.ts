/**
 * The encoder classifier shared by fine-tuning and layer transfer: a BERT encoder (the
 * teacher's, or a shallower student built from chosen teacher layers), pooling, dropout and a
 * linear head. One function builds it into the training step, the evaluation graph and the
 * export bundle, so the three cannot drift apart.
 *
 * Trained values live in the run folder as an engine checkpoint (classifier.ckpt) holding only
 * the parameters that trained; everything frozen is re-read from the model folder, so a
 * top-2 fine-tune of MiniLM stores 3.5 M floats instead of 22 M. Export rebuilds the graph from
 * the model folder with the checkpoint's values as frozen overrides (createGraph frozenParams).
 */
import { join } from 'node:path';
import type { Model, Run, TrainConfig } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { loadCheckpoint, saveCheckpoint } from '../engine/checkpoint';
import type { GraphBuilder } from '../engine/graph';
import { createGraph } from '../engine/graph-impl';
import type { OptimizerSpec, ParamGroup } from '../engine/optimizers';
import type { TensorRef } from '../engine/types';
import { mulberry32 } from '../datasets/split';
import { bertWeightPrefix, buildBertEncoder } from '../models/bert';
import { encoderWeight, poolHidden, type Pooling } from '../models/encoder';
import { inspectModelFolder, type BertConfig } from '../models/hf-folder';
import { loadFolderWeights, type Weights } from '../models/safetensors';
import { outputActivation } from './multi-label';

export const CLASSIFIER_FILE = 'classifier.ckpt';
const CLASSIFIER_FORMAT = 'graft-encoder-classifier/1';

/** What a checkpoint needs besides its tensors to rebuild the classifier. */
export interface ClassifierLayout {
  strategy: 'fine-tune' | 'layer-transfer';
  /** Teacher layer (0-based) copied into encoder layer i; fine-tune: 0..L-1. */
  sourceLayers: number[];
  pooling: Pooling;
  labels: string[];
  modelId: string;
}

/** The encoder a classifier is built on: weights under HF names, with the matching config. */
export interface ClassifierModel {
  weights: Weights;
  config: BertConfig;
}

export interface ClassifierBuildOptions {
  inputIds: TensorRef;
  attentionMask: TensorRef;
  /** HF name (or head.w / head.b) -> trainable; default everything frozen. */
  trainable?: (name: string) => boolean;
  /** Dropout on (encoder hidden and attention, and on the pooled vector before the head). */
  training?: boolean;
  dropout?: number;
  /** Seed of the head's Glorot initialisation (only the shape matters when overridden). */
  seed?: number;
  /** Initial head bias [classes] (default zeros), e.g. multi-label prior log-odds. */
  headBias?: Float32Array;
}

/**
 * Transformer layer l's weights: encoder.layer.l. (BERT, RoBERTa, XLM-R, ELECTRA) or
 * transformer.layer.l. (DistilBERT). ALBERT shares one block across layers, so it has no
 * per-layer weights to pick or freeze (see perLayerWeights).
 */
export const LAYER_NAME = /^(?:encoder|transformer)\.layer\.(\d+)\./;

/** The transformer layer a parameter belongs to, or null (embeddings, head, shared blocks). */
export function layerOf(name: string): number | null {
  const m = LAYER_NAME.exec(name);
  return m ? Number(m[1]) : null;
}

/** Refuses per-layer choices (top-k, student layers) on ALBERT's shared layers. */
export function requirePerLayerWeights(config: BertConfig, option: string): void {
  if (config.modelType === 'albert') {
    throw new GraftError(
      'unsupported',
      `${option}: ALBERT shares its weights across layers, ` +
        `so layers cannot be chosen one by one; use fine-tune on the whole encoder instead`,
    );
  }
}

/** Every other layer ending at the top: 6 layers -> [1, 3, 5]; 1 layer -> [0]. */
export function defaultStudentLayers(layers: number): number[] {
  const out: number[] = [];
  for (let l = layers - 1; l >= 0; l -= 2) out.unshift(l);
  return out;
}

/** Checks teacher layer indices: strictly increasing, each in 0..layers-1. */
export function checkSourceLayers(sourceLayers: readonly number[], layers: number): void {
  const ok =
    sourceLayers.length > 0 &&
    sourceLayers.every(
      (l, i) => Number.isInteger(l) && l >= 0 && l < layers && (i === 0 || l > sourceLayers[i - 1]),
    );
  if (!ok) {
    throw new GraftError(
      'invalid-argument',
      `studentLayers must be increasing teacher layer ` +
        `indices in 0..${layers - 1} (0-based), got [${sourceLayers.join(', ')}]`,
    );
  }
}

/**
 * The model folder's encoder with teacher layer sourceLayers[i] renamed to layer i, and the
 * config shortened to match: the student is an ordinary BERT of sourceLayers.length layers.
 * Tensors are shared with the loaded map, not copied.
 */
export async function loadClassifierModel(
  dir: string,
  sourceLayers: readonly number[],
): Promise<ClassifierModel> {
  const info = inspectModelFolder(dir);
  checkSourceLayers(sourceLayers, info.layers);
  const identity = sourceLayers.every((l, i) => l === i) && sourceLayers.length === info.layers;
  if (!identity) requirePerLayerWeights(info, 'studentLayers');
  const all = await loadFolderWeights(dir, { filter: encoderWeight });
  const prefix = bertWeightPrefix(all);
  const target = new Map(sourceLayers.map((s, i) => [s, i]));

  const weights: Weights = new Map();
  for (const [name, tensor] of all) {
    const local = name.slice(prefix.length);
    const from = layerOf(local);
    if (from === null) {
      weights.set(name, tensor);
      continue;
    }
    const to = target.get(from);
    if (to === undefined) continue; // a teacher layer the student leaves out
    weights.set(prefix + local.replace(LAYER_NAME, (m) => m.replace(/\d+/, String(to))), tensor);
  }
  const config: BertConfig = { ...info, layers: sourceLayers.length };
  return { weights, config };
}

/** input ids + mask -> logits [batch, classes]: encoder, pooling, dropout, linear head. */
export function buildClassifierLogits(
  g: GraphBuilder,
  model: ClassifierModel,
  layout: Pick<ClassifierLayout, 'pooling' | 'labels'>,
  o: ClassifierBuildOptions,
): TensorRef {
  const trainable = o.trainable ?? ((): boolean => false);
  const training = o.training ?? false;
  const p = o.dropout ?? 0;
  const { hiddenStates } = buildBertEncoder(g, model.weights, model.config, {
    inputIds: o.inputIds,
    attentionMask: o.attentionMask,
    trainable,
    training: training && p > 0,
    hiddenDropout: p,
    attentionDropout: p,
  });

  let pooled = poolHidden(
    g,
    hiddenStates[hiddenStates.length - 1],
    o.attentionMask,
    layout.pooling,
  ); // [batch, H]
  if (training && p > 0) pooled = g.dropout(pooled, p, { training: true });

  const H = model.config.hiddenSize;
  const C = layout.labels.length;
  const init = glorot(H, C, o.seed ?? 0);
  const w = g.param('head.w', init, [H, C], { trainable: trainable('head.w') });
  const bias = o.headBias ?? new Float32Array(C);
  const b = g.param('head.b', bias, [C], { trainable: trainable('head.b') });
  return g.add(g.matMul(pooled, w), b);
}

function glorot(rows: number, cols: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const limit = Math.sqrt(6 / (rows + cols));
  return Float32Array.from({ length: rows * cols }, () => (random() * 2 - 1) * limit);
}

/**
 * Depth of a parameter below the top for layer-wise learning-rate decay: the head and the top
 * layer 0, layer l of L: L-1-l, the embeddings L (Sun et al. 2019, "How to Fine-Tune BERT").
 */
export function decayLevel(name: string, layers: number): number {
  const l = layerOf(name);
  if (l !== null) return layers - 1 - l;
  // ALBERT's shared block serves every layer, the top one included.
  return name.startsWith('head.') || name.includes('albert_layer_groups.') ? 0 : layers;
}

/** Biases and LayerNorm scales take no weight decay (the usual BERT recipe). */
export const noWeightDecay = (name: string): boolean =>
  name.endsWith('.bias') || /LayerNorm|layer_norm/.test(name) || name === 'head.b';

const isHead = (name: string): boolean => name.startsWith('head.');

/**
 * The learning rate of one parameter: lr · decay^level for encoder parameters; the head,
 * freshly initialised, takes lr · headLrMultiplier (at lr 5e-5 a random head moves too little
 * in one epoch to leave its start: multi-label BCE heads then predict their prior only).
 */
export function parameterLr(config: TrainConfig, name: string, layers: number): number {
  if (isHead(name)) return config.learningRate * config.headLrMultiplier;
  return config.learningRate * config.layerwiseLrDecay ** decayLevel(name, layers);
}

/**
 * AdamW with the head at its own rate, layer-wise rates below, no decay on biases and norms,
 * warmup + decay, clipping.
 */
export function classifierOptimizer(
  config: TrainConfig,
  layers: number,
  totalSteps: number,
): OptimizerSpec {
  const groups: ParamGroup[] = [true, false].map((nd) => ({
    match: (n: string) => isHead(n) && noWeightDecay(n) === nd,
    lr: config.learningRate * config.headLrMultiplier,
    weightDecay: nd ? 0 : config.weightDecay,
  }));
  for (let level = 0; level <= layers; level++) {
    const lr = config.learningRate * config.layerwiseLrDecay ** level;
    for (const nd of [true, false]) {
      groups.push({
        match: (n) => decayLevel(n, layers) === level && noWeightDecay(n) === nd,
        lr,
        weightDecay: nd ? 0 : config.weightDecay,
      });
    }
  }
  // The step graph needs warmup < total; a one-step run simply has no warmup.
  const warmupSteps = Math.min(Math.round(config.warmupRatio * totalSteps), totalSteps - 1);
  const schedule =
    config.schedule === 'constant'
      ? { kind: 'constant' as const }
      : { kind: config.schedule, warmupSteps: Math.max(0, warmupSteps), totalSteps };
  return {
    kind: 'adamw',
    lr: config.learningRate,
    weightDecay: config.weightDecay,
    schedule,
    clipNorm: config.clipNorm,
    groups,
  };
}

type FloatArray = Float32Array | Float64Array;

export function saveClassifier(
  runDir: string,
  layout: ClassifierLayout,
  params: ReadonlyMap<string, FloatArray>,
  step: number,
): void {
  const snapshot = { step, params: new Map(params), state: new Map(), rngState: 0 };
  saveCheckpoint(join(runDir, CLASSIFIER_FILE), snapshot, { format: CLASSIFIER_FORMAT, ...layout });
}

export function loadClassifier(runDir: string): {
  layout: ClassifierLayout;
  params: Map<string, FloatArray>;
} {
  const file = join(runDir, CLASSIFIER_FILE);
  const { snapshot, meta } = loadCheckpoint(file);
  if (meta.format !== CLASSIFIER_FORMAT) {
    throw new GraftError(
      'bad-input',
      `${file}: format "${String(meta.format)}", expected ${CLASSIFIER_FORMAT}`,
    );
  }
  return { layout: meta as unknown as ClassifierLayout, params: snapshot.params };
}

/** The export graph: token ids + mask -> probabilities, trained values frozen in. */
export async function buildClassifierBundleGraph(
  run: Run,
  model: Model,
  runDir: string,
): Promise<Uint8Array> {
  const { layout, params } = loadClassifier(runDir);
  const encoder = await loadClassifierModel(model.path, layout.sourceLayers);
  const g = createGraph('graft_classifier', { seed: run.config.seed, frozenParams: params });
  const inputIds = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  const logits = buildClassifierLogits(g, encoder, layout, { inputIds, attentionMask });
  const multiLabel = run.metrics.test?.multiLabel === true;
  g.output(outputActivation(g, logits, multiLabel), 'probabilities');
  return g.toModelProto();
}
