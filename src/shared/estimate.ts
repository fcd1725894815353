/**
 * An honest, rough estimate of a run's wall time and peak memory before it starts, for the
 * wizard's review and the CLI. Pure arithmetic over the dataset's row counts, the model's shape
 * and the run's configuration; it never touches Node or the DOM.
 *
 * Everything is anchored on what was measured on the 2-core CPU this project develops on: the
 * frozen all-MiniLM-L6-v2 encoder (6 layers, hidden 384) embeds about 100-380 short sentences a
 * second through onnxruntime, and a logistic-regression head trains on about 25k-100k cached
 * feature rows a second. Other models scale by layers x hidden^2 (the matmul work per token).
 * Ranges, not points: text length, cache hits and other load on the machine move the real
 * figure, and the estimate says which assumptions it made.
 */
import type { StrategyName, TrainConfig } from './contract';

export interface Range {
  low: number;
  high: number;
}

export interface EstimateInput {
  rows: { train: number; validation?: number; test?: number };
  labels: number;
  model: { parameters: number; layers: number; hiddenSize: number; vocabSize?: number };
  /** The word-vectors model of feature-concat or gated fusion, when one is chosen. */
  wordVectors?: { hiddenSize: number; vocabSize: number } | null;
  config: TrainConfig;
}

export interface EstimatePhase {
  name: string;
  seconds: Range;
  /** True when a feature cache hit from an earlier run skips this phase. */
  cacheable: boolean;
}

export interface Estimate {
  seconds: Range;
  memoryBytes: Range;
  phases: EstimatePhase[];
  assumptions: string[];
}

// The reference encoder: all-MiniLM-L6-v2 on 2 cores, short sentences, maxLength 128.
const REF_LAYERS = 6;
const REF_HIDDEN = 384;
const REF_SENTENCES_PER_SECOND: Range = { low: 100, high: 380 };
// Tokenising and feeding one text, whatever the model (dominates for tiny test models).
const PER_TEXT_OVERHEAD_S: Range = { low: 0.0002, high: 0.001 };
// A training step is a forward pass plus a backward pass of about twice its cost; the engine's
// hand-built training graphs are less fused than ORT's inference kernels, hence up to 2x more.
const BACKWARD_FACTOR = 2;
const ENGINE_SLOWDOWN: Range = { low: 1, high: 2 };
// Head training on cached features: per row and epoch, plus its small matmuls.
const HEAD_ROW_OVERHEAD_S: Range = { low: 0.00001, high: 0.00004 };
const HEAD_FLOPS_PER_SECOND: Range = { low: 0.5e9, high: 2e9 };
// Tokens of a "short" text (a sentence of a review or a question).
const SHORT_TEXT_TOKENS = 32;
// Loading the model and building and loading the ONNX graphs, once per run: measured at about
// 0.5-1.5 s for a tiny BERT; training graphs are larger and take longer to build.
const SETUP_S: Range = { low: 0.2, high: 2 };
const TRAINING_SETUP_S: Range = { low: 0.5, high: 5 };
// Node, the main process and onnxruntime itself.
const PROCESS_BASE_BYTES: Range = { low: 200e6, high: 400e6 };
const FLOAT_BYTES = 4;
// Share of the training rows held out for validation when the dataset has no such split.
const VALIDATION_SHARE = 0.1;

const HEAD_STRATEGIES: StrategyName[] = [
  'feature-extraction',
  'scalar-mix',
  'feature-concat',
  'gated-fusion',
];

const epochs = (n: number): string => (n === 1 ? '1 epoch' : `${n} epochs`);

function range(low: number, high: number): Range {
  return { low, high };
}

function add(...ranges: Range[]): Range {
  return ranges.reduce((a, b) => range(a.low + b.low, a.high + b.high), range(0, 0));
}

function scale(r: Range, factor: number | Range): Range {
  const f = typeof factor === 'number' ? range(factor, factor) : factor;
  return range(r.low * f.low, r.high * f.high);
}

/** Parameters of one BERT-style layer: attention (4 H^2) and the feed-forward (8 H^2). */
function layerParameters(hidden: number): number {
  return 12 * hidden * hidden + 13 * hidden;
}

