/** The bundle's README: what the model is, what it was trained on and how well it did. */
import type { Dataset, Model, Run } from '../../shared/contract';
import type { BundleManifest } from './manifest';

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

export function modelCard(input: {
  run: Run;
  model: Model;
  dataset: Dataset;
  manifest: BundleManifest;
}): string {
  const { run, model, dataset, manifest } = input;
  const test = run.metrics.test;
  const c = run.config;

  const lines = [
    `# ${dataset.name} classifier (${model.name}, ${run.strategy})`,
    '',
    `Exported by Graft ${manifest.source.graftVersion} from run \`${run.id}\` on ${manifest.source.exportedAt}.`,
    '',
    '## Model',
    '',
    `- Encoder: ${model.name} (${model.architecture}, ${model.layers} layers, hidden size ${model.hiddenSize}, ` +
      `${(model.parameters / 1e6).toFixed(1)}M parameters), frozen.`,
    `- Strategy: ${run.strategy}; layer ${c.layer === -1 ? 'last' : c.layer}, ${c.pooling} pooling, ` +
      `${c.head === 'logreg' ? 'logistic-regression' : `MLP (${c.hiddenUnits} hidden units)`} head.`,
    `- Training: ${c.epochs} epochs, batch ${c.batchSize}, AdamW lr ${c.learningRate}, ` +
      `weight decay ${c.weightDecay}, seed ${c.seed}, max length ${c.maxLength} tokens.`,
    '',
    '## Data',
    '',
    `- Dataset: ${dataset.name} (${Object.entries(dataset.splits)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}).`,
    `- Labels, in output order: ${manifest.labels.map((l) => `\`${l}\``).join(', ')}.`,
    '',
  ];

  if (test) {
    lines.push(
      '## Test results',
      '',
      test.multiLabel
        ? `Multi-label: subset accuracy (exact match) ${pct(test.accuracy)}, macro-F1 ` +
            `${test.macroF1.toFixed(4)}, micro-F1 ${(test.microF1 ?? 0).toFixed(4)}. ` +
            'Outputs are independent sigmoid probabilities; a label applies at or above ' +
            `the threshold ${test.threshold ?? 0.5} (tuned on the validation rows).`
        : `Accuracy ${pct(test.accuracy)}, macro-F1 ${test.macroF1.toFixed(4)}.`,
      '',
    );
    lines.push('| label | precision | recall | F1 | support |', '| --- | --- | --- | --- | --- |');
    for (const k of test.perClass) {
      lines.push(
        `| ${k.label} | ${k.precision.toFixed(3)} | ${k.recall.toFixed(3)} | ${k.f1.toFixed(3)} | ${k.support} |`,
      );
    }
    lines.push('');
  }

  lines.push(
    '## Use',
    '',
    `Tokenize with \`tokenizer.json\` (truncate to ${manifest.maxLength} tokens, pad to the longest in the ` +
      'batch), feed `input_ids` and `attention_mask` as int64 `[batch, sequence]` to `model.onnx`, ' +
      'and read `probabilities` (`[batch, classes]`, classes in the order of `labels.json`).',
    '',
    'With Graft installed: `graft predict <this folder> --text "..."`.',
    '',
  );
  return lines.join('\n');
}
