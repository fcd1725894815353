/**
 * Scoring an encoder classifier while it trains: an evaluation graph with the trainable
 * parameters as inputs gives probabilities (softmax, or sigmoids for a multi-label dataset)
 * and the mean loss for validation, a sample of train and the test split.
 */
import { createGraph } from '../engine/graph-impl';
import {
  createSession,
  f32,
  i64,
  readFloat,
  type EngineSession,
  type ort,
} from '../engine/session';
import { argmaxRows, classificationMetrics } from '../evaluation/metrics';
import {
  multiLabelMetrics,
  subsetAccuracyOf,
  thresholdRows,
  tuneLabelThresholds,
  tuneThreshold,
} from '../evaluation/multi-label';
import { packRows } from '../models/tokenizer';
import { buildClassifierLogits } from './encoder-classifier';
import type { TokenisedSplit } from './encoder-data';
import type { EncoderTrainingRequest } from './encoder-training';
import { meanBinaryCrossEntropy, outputActivation, pickRows } from './multi-label';

const EVAL_BATCH = 64;

type FloatArray = Float32Array | Float64Array;

/** Scores rows with given parameter values; the trainable ones are graph inputs. */
export class ClassifierEvaluator {
  private constructor(
    private readonly session: EngineSession,
    private readonly params: { name: string; dims: number[] }[],
    private readonly classes: number,
    private readonly padId: number,
  ) {}

  static async create(r: EncoderTrainingRequest): Promise<ClassifierEvaluator> {
    const g = createGraph(`${r.layout.strategy}_eval`, { seed: r.ctx.config.seed });
    const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
    const attentionMask = g.input('attention_mask', 'int64', ['batch', 'seq']);
    const logits = buildClassifierLogits(g, r.model, r.layout, {
      inputIds,
      attentionMask,
      trainable: r.trainable,
      seed: r.ctx.config.seed,
    });
    g.output(outputActivation(g, logits, r.splits.fit.targets !== undefined), 'probabilities');
    const params = g.trainableParams().map((p) => ({
      name: p.ref.name as string,
      dims: p.ref.shape as number[],
    }));
    const session = await createSession(g.toModelProto(), { provider: 'cpu' });
    return new ClassifierEvaluator(session, params, r.layout.labels.length, r.padId);
  }

  /** Probabilities [rows, classes] and mean cross-entropy; batches sorted by length. */
  async score(
    values: ReadonlyMap<string, FloatArray>,
    split: TokenisedSplit,
    indices?: readonly number[],
  ): Promise<Scored> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const p of this.params) feeds[p.name] = f32(values.get(p.name) as Float32Array, p.dims);
    const idx = indices ? [...indices] : split.rows.map((_, i) => i);
    const order = idx
      .map((_, k) => k)
      .sort((a, b) => split.rows[idx[b]].ids.length - split.rows[idx[a]].ids.length);

    const C = this.classes;
    const probabilities = new Float32Array(idx.length * C);
    const labels = Int32Array.from(idx, (i) => split.labels[i]);
    for (let start = 0; start < order.length; start += EVAL_BATCH) {
      const chunk = order.slice(start, start + EVAL_BATCH);
      const b = packRows(
        chunk.map((k) => split.rows[idx[k]]),
        this.padId,
      );
      const out = await this.session.run(
        {
          ...feeds,
          input_ids: i64(b.inputIds, [b.batch, b.seqLen]),
          attention_mask: i64(b.attentionMask, [b.batch, b.seqLen]),
        },
        ['probabilities'],
      );
      const probs = readFloat(out.probabilities);
      chunk.forEach((k, r) => probabilities.set(probs.subarray(r * C, (r + 1) * C), k * C));
    }

    if (split.targets) {
      const targets = pickRows(split.targets, idx, C);
      return {
        probabilities,
        loss: meanBinaryCrossEntropy(probabilities, targets),
        labels,
        targets,
      };
    }
    let loss = 0;
    labels.forEach((y, k) => {
      loss -= Math.log(Math.max(probabilities[k * C + y], 1e-12));
    });
    return { probabilities, loss: loss / Math.max(1, labels.length), labels };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

export interface Scored {
  probabilities: Float32Array;
  loss: number;
  labels: Int32Array;
  /** Multi-label: multi-hot targets of the scored rows. */
  targets?: Float32Array;
}

/** Accuracy, or subset accuracy at 0.5 for a multi-label split. */
export function accuracy(scored: Scored, classes: number): number {
  const { probabilities, labels: y, targets } = scored;
  if (targets) return subsetAccuracyOf(probabilities, targets, classes);
  const predicted = argmaxRows(probabilities, classes);
  let correct = 0;
  predicted.forEach((p, i) => {
    if (p === y[i]) correct++;
  });
  return y.length === 0 ? 0 : correct / y.length;
}

/**
 * Early-stopping metric: macro-F1 (balanced classes), else accuracy; for multi-label the
 * macro-F1 at the thresholds the test split will get, tuned on these very rows (a fixed 0.5
 * would score a prior-initialised head's rare labels as never predicted).
 */
export function validationMetric(
  onVal: Scored,
  split: TokenisedSplit,
  labels: string[],
  useF1: boolean,
): number {
  if (split.sets) {
    const C = labels.length;
    const global = tuneThreshold(onVal.probabilities, split.sets, C);
    const thresholds = tuneLabelThresholds(onVal.probabilities, split.sets, C, global);
    const predicted = thresholdRows(onVal.probabilities, C, thresholds);
    return multiLabelMetrics(split.sets, predicted, labels, onVal.loss, global).macroF1;
  }
  if (!useF1) return accuracy(onVal, labels.length);
  const predicted = argmaxRows(onVal.probabilities, labels.length);
  return classificationMetrics(onVal.labels, predicted, labels, onVal.loss).macroF1;
}
