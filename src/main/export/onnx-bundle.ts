/**
 * Export of a frozen-feature run on an ONNX-only encoder: the imported graph is kept as it is
 * and a small graph built with the engine (pooling + the trained head) is merged into it, the
 * head reading the chosen hidden state's value directly. The head graph's names are prefixed,
 * so they can never collide with the imported graph's.
 */
import type { Run } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import { createGraph } from '../engine/graph-impl';
import type { GraphBuilder } from '../engine/graph';
import { encodeModel, ModelProto, type ModelProtoObj } from '../engine/onnx-proto';
import type { TensorRef } from '../engine/types';
import { poolHidden } from '../models/encoder';
import { inspectOnnxFolder, readGraph, type Obj, type RawGraph } from '../models/onnx-encoder';
import { loadHeadArtifact } from '../transfer/head-artifact';
import { buildHeadLogits } from '../transfer/heads';
import { logger } from '../util/log';

const log = logger('models');
const PREFIX = 'graft_head/';
const TOKEN_TYPES = 'graft_token_types';

interface Named {
  name?: string;
  input?: string[];
  output?: string[];
}

export async function buildOnnxHeadBundleGraph(
  run: Run,
  modelDir: string,
  runDir: string,
  activation: (g: GraphBuilder, logits: TensorRef) => TensorRef,
): Promise<Uint8Array> {
  const info = inspectOnnxFolder(modelDir);
  const count = info.hiddenValues.length;
  const layer = run.config.layer;
  const index = layer < 0 ? count + layer : layer;
  if (index < 0 || index >= count) {
    throw new GraftError(
      'invalid-argument',
      `layer ${layer} is not a hidden-state index of ONNX model ${modelDir} (${count} found)`,
    );
  }
  const artifact = loadHeadArtifact(runDir);

  // The head: pooled hidden state -> logits -> probabilities, reading `hidden` and the mask.
  const g = createGraph('graft_head', { seed: run.config.seed });
  const inputIds = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  const hidden = g.input('hidden', 'float32', ['batch', 'sequence', info.hiddenSize]);
  const pooled = poolHidden(g, hidden, mask, run.config.pooling);
  const logits = buildHeadLogits(g, pooled, artifact.head, { trainable: false });
  g.output(activation(g, logits), 'probabilities');
  const tokenTypes = info.inputs.includes('token_type_ids');
  if (tokenTypes) g.output(g.sub(inputIds, inputIds), TOKEN_TYPES); // segment 0 everywhere
  const head = ModelProto.toObject(ModelProto.decode(g.toModelProto()), {
    longs: Number,
    defaults: false,
  });

  const keep: Record<string, string> = {
    input_ids: 'input_ids',
    attention_mask: 'attention_mask',
    hidden: info.hiddenValues[index],
    probabilities: 'probabilities',
    [TOKEN_TYPES]: 'token_type_ids',
    '': '',
  };
  const rename = (n: string): string => keep[n] ?? `${PREFIX}${n}`;
  const hg = head.graph as RawGraph & { node: Named[]; initializer: Named[] };
  for (const n of hg.node ?? []) {
    if (n.name) n.name = rename(n.name);
    n.input = (n.input ?? []).map(rename);
    n.output = (n.output ?? []).map(rename);
  }
  for (const t of hg.initializer ?? []) t.name = rename(t.name ?? '');

  const { model, graph } = readGraph(modelDir);
  graph.node = [...(graph.node ?? []), ...(hg.node ?? [])];
  graph.initializer = [...(graph.initializer ?? []), ...(hg.initializer ?? [])];
  graph.input = (graph.input ?? []).filter((v) => v.name !== 'token_type_ids');
  graph.output = (hg.output ?? []).filter((v) => v.name === 'probabilities');
  model.opsetImport = mergeOpsets(model.opsetImport, head.opsetImport);
  model.irVersion = Math.max(Number(model.irVersion ?? 0), Number(head.irVersion ?? 0));
  log.info(`export: head merged into ONNX-only encoder ${modelDir} at hidden state ${index}`);
  return encodeModel(model as unknown as ModelProtoObj);
}

function mergeOpsets(a: unknown, b: unknown): Obj[] {
  const versions = new Map<string, number>();
  for (const o of [...((a as Obj[]) ?? []), ...((b as Obj[]) ?? [])]) {
    const domain = String(o.domain ?? '');
    versions.set(domain, Math.max(versions.get(domain) ?? 0, Number(o.version ?? 0)));
  }
  return [...versions].map(([domain, version]) => ({ domain, version }));
}
