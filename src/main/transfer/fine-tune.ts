/**
 * Fine-tuning: the pre-trained encoder plus a linear head on its pooled output, trained end to
 * end. Either the whole encoder (embeddings included) or only its top k transformer layers
 * unfreeze (unfreezeTopK; k = 0 trains the head alone on un-standardised features). AdamW with
 * the new head at headLrMultiplier times the rate, layer-wise learning-rate decay below it,
 * warmup + linear/cosine decay, global-norm clipping, dropout,
 * decoupled weight decay, optional balanced class weights and early stopping: see
 * encoder-classifier.ts and encoder-training.ts. The top layer is pooled (config.layer is a
 * feature-extraction option and is not used here).
 */
import { GraftError } from '../../shared/errors';
import { inspectModelFolder } from '../models/hf-folder';
import type { RunContext, RunOutcome } from '../runs/run-manager';
import { logger } from '../util/log';
import {
  layerOf,
  loadClassifierModel,
  requirePerLayerWeights,
  type ClassifierLayout,
} from './encoder-classifier';
import { tokeniseForRun } from './encoder-data';
import { trainEncoderClassifier } from './encoder-training';
import type { StrategyDeps } from './index';
import { refuseOnnxOnly } from '../models/onnx-encoder';

const log = logger('transfer');

/**
 * Which parameters train: the head always; with k absent everything, else the encoder layers
 * L-k..L-1 (embeddings stay frozen unless the whole encoder trains).
 */
export function fineTuneTrainable(
  layers: number,
  k: number | undefined,
): (name: string) => boolean {
  if (k !== undefined && !(Number.isInteger(k) && k >= 0 && k <= layers)) {
    throw new GraftError(
      'invalid-argument',
      `unfreezeTopK must be an integer in 0..${layers} ` +
        `(this model has ${layers} layers), or absent to unfreeze the whole encoder; got ${k}`,
    );
  }
  return (name) => {
    if (name.startsWith('head.') || k === undefined) return true;
    const l = layerOf(name);
    return l !== null && l >= layers - k;
  };
}

export async function runFineTune(ctx: RunContext, deps: StrategyDeps): Promise<RunOutcome> {
  const { config } = ctx;
  const dataset = deps.store.datasets.get(config.datasetId);
  const model = deps.store.models.get(config.modelId);
  refuseOnnxOnly(model.path, 'fine-tune');
  const info = inspectModelFolder(model.path);
  const layers = info.layers;
  if (config.unfreezeTopK !== undefined) requirePerLayerWeights(info, 'unfreezeTopK');
  const trainable = fineTuneTrainable(layers, config.unfreezeTopK);

  const { splits, padId } = tokeniseForRun(ctx, deps.store, dataset, model.path);
  const sourceLayers = Array.from({ length: layers }, (_, l) => l);
  const encoder = await loadClassifierModel(model.path, sourceLayers);

  const what =
    config.unfreezeTopK === undefined
      ? 'the whole encoder'
      : `the top ${config.unfreezeTopK} of ${layers} layers`;
  log.info(
    `run ${ctx.runId}: fine-tuning ${what} of ${model.name} on ` +
      `${splits.fit.rows.length} rows for up to ${config.epochs} epochs`,
  );
  const layout: ClassifierLayout = {
    strategy: 'fine-tune',
    sourceLayers,
    pooling: config.pooling,
    labels: dataset.labels,
    modelId: model.id,
  };
  return trainEncoderClassifier({
    ctx,
    model: encoder,
    layout,
    splits,
    padId,
    trainable,
  });
}
