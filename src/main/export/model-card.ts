/** The bundle's README: what the model is, what it was trained on and how well it did. */
import {
  versionedName,
  type Model,
  type Run,
  type RunDataset,
  type TrainConfig,
} from '../../shared/contract';
import type { BundleManifest } from './manifest';

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

const layerName = (layer: number): string => (layer === -1 ? 'the last layer' : `layer ${layer}`);

function headName(c: TrainConfig): string {
  return c.head === 'logreg'
    ? 'a logistic-regression head'
    : `an MLP head (${c.hiddenUnits} units)`;
}

/** One sentence per strategy: what stayed frozen, what trained. */
function strategyLine(strategy: Run['strategy'], c: TrainConfig): string {
  const pooled = `${c.pooling} pooling`;
  switch (strategy) {
    case 'feature-extraction':
      return `frozen encoder, ${layerName(c.layer)} with ${pooled}, into ${headName(c)}.`;
    case 'scalar-mix':
      return (
        `frozen encoder; a learned softmax-weighted mix of every layer, ${pooled}, ` +
        `into ${headName(c)}.`
      );
    case 'feature-concat': {
      const layers = c.layers ? `layers ${c.layers.join(', ')}` : 'the last four layers';
      const extras = [c.wordVectorsId ? 'averaged word vectors' : '', c.tfidf ? 'TF-IDF' : '']
        .filter(Boolean)
        .map((e) => ` plus ${e}`)
        .join('');
      return `frozen encoder; ${layers} (${pooled}) concatenated${extras}, into ${headName(c)}.`;
    }
    case 'gated-fusion':
      return (
        'frozen encoder and word vectors; a learned per-token gate mixes them, then ' +
        `${pooled} into ${headName(c)}.`
      );
    case 'layer-transfer': {
      const layers = c.studentLayers
        ? `teacher layers ${c.studentLayers.join(', ')}`
        : 'every ' + 'other teacher layer';
      const distil =
        c.distillTemperature > 0
          ? `, distilled from the teacher at temperature ${c.distillTemperature}`
          : '';
      return (
        `a smaller student built from the teacher's embeddings and ${layers}, trained ` +
        `end to end${distil}.`
      );
    }
    case 'fine-tune': {
      const part =
        c.unfreezeTopK === undefined
          ? 'the whole encoder'
          : `the top ${c.unfreezeTopK} encoder layers`;
      return (
        `${part} fine-tuned with the head (${c.schedule} schedule, warmup ` +
        `${c.warmupRatio}, layer-wise lr decay ${c.layerwiseLrDecay}).`
      );
    }
  }
}

function resultLines(test: NonNullable<Run['metrics']['test']>): string[] {
  const summary = test.multiLabel
    ? `Multi-label: subset accuracy (exact match) ${pct(test.accuracy)}, macro-F1 ` +
      `${test.macroF1.toFixed(4)}, micro-F1 ${(test.microF1 ?? 0).toFixed(4)}. ` +
      'Outputs are independent sigmoid probabilities; a label applies at or above ' +
      (test.thresholds
        ? `its threshold in the table (tuned on the validation rows; ${test.threshold ?? 0.5} ` +
          'for labels with too few validation positives).'
        : `the threshold ${test.threshold ?? 0.5} (tuned on the validation rows).`)
    : `Accuracy ${pct(test.accuracy)}, macro-F1 ${test.macroF1.toFixed(4)}.`;
  const lines = ['## Test results', '', summary, ''];

  const t = test.thresholds;
  lines.push(
    `| label | precision | recall | F1 | support |${t ? ' threshold |' : ''}`,
    `| --- | --- | --- | --- | --- |${t ? ' --- |' : ''}`,
  );
  test.perClass.forEach((k, c) => {
    const scores = [k.precision, k.recall, k.f1].map((x) => x.toFixed(3)).join(' | ');
    lines.push(`| ${k.label} | ${scores} | ${k.support} |${t ? ` ${t[c]} |` : ''}`);
  });
  lines.push('');
  return lines;
}

/**
 * What card and manifest call the run's dataset: always with its version ("sst2 v1"), since a
 * bundle outlives the dataset list that would tell v1 from a later v2; the id when unknown.
 */
export function bundleDatasetName(run: Run, dataset: RunDataset | null): string {
  return dataset ? versionedName(dataset) : run.datasetId;
}

/** The card's words on the dataset after its name. */
function datasetFacts(dataset: RunDataset | null): string {
  if (!dataset) return 'deleted before this export; its splits and content hash are unknown';
  const splits = Object.entries(dataset.splits).map(([k, v]) => `${k} ${v}`);
  return `${splits.join(', ')}; content hash \`${dataset.contentHash}\``;
}

export function modelCard(input: {
  run: Run;
  model: Model;
  /** Null: a run older than runs keeping their dataset, whose dataset is deleted. */
  dataset: RunDataset | null;
  manifest: BundleManifest;
}): string {
  const { run, model, dataset, manifest } = input;
  const c = run.config as TrainConfig;
  const source = manifest.source;
  const size =
    `${model.layers} layers, hidden size ${model.hiddenSize}, ` +
    `${(model.parameters / 1e6).toFixed(1)}M parameters`;
  const name = bundleDatasetName(run, dataset);

  const lines = [
    `# ${name} classifier (${model.name}, ${run.strategy})`,
    '',
    `Exported by Graft ${source.graftVersion} from run \`${run.id}\` on ${source.exportedAt}.`,
    '',
    '## Model',
    '',
    `- Encoder: ${model.name} (${model.architecture}, ${size}).`,
    `- Strategy: ${run.strategy}: ${strategyLine(run.strategy, c)}`,
    `- Training: ${c.epochs} epochs, batch ${c.batchSize}, AdamW lr ${c.learningRate}, ` +
      `weight decay ${c.weightDecay}, seed ${c.seed}, max length ${c.maxLength} tokens.`,
    '',
    '## Data',
    '',
    `- Dataset: ${name} (${datasetFacts(dataset)}).`,
    `- Labels, in output order: ${manifest.labels.map((l) => `\`${l}\``).join(', ')}.`,
    '',
  ];
  if (run.metrics.test) lines.push(...resultLines(run.metrics.test));

  lines.push(
    '## Use',
    '',
    `Tokenize with \`tokenizer.json\` (truncate to ${manifest.maxLength} tokens, pad to the ` +
      'longest in the batch), feed `input_ids` and `attention_mask` as int64 ' +
      '`[batch, sequence]` to `model.onnx`, and read `probabilities` (`[batch, classes]`, ' +
      'classes in the order of `labels.json`).',
    '',
    'With Graft installed: `graft predict <this folder> --text "..."`.',
    '',
  );
  return lines.join('\n');
}
