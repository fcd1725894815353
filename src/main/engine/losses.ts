/**
 * Loss functions as builder sub-graphs. Each returns a float scalar ready for `gradients`.
 *
 * They are compositions of table ops (log-softmax, softplus, ...), chosen for numerical
 * stability: cross-entropy never takes log of a softmax, BCE never takes log of a sigmoid.
 */
import { GraftError } from '../../shared/errors';
import type { GraphBuilder } from './graph';
import type { TensorRef } from './types';
import { formatShape, isFloat } from './types';

function fail(what: string, message: string): never {
  throw new GraftError('invalid-argument', `${what}: ${message}`);
}

export interface CrossEntropyOptions {
  /** One weight per class (default all 1). The mean is then ∑ wᵢ·lᵢ / ∑ wᵢ, as in PyTorch. */
  classWeights?: readonly number[];
  /** In [0, 1), default 0: targets become (1 − ε)·onehot + ε/C. */
  labelSmoothing?: number;
}

/**
 * Softmax cross-entropy on logits [N, C] with int64 labels [N] (N may be symbolic):
 * lᵢ = −∑_c tᵢc · log softmax(zᵢ)_c, averaged over the batch (weighted when classWeights).
 */
export function softmaxCrossEntropy(
  g: GraphBuilder,
  logits: TensorRef,
  labels: TensorRef,
  opts: CrossEntropyOptions = {},
): TensorRef {
  const what = 'softmaxCrossEntropy';
  if (logits.shape.length !== 2 || !isFloat(logits.dtype)) {
    fail(what, `logits must be float [N, C], got ${logits.dtype}${formatShape(logits.shape)}`);
  }
  if (labels.dtype !== 'int64' || labels.shape.length !== 1) {
    fail(what, `labels must be int64 [N], got ${labels.dtype}${formatShape(labels.shape)}`);
  }
  const classes = logits.shape[1];
  if (typeof classes !== 'number') fail(what, `the class dim must be static, got '${classes}'`);
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps < 1)) fail(what, `labelSmoothing must be in [0, 1), got ${eps}`);
  const dt = logits.dtype;

  // onehot[i, c] = (labels[i] == c), built from Equal so it needs no OneHot kernel.
  const range = g.constant(
    Array.from({ length: classes }, (_, c) => c),
    'int64',
    [classes],
  );
  const onehot = g.cast(g.equal(g.unsqueeze(labels, [1]), range), dt); // [N, C]
  const target =
    eps === 0 ? onehot : g.add(g.mul(onehot, g.scalar(1 - eps, dt)), g.scalar(eps / classes, dt));

  const perSample = g.neg(g.reduceSum(g.mul(target, g.logSoftmax(logits, 1)), [1])); // [N]
  if (!opts.classWeights) return g.reduceMean(perSample);

  if (opts.classWeights.length !== classes) {
    fail(what, `classWeights has ${opts.classWeights.length} entries for ${classes} classes`);
  }
  const w = g.reduceSum(g.mul(onehot, g.constant([...opts.classWeights], dt, [classes])), [1]);
  return g.div(g.reduceSum(g.mul(w, perSample)), g.reduceSum(w));
}

/**
 * Binary cross-entropy with logits, for multi-label targets in [0, 1] of the logits' shape:
 * l = softplus(z) − z·y (= −y·log σ(z) − (1 − y)·log(1 − σ(z))), averaged over all elements.
 */
export function binaryCrossEntropyWithLogits(
  g: GraphBuilder,
  logits: TensorRef,
  targets: TensorRef,
): TensorRef {
  if (logits.dtype !== targets.dtype || !isFloat(logits.dtype)) {
    fail(
      'binaryCrossEntropyWithLogits',
      `logits and targets must share a float dtype, got ` + `${logits.dtype} and ${targets.dtype}`,
    );
  }
  return g.reduceMean(g.sub(g.softplus(logits), g.mul(logits, targets)));
}

/** Mean squared error: mean((pred − target)²) over all elements. */
export function meanSquaredError(g: GraphBuilder, pred: TensorRef, target: TensorRef): TensorRef {
  const d = g.sub(pred, target);
  return g.reduceMean(g.mul(d, d));
}

export interface DistillOptions {
  /** Softening temperature T (default 2). The loss is scaled by T² (Hinton et al. 2015). */
  temperature?: number;
}

/**
 * Distillation KL divergence KL(p_teacher ‖ p_student) on logits [N, C] at temperature T:
 * T² · mean_i ∑_c p_t·(log p_t − log p_s), with p = softmax(z / T). The teacher's logits are
 * usually a batch input, so no gradient flows to them.
 */
export function distillationKL(
  g: GraphBuilder,
  studentLogits: TensorRef,
  teacherLogits: TensorRef,
  opts: DistillOptions = {},
): TensorRef {
  const temp = opts.temperature ?? 2;
  if (!(temp > 0)) fail('distillationKL', `temperature must be > 0, got ${temp}`);
  const dt = studentLogits.dtype;
  const invT = g.scalar(1 / temp, dt);

  const logPs = g.logSoftmax(g.mul(studentLogits, invT), -1);
  const logPt = g.logSoftmax(g.mul(teacherLogits, invT), -1);
  const kl = g.reduceSum(g.mul(g.exp(logPt), g.sub(logPt, logPs)), [-1]);
  return g.mul(g.reduceMean(kl), g.scalar(temp * temp, dt));
}