/** Seconds to push one text through `layers` layers of a model of width `hidden`. */
export function forwardSecondsPerText(layers: number, hidden: number, maxLength: number): Range {
  const work = (layers * hidden * hidden) / (REF_LAYERS * REF_HIDDEN * REF_HIDDEN);
  // Short texts cost the same under any limit above their length; long ones grow to it.
  const shortFactor = Math.min(1, maxLength / SHORT_TEXT_TOKENS);
  const longFactor = Math.max(1, maxLength / 128);
  return range(
    PER_TEXT_OVERHEAD_S.low + (work * shortFactor) / REF_SENTENCES_PER_SECOND.high,
    PER_TEXT_OVERHEAD_S.high + (work * longFactor) / REF_SENTENCES_PER_SECOND.low,
  );
}

/** Width of the vector the head sees, per strategy. */
export function headInputSize(input: EstimateInput): number {
  const { config, model } = input;
  const wordDim = input.wordVectors?.hiddenSize ?? 0;
  switch (config.strategy) {
    case 'feature-concat':
      return (
        (config.layers?.length ?? Math.min(4, model.layers + 1)) * model.hiddenSize +
        wordDim +
        (config.tfidf ? config.tfidfFeatures : 0)
      );
    default:
      return model.hiddenSize;
  }
}

function headFlopsPerRow(input: EstimateInput, inputSize: number): number {
  const { config, labels } = input;
  const outputs = Math.max(2, labels);
  const forward =
    config.head === 'mlp'
      ? inputSize * config.hiddenUnits + config.hiddenUnits * outputs
      : inputSize * outputs;
  // Multiply-adds are 2 flops; backward costs about twice the forward.
  let flops = 2 * forward * (1 + BACKWARD_FACTOR);
  if (config.strategy === 'scalar-mix') flops += 6 * (input.model.layers + 1) * inputSize;
  if (config.strategy === 'gated-fusion') {
    // The gate runs on every token: W is H x (H + word dim).
    flops += 6 * SHORT_TEXT_TOKENS * inputSize * (inputSize + (input.wordVectors?.hiddenSize ?? 0));
  }
  return flops;
}

function splitRows(input: EstimateInput): { fit: number; validation: number; test: number } {
  const validation = input.rows.validation ?? 0;
  const held = validation > 0 ? 0 : Math.round(input.rows.train * VALIDATION_SHARE);
  return {
    fit: input.rows.train - held,
    validation: validation > 0 ? validation : held,
    test: input.rows.test ?? 0,
  };
}

/** Trainable encoder layers of fine-tuning and the student's depth in layer transfer. */
export function trainedLayers(config: TrainConfig, layers: number): number {
  if (config.strategy === 'fine-tune') return Math.min(layers, config.unfreezeTopK ?? layers);
  if (config.strategy === 'layer-transfer') {
    return config.studentLayers?.length ?? Math.max(1, Math.ceil(layers / 2));
  }
  return 0;
}

function timePhases(input: EstimateInput): EstimatePhase[] {
  const { config, model } = input;
  const rows = splitRows(input);
  const all = rows.fit + rows.validation + rows.test;
  const full = forwardSecondsPerText(model.layers, model.hiddenSize, config.maxLength);

  if (HEAD_STRATEGIES.includes(config.strategy)) {
    const flops = headFlopsPerRow(input, headInputSize(input));
    const perRow = range(
      HEAD_ROW_OVERHEAD_S.low + flops / HEAD_FLOPS_PER_SECOND.high,
      HEAD_ROW_OVERHEAD_S.high + flops / HEAD_FLOPS_PER_SECOND.low,
    );
    return [
      { name: 'load the model and build the graphs', seconds: SETUP_S, cacheable: false },
      { name: 'encode every text once (frozen)', seconds: scale(full, all), cacheable: true },
      {
        name: `train the head (${epochs(config.epochs)})`,
        seconds: scale(perRow, config.epochs * (rows.fit + rows.validation)),
        cacheable: false,
      },
    ];
  }

  const k = trainedLayers(config, model.layers);
  const phases: EstimatePhase[] = [
    {
      name: 'load the model, build the training graphs',
      seconds: TRAINING_SETUP_S,
      cacheable: false,
    },
  ];
  let forward = full;
  if (config.strategy === 'layer-transfer') {
    forward = forwardSecondsPerText(k, model.hiddenSize, config.maxLength);
    if (config.distillTemperature > 0) {
      const teacher = scale(full, rows.fit);
      phases.push({ name: "teacher's logits (frozen)", seconds: teacher, cacheable: false });
    }
  }
  // Forward through the whole network, backward only through the trained layers.
  const backward = forwardSecondsPerText(k, model.hiddenSize, config.maxLength);
  const step = scale(add(forward, scale(backward, BACKWARD_FACTOR)), ENGINE_SLOWDOWN);
  const student = config.strategy === 'layer-transfer';
  const what = student ? `a ${k}-layer student` : `${k} of ${model.layers} layers`;
  phases.push({
    name: `train ${what} (${epochs(config.epochs)})`,
    seconds: scale(step, config.epochs * rows.fit),
    cacheable: false,
  });
  phases.push({
    name: 'validate every epoch and test once',
    seconds: scale(forward, config.epochs * rows.validation + rows.test),
    cacheable: false,
  });
  return phases;
}

