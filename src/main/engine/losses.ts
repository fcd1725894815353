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

export interface BinaryCrossEntropyOptions {
  /**
   * One weight per label (the last axis) on the positive term, as PyTorch's `pos_weight`:
   * l = −(w·y·log σ(z) + (1 − y)·log(1 − σ(z))). Default all 1.
   */
  posWeight?: readonly number[];
}

/**
 * Binary cross-entropy with logits, for multi-label targets in [0, 1] of the logits' shape:
 * l = softplus(z) − z·y (= −y·log σ(z) − (1 − y)·log(1 − σ(z))), averaged over all elements.
 * With posWeight w: l = (1 + (w − 1)·y)·softplus(z) − w·y·z, since −log σ(z) = softplus(z) − z.
 */
export function binaryCrossEntropyWithLogits(
  g: GraphBuilder,
  logits: TensorRef,
  targets: TensorRef,
  opts: BinaryCrossEntropyOptions = {},
): TensorRef {
  const what = 'binaryCrossEntropyWithLogits';
  if (logits.dtype !== targets.dtype || !isFloat(logits.dtype)) {
    fail(
      what,
      `logits and targets must share a float dtype, got ${logits.dtype} and ${targets.dtype}`,
    );
  }
  if (!opts.posWeight) return g.reduceMean(g.sub(g.softplus(logits), g.mul(logits, targets)));

  const labels = logits.shape[logits.shape.length - 1];
  if (opts.posWeight.length !== labels) {
    fail(what, `posWeight has ${opts.posWeight.length} entries for ${String(labels)} labels`);
  }
  if (!opts.posWeight.every((w) => Number.isFinite(w) && w > 0)) {
    fail(what, `posWeight entries must be finite and > 0, got [${opts.posWeight.join(', ')}]`);
  }
  const dt = logits.dtype;
  const w = g.constant([...opts.posWeight], dt, [labels as number]); // [C], broadcast over rows
  const wy = g.mul(targets, w);
  const scale = g.add(g.sub(wy, targets), g.scalar(1, dt)); // 1 + (w − 1)·y
  return g.reduceMean(g.sub(g.mul(scale, g.softplus(logits)), g.mul(wy, logits)));
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
  const { zs, zt, tempSquared } = softened(g, 'distillationKL', studentLogits, teacherLogits, opts);

  const logPs = g.logSoftmax(zs, -1);
  const logPt = g.logSoftmax(zt, -1);
  const kl = g.reduceSum(g.mul(g.exp(logPt), g.sub(logPt, logPs)), [-1]);
  return g.mul(g.reduceMean(kl), tempSquared);
}

/**
 * Distillation for independent sigmoid outputs (multi-label): the Bernoulli KL divergence of
 * the teacher's soft targets q = σ(t/T) from the student's p = σ(z/T), per label, averaged over
 * all elements and scaled by T² (Hinton et al. 2015):
 * T² · mean[q·(log q − log p) + (1 − q)·(log(1 − q) − log(1 − p))].
 * It is the student's BCE against the soft targets minus the teacher's own entropy, a constant,
 * so the gradient is that of BCE(z/T, q) and the loss is 0 where the student agrees.
 */
export function sigmoidDistillationKL(
  g: GraphBuilder,
  studentLogits: TensorRef,
  teacherLogits: TensorRef,
  opts: DistillOptions = {},
): TensorRef {
  const { zs, zt, tempSquared } = softened(
    g,
    'sigmoidDistillationKL',
    studentLogits,
    teacherLogits,
    opts,
  );

  const q = g.sigmoid(zt);
  // BCE(z, q) = softplus(z) − q·z; KL = BCE(zs, q) − BCE(zt, q)
  const bce = (z: TensorRef): TensorRef => g.sub(g.softplus(z), g.mul(q, z));
  const kl = g.sub(bce(zs), bce(zt));
  return g.mul(g.reduceMean(kl), tempSquared);
}

/** Both logits divided by the temperature T, and T² to scale the loss back (Hinton et al.). */
function softened(
  g: GraphBuilder,
  what: string,
  studentLogits: TensorRef,
  teacherLogits: TensorRef,
  opts: DistillOptions,
): { zs: TensorRef; zt: TensorRef; tempSquared: TensorRef } {
  const temp = opts.temperature ?? 2;
  if (!(temp > 0)) fail(what, `temperature must be > 0, got ${temp}`);
  const dt = studentLogits.dtype;
  const invT = g.scalar(1 / temp, dt);
  return {
    zs: g.mul(studentLogits, invT),
    zt: g.mul(teacherLogits, invT),
    tempSquared: g.scalar(temp * temp, dt),
  };
}
