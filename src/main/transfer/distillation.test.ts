/**
 * Multi-label distillation reaches the student: with all the weight on the distillation term
 * (alpha = 1) and a teacher that contradicts the labels, the student must follow the teacher's
 * soft targets σ(t / T), not the labels; with alpha = 0 (the control) it follows the labels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainRequest } from '../../shared/contract';
import { multiHot } from '../evaluation/multi-label';
import { TINY_VOCAB, writeTinyBertFolder } from '../models/__fixtures__/tiny-bert';
import { loadTokenizer, type TextTokenizer } from '../models/tokenizer';
import type { RunContext } from '../runs/run-manager';
import { loadClassifier, loadClassifierModel, type ClassifierModel } from './encoder-classifier';
import type { RunSplits, TokenisedSplit } from './encoder-data';
import { ClassifierEvaluator } from './encoder-evaluator';
import { trainEncoderClassifier, type EncoderTrainingRequest } from './encoder-training';

const LABELS = ['a', 'b', 'c'];
/** The teacher's logit for every row: label a on (σ(4) ≈ 0.98), b and c off. */
const TEACHER = [4, -4, -4];

let dir: string;
let tokenizer: TextTokenizer;
let model: ClassifierModel;

/** Rows whose labels are b or c, never a: what the teacher says contradicts every label. */
function split(count: number, offset: number): TokenisedSplit {
  const words = TINY_VOCAB.filter((w) => /^[a-z]+$/.test(w));
  const texts = Array.from({ length: count }, (_, i) =>
    [0, 1, 2].map((k) => words[(i * 3 + k + offset) % words.length]).join(' '),
  );
  const sets = texts.map((_, i) => (i % 2 === 0 ? [1] : [2]));
  return {
    texts,
    rows: texts.map((t) => tokenizer.encode(t, { maxLength: 16 })),
    labels: Int32Array.from(sets, (s) => s[0]),
    sets,
    targets: multiHot(sets, LABELS.length),
  };
}

function request(alpha: number, runDir: string): EncoderTrainingRequest {
  const config = TrainRequest.parse({
    datasetId: 'ds',
    modelId: 'md',
    strategy: 'layer-transfer',
    epochs: 20,
    batchSize: 8,
    learningRate: 0.005,
    headLrMultiplier: 20,
    dropout: 0,
    distillTemperature: 2,
    distillAlpha: alpha,
  });
  const fit = split(32, 0);
  const splits: RunSplits = {
    fit,
    validation: split(8, 5),
    test: split(8, 11),
    fitIndex: fit.rows.map((_, i) => i),
  };
  const ctx: RunContext = {
    runId: `run_alpha${alpha}`,
    config,
    runDir,
    signal: new AbortController().signal,
    progress: () => {},
    epoch: () => {},
    timings: {},
  };
  const teacher = new Float32Array(fit.rows.length * LABELS.length);
  for (let r = 0; r < fit.rows.length; r++) teacher.set(TEACHER, r * LABELS.length);
  return {
    ctx,
    model,
    layout: {
      strategy: 'layer-transfer',
      sourceLayers: [0, 1],
      pooling: 'mean',
      labels: LABELS,
      modelId: 'md',
    },
    splits,
    padId: tokenizer.padId,
    trainable: () => true,
    distill: { logits: teacher, temperature: 2, alpha },
  };
}

/** Mean test probability per label after training with this alpha. */
async function meanProbabilities(alpha: number): Promise<number[]> {
  const runDir = mkdtempSync(join(dir, 'run-'));
  const r = request(alpha, runDir);
  await trainEncoderClassifier(r);
  const evaluator = await ClassifierEvaluator.create(r);
  try {
    const scored = await evaluator.score(loadClassifier(runDir).params, r.splits.test);
    const C = LABELS.length;
    const rows = scored.probabilities.length / C;
    return LABELS.map((_, c) => {
      let sum = 0;
      for (let i = 0; i < rows; i++) sum += scored.probabilities[i * C + c];
      return sum / rows;
    });
  } finally {
    await evaluator.release();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'graft-distillation-'));
  writeTinyBertFolder(join(dir, 'tiny'), { seed: 5, layers: 2 });
  tokenizer = loadTokenizer(join(dir, 'tiny'));
  model = await loadClassifierModel(join(dir, 'tiny'), [0, 1]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('multi-label distillation', () => {
  it('follows the soft targets σ(t/T) at alpha = 1, the labels at alpha = 0', async () => {
    // The KL is 0 where σ(z/T) = σ(t/T), i.e. z = t: the student's own σ(z) heads for
    // σ(4) ≈ 0.98 on a and σ(−4) ≈ 0.02 on b and c, whatever the labels say.
    const distilled = await meanProbabilities(1);
    expect(distilled[0]).toBeGreaterThan(0.9);
    expect(distilled[1]).toBeLessThan(0.1);
    expect(distilled[2]).toBeLessThan(0.1);

    // The control: labels only. a never occurs, b and c each in half the rows.
    const labelled = await meanProbabilities(0);
    expect(labelled[0]).toBeLessThan(0.1);
    for (const p of labelled.slice(1)) {
      expect(p).toBeGreaterThan(0.3);
      expect(p).toBeLessThan(0.7);
    }
  }, 120_000);
});