function memory(input: EstimateInput): Range {
  const { config, model } = input;
  const rows = splitRows(input);
  const all = rows.fit + rows.validation + rows.test;
  const weights = model.parameters * FLOAT_BYTES;
  const wordVectors = input.wordVectors
    ? input.wordVectors.hiddenSize * input.wordVectors.vocabSize * FLOAT_BYTES
    : 0;
  // ORT keeps the weights once, plus prepacked copies and arena slack on the high side.
  const session = range(weights, 2 * weights);
  const base = add(PROCESS_BASE_BYTES, session, range(wordVectors, wordVectors));

  if (HEAD_STRATEGIES.includes(config.strategy)) {
    let perRow = headInputSize(input);
    if (config.strategy === 'scalar-mix') perRow = (model.layers + 1) * model.hiddenSize;
    if (config.strategy === 'gated-fusion') {
      perRow = SHORT_TEXT_TOKENS * (model.hiddenSize + (input.wordVectors?.hiddenSize ?? 0));
    }
    const features = all * perRow * FLOAT_BYTES;
    return add(base, range(features, 2 * features));
  }

  const k = trainedLayers(config, model.layers);
  // Weights, gradients and two Adam moments for every trained parameter.
  const trained = k * layerParameters(model.hiddenSize) * FLOAT_BYTES * 4;
  const encoder = model.layers * layerParameters(model.hiddenSize);
  const embeddings = Math.max(0, model.parameters - encoder);
  const studentEmbeddings = config.strategy === 'layer-transfer' ? embeddings * FLOAT_BYTES * 4 : 0;
  // Saved activations per trained layer: about 16 H floats per token, plus attention scores.
  const tokens = range(Math.min(SHORT_TEXT_TOKENS, config.maxLength), config.maxLength);
  const heads = Math.max(1, Math.round(model.hiddenSize / 64));
  const perToken = (t: number): number =>
    config.batchSize * k * (16 * model.hiddenSize * t + heads * t * t) * FLOAT_BYTES;
  const activations = range(perToken(tokens.low), perToken(tokens.high));
  // The teacher's (or the frozen encoder's) weights are the session's, counted in `base`.
  const state = trained + studentEmbeddings;
  return add(base, range(state, state), activations);
}

export function estimateRun(input: EstimateInput): Estimate {
  const phases = timePhases(input);
  const { config, model } = input;
  const assumptions = [
    `a 2-core CPU where a frozen MiniLM-size encoder (6 layers, hidden 384) embeds ` +
      `${REF_SENTENCES_PER_SECOND.low}-${REF_SENTENCES_PER_SECOND.high} short sentences/s; ` +
      `this model (${model.layers} layers, hidden ${model.hiddenSize}) scaled by layers x hidden²`,
    `short texts at the fast end; texts filling maxLength (${config.maxLength} tokens) at the ` +
      'slow end',
  ];
  if (HEAD_STRATEGIES.includes(config.strategy)) {
    assumptions.push(
      'features cached by an earlier run with the same model, layer(s), pooling ' +
        'and max length skip the encoding phase',
    );
  } else {
    assumptions.push(
      `a training step costs a forward pass plus about ${BACKWARD_FACTOR}x that ` +
        `backward through the trained layers, x${ENGINE_SLOWDOWN.low}-${ENGINE_SLOWDOWN.high} ` +
        'for the engine',
    );
  }
  assumptions.push(
    'memory: float32 weights, Adam state for trained parameters, ' +
      `${PROCESS_BASE_BYTES.low / 1e6}-${PROCESS_BASE_BYTES.high / 1e6} MB for the process`,
  );
  return {
    seconds: add(...phases.map((p) => p.seconds)),
    memoryBytes: memory(input),
    phases,
    assumptions,
  };
}
