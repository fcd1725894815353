/**
 * Every hidden state of a model folder's frozen encoder inside a caller's graph, for the export
 * bundles of strategies that read more than one layer (scalar mix, feature concatenation) or
 * the token-level states (gated fusion). `buildEncoderGraph` pools a single layer only.
 */
import type { GraphBuilder } from '../engine/graph';
import type { TensorRef } from '../engine/types';
import { buildBertEncoder } from '../models/bert';
import { inspectModelFolder } from '../models/hf-folder';
import { loadFolderWeights } from '../models/safetensors';

/** Hidden states 0..depth (0 = embeddings output), each [batch, seq, hidden]. */
export async function buildEncoderStates(
  g: GraphBuilder,
  dir: string,
  inputIds: TensorRef,
  attentionMask: TensorRef,
  depth?: number,
): Promise<TensorRef[]> {
  const info = inspectModelFolder(dir);
  // The pooler and position_ids buffers are not part of the encoder graph.
  const weights = await loadFolderWeights(dir, {
    filter: (name) => !name.includes('pooler.') && !name.endsWith('position_ids'),
  });
  const { hiddenStates } = buildBertEncoder(g, weights, info, {
    inputIds,
    attentionMask,
    layers: depth ?? info.layers,
  });
  return hiddenStates;
}

/** Hidden-state index in 0..count-1 from an index that may count from the end. */
export function resolveLayer(layer: number, count: number): number {
  return layer < 0 ? count + layer : layer;
}
