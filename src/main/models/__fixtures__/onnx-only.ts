/**
 * An ONNX-only copy of an HF model folder: the engine builds the encoder with output
 * last_hidden_state, written as model.onnx beside the tokenizer files, with no weights file.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGraph } from '../../engine/graph-impl';
import { encoderWeight } from '../encoder';
import { inspectModelFolder } from '../hf-folder';
import { loadFolderWeights } from '../safetensors';
import { buildTransformerEncoder } from '../transformer';

export async function writeOnnxOnlyFolder(hfDir: string, out: string): Promise<void> {
  const info = inspectModelFolder(hfDir);
  const weights = await loadFolderWeights(hfDir, { filter: encoderWeight });
  const g = createGraph('onnx-only');
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  const tokenTypeIds = g.input('token_type_ids', 'int64', ['batch', 'seq']);
  const { hiddenStates } = buildTransformerEncoder(g, weights, info, {
    inputIds,
    attentionMask,
    tokenTypeIds,
  });
  g.output(hiddenStates[hiddenStates.length - 1], 'last_hidden_state');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'model.onnx'), g.toModelProto());
  for (const f of ['vocab.txt', 'tokenizer_config.json', 'config.json']) {
    if (existsSync(join(hfDir, f))) copyFileSync(join(hfDir, f), join(out, f));
  }
}
