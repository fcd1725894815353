import { describe, expect, it } from 'vitest';
import { STRATEGY_NAMES, TrainRequest } from './contract';
import type { StrategyName, TrainRequest as Req } from './contract';
import { estimateRun, headInputSize, trainedLayers, type EstimateInput } from './estimate';

// all-MiniLM-L6-v2 as the model library reports it.
const MINILM = { parameters: 22_713_216, layers: 6, hiddenSize: 384, vocabSize: 30_522 };
const TINY = { parameters: 2_000, layers: 2, hiddenSize: 8, vocabSize: 30 };

function input(strategy: StrategyName, extra: Partial<Req> = {}, model = MINILM): EstimateInput {
  const config = TrainRequest.parse({ datasetId: 'ds', modelId: 'md', strategy, ...extra });
  return { rows: { train: 1000, test: 872 }, labels: 2, model, config };
}

describe('the run estimate', () => {
  it('brackets a measured run: MiniLM features + logreg head on 1,000 + 872 SST-2 rows', () => {
    // Measured on the 2-core development machine: 9.7 s in all, 0.7 s of it the head.
    const estimate = estimateRun(input('feature-extraction'));
    expect(estimate.seconds.low).toBeLessThan(9.7);
    expect(estimate.seconds.high).toBeGreaterThan(9.7);
    expect(estimate.phases[2].seconds.low).toBeLessThan(0.7);
    expect(estimate.phases[2].seconds.high).toBeGreaterThan(0.7);
    expect(estimate.phases[1].cacheable).toBe(true);
    expect(estimate.memoryBytes.low).toBeGreaterThan(200e6);
    expect(estimate.memoryBytes.high).toBeLessThan(1e9);
  });

  it('gives an ordered, positive range with its assumptions for every strategy', () => {
    for (const strategy of STRATEGY_NAMES) {
      const estimate = estimateRun(input(strategy));
      expect(estimate.seconds.low, strategy).toBeGreaterThan(0);
      expect(estimate.seconds.high, strategy).toBeGreaterThan(estimate.seconds.low);
      const memory = estimate.memoryBytes;
      expect(memory.high, strategy).toBeGreaterThanOrEqual(memory.low);
      expect(estimate.assumptions.length, strategy).toBeGreaterThanOrEqual(3);
      const sum = estimate.phases.reduce((a, p) => a + p.seconds.high, 0);
      expect(sum).toBeCloseTo(estimate.seconds.high);
    }
  });

  it('prices a fine-tuning step at three forward passes, less when only the top trains', () => {
    const frozen = estimateRun(input('feature-extraction', { epochs: 3 }));
    const whole = estimateRun(input('fine-tune', { epochs: 3 }));
    const top2 = estimateRun(input('fine-tune', { epochs: 3, unfreezeTopK: 2 }));
    // Forward + 2x backward over all 6 layers: 3 encoder passes per text, 900 texts, 3 epochs.
    const perText = frozen.phases[1].seconds.low / (1000 + 872);
    expect(whole.phases[1].seconds.low).toBeCloseTo(3 * 3 * 900 * perText);
    expect(top2.seconds.high).toBeLessThan(whole.seconds.high);
    expect(whole.memoryBytes.low).toBeGreaterThan(top2.memoryBytes.low);
    expect(trainedLayers(top2Config(), 6)).toBe(2);
  });

  it('makes the student cheaper than the teacher and distillation dearer than none', () => {
    const student = estimateRun(input('layer-transfer', { epochs: 3 }));
    const distilled = estimateRun(input('layer-transfer', { epochs: 3, distillTemperature: 2 }));
    const teacher = estimateRun(input('fine-tune', { epochs: 3 }));
    expect(student.seconds.high).toBeLessThan(teacher.seconds.high);
    expect(distilled.seconds.low).toBeGreaterThan(student.seconds.low);
    expect(distilled.phases.map((p) => p.name)).toContain("teacher's logits (frozen)");
  });

  it('sizes the head input of feature concatenation from its layers and extras', () => {
    const concat = input('feature-concat', {
      layers: [3, 4, 5, 6],
      tfidf: true,
      tfidfFeatures: 500,
    });
    expect(headInputSize(concat)).toBe(4 * 384 + 500);
    const withVectors = { ...concat, wordVectors: { hiddenSize: 25, vocabSize: 12_000 } };
    expect(headInputSize(withVectors)).toBe(4 * 384 + 500 + 25);
    expect(headInputSize(input('scalar-mix'))).toBe(384);
  });

  it('scales with the data, the epochs and the max length', () => {
    const base = estimateRun(input('fine-tune', { epochs: 2 }));
    const longer = estimateRun(input('fine-tune', { epochs: 4 }));
    const wider = estimateRun(input('fine-tune', { epochs: 2, maxLength: 512 }));
    expect(longer.seconds.low).toBeGreaterThan(1.5 * base.seconds.low);
    expect(wider.seconds.high).toBeGreaterThan(2 * base.seconds.high);
    expect(wider.memoryBytes.high).toBeGreaterThan(base.memoryBytes.high);
  });

  it('brackets a measured tiny run, where building the graphs is most of the time', () => {
    // Measured: a 2-layer hidden-8 BERT fine-tuned 1 epoch on 38 + 10 rows took 1.9 s in all.
    const config = input('fine-tune', { epochs: 1, maxLength: 16 }, TINY);
    const tiny = { ...config, rows: { train: 38, test: 10 } };
    const estimate = estimateRun(tiny);
    expect(estimate.seconds.low).toBeLessThan(1.9);
    expect(estimate.seconds.high).toBeGreaterThan(1.9);
    expect(estimate.seconds.high).toBeLessThan(10);
    expect(estimate.phases[1].name).toBe('train 2 of 2 layers (1 epoch)');
  });
});

function top2Config(): ReturnType<typeof TrainRequest.parse> {
  return input('fine-tune', { unfreezeTopK: 2 }).config;
}
