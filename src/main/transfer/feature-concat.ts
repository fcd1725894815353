/**
 * Feature concatenation: several frozen hidden states (default the last four), each pooled,
 * side by side, optionally followed by averaged static word vectors (`wordVectorsId`) and
 * TF-IDF features (`tfidf`, `tfidfFeatures`; vocabulary from the fitted training rows only),
 * into a head. Per-layer pooled features come from the same cache entry as scalar mix (all
 * hidden states), so trying other layer sets never re-runs the encoder.
 */
import { GraftError } from '../../shared/errors';
import { loadTokenizer } from '../models/tokenizer';
import { loadWordVectors } from '../models/word-vectors';
import type { RunContext, RunOutcome } from '../runs/run-manager';
import { effectiveMaxLength, type FeatureMatrix } from './features';
import { evaluateHead, trainHead } from './head-training';
import { targetsOf } from './multi-label';

type Scored = Awaited<ReturnType<typeof evaluateHead>>;
import { saveHeadArtifact } from './head-artifact';
import type { StrategyDeps } from './index';
import {
  hconcat,
  loadRunData,
  pooledSplits,
  selectBlocks,
  runTargets,
  testOutcome,
  wordVectorsModel,
} from './run-data';
import {
  computeStaticFeatures,
  fitTfidf,
  readTokenVocab,
  wordVectorTable,
  type StaticParts,
} from './static-features';
import { saveStrategyArtifact, type StoredArray } from './strategy-artifact';

/** Hidden-state indices (0..L) from the request, default the last four (or fewer). */
export function concatLayers(
  requested: readonly number[] | undefined,
  modelLayers: number,
): number[] {
  const count = modelLayers + 1;
  const wanted =
    requested ?? Array.from({ length: Math.min(4, count) }, (_, k) => count - 1 - k).reverse();
  return wanted.map((l) => {
    const index = l < 0 ? count + l : l;
    if (!Number.isInteger(l) || index < 0 || index >= count) {
      throw new GraftError(
        'invalid-argument',
        `layers: ${l} is not a hidden-state index; accepted ` +
          `0..${count - 1} (0 = embeddings) or -${count}..-1`,
      );
    }
    return index;
  });
}

export async function runFeatureConcat(ctx: RunContext, deps: StrategyDeps): Promise<RunOutcome> {
  const { config } = ctx;
  const data = loadRunData(ctx, deps);
  const H = data.model.hiddenSize;
  const layers = concatLayers(config.layers, data.model.layers);
  const all = Array.from({ length: data.model.layers + 1 }, (_, j) => j);
  const pooled = await pooledSplits(ctx, deps, data, all);
  const pick = (x: FeatureMatrix): FeatureMatrix => selectBlocks(x, layers, H);

  // Static parts over the model's token ids (see static-features.ts for why token ids).
  const vectorsModel = wordVectorsModel(ctx, deps);
  const parts: StaticParts = { vectors: null, tfidf: null };
  const details: Record<string, unknown> = { layers };
  if (vectorsModel || config.tfidf) {
    const vocab = readTokenVocab(data.model.path);
    const tokenizer = loadTokenizer(data.model.path);
    const maxLength = effectiveMaxLength(config.maxLength, tokenizer.maxLength);
    const encode = (texts: readonly string[]): ReturnType<typeof tokenizer.encode>[] =>
      texts.map((t) => tokenizer.encode(t, { maxLength }));
    const trainRows = encode(data.train.texts);
    if (vectorsModel) {
      const vectors = loadWordVectors(vectorsModel.path);
      parts.vectors = wordVectorTable(vocab, vectors);
      details.wordVectors = {
        model: vectorsModel.name,
        dim: vectors.dim,
        lowercase: vectors.lowercase,
        tokenCoverage: Number(parts.vectors.coverage.toFixed(4)),
      };
    }
    if (config.tfidf) {
      parts.tfidf = fitTfidf(
        data.fit.map((i) => trainRows[i]),
        vocab,
        config.tfidfFeatures,
      );
      details.tfidfFeatures = parts.tfidf.features;
    }
    const withStatic = async (
      x: FeatureMatrix,
      rows: ReturnType<typeof encode>,
    ): Promise<FeatureMatrix> =>
      hconcat([pick(x), await computeStaticFeatures(rows, tokenizer.padId, parts)]);
    pooled.train = await withStatic(pooled.train, trainRows);
    pooled.test = await withStatic(pooled.test, encode(data.test.texts));
    if (pooled.validation && data.validation) {
      pooled.validation = await withStatic(pooled.validation, encode(data.validation.texts));
    }
  } else {
    pooled.train = pick(pooled.train);
    pooled.test = pick(pooled.test);
    pooled.validation = pooled.validation ? pick(pooled.validation) : null;
  }

  const trainY = Int32Array.from(data.train.labels);
  const fitX = pooled.train.select(data.fit);
  const fitY = Int32Array.from(data.fit, (i) => trainY[i]);
  const targets = runTargets(data);
  const multiLabel = targets.test !== undefined;
  const validation = data.holdout
    ? {
        x: pooled.train.select(data.holdout),
        y: Int32Array.from(data.holdout, (i) => trainY[i]),
        targets: targets.holdout,
      }
    : pooled.validation && data.validation
      ? {
          x: pooled.validation,
          y: Int32Array.from(data.validation.labels),
          targets: targets.holdout,
        }
      : null;

  const started = performance.now();
  const head = await trainHead({
    config,
    classes: data.dataset.labels.length,
    multiLabel,
    train: { x: fitX, y: fitY, targets: targetsOf(data.dataset, data.train, data.fit) },
    validation,
    signal: ctx.signal,
    onProgress: (done, total, message, trainLoss) =>
      ctx.progress({ phase: 'training', done, total, message, trainLoss }),
    onEpoch: (point) => ctx.epoch(point),
  });
  ctx.timings.training = (performance.now() - started) / 1000;

  const scoreAll = async (): Promise<[Scored, Float32Array | undefined]> => {
    const test = await evaluateHead(
      head,
      pooled.test,
      Int32Array.from(data.test.labels),
      targets.test,
    );
    const onValidation =
      multiLabel && validation
        ? await evaluateHead(head, validation.x, validation.y, validation.targets)
        : undefined;
    return [test, onValidation?.probabilities];
  };
  const [evaluation, validationProbabilities] = await scoreAll().finally(() => head.release());
  saveHeadArtifact(ctx.runDir, {
    head: head.state,
    labels: data.dataset.labels,
    modelId: data.model.id,
    hiddenSize: pooled.train.cols,
  });
  const arrays: Record<string, StoredArray> = {};
  if (parts.vectors) {
    arrays['wv.table'] = parts.vectors.table;
    arrays['wv.known'] = parts.vectors.known;
  }
  if (parts.tfidf) {
    arrays['tfidf.map'] = parts.tfidf.map;
    arrays['tfidf.idf'] = parts.tfidf.idf;
  }
  saveStrategyArtifact(ctx.runDir, {
    strategy: 'feature-concat',
    settings: { layers, pooling: config.pooling, vectorsDim: parts.vectors?.dim ?? 0 },
    arrays,
  });
  return testOutcome(
    ctx,
    data,
    evaluation.probabilities,
    evaluation.loss,
    details,
    validationProbabilities,
  );
}
