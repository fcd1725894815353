/** The strategy pictures say, in their accessible text, exactly what is frozen and what trains. */
import { describe as suite, expect, it } from 'vitest';
import { describeDiagram as describe } from './StrategyDiagram';

suite('strategy diagrams', () => {
  it('freezes the whole encoder for feature extraction and reads the chosen layer', () => {
    expect(describe('feature-extraction', { layers: 6 })).toBe(
      'Frozen: embeddings, layers 1\u20135, layer 6. Trained: head.',
    );
    expect(describe('feature-extraction', { layers: 6, layer: 3 })).toBe(
      'Frozen: embeddings, layers 1\u20132, layer 3, layers 4\u20136. Trained: head.',
    );
  });

  it('trains only the top k layers when fine-tuning, everything when k is absent', () => {
    expect(describe('fine-tune', { layers: 6, unfreezeTopK: 2 })).toBe(
      'Frozen: embeddings, layers 1\u20134. Trained: layers 5\u20136, head.',
    );
    expect(describe('fine-tune', { layers: 6 })).toBe(
      'Frozen: nothing. Trained: embeddings, layers 1\u20136, head.',
    );
  });

  it('draws the mix, the gate and the student as trained, word vectors as frozen', () => {
    expect(describe('scalar-mix', { layers: 2 })).toContain('Trained: mix');
    const gated = describe('gated-fusion', { layers: 2 });
    expect(gated).toMatch(/Frozen: .*word vectors.*Trained: gate g/);
    expect(describe('feature-concat', { layers: 2, wordVectors: true, tfidf: true })).toBe(
      'Frozen: embeddings, layer 1, layer 2, word vec. Trained: head.',
    );
    const student = describe('layer-transfer', { layers: 6, distill: true });
    expect(student).toMatch(/Trained: embeddings, layer 1, layer 2, layer 3, head/);
    expect(student).toContain('teacher logits');
  });
});
