/** The rules of label renames, shared by the importer and the Datasets page. */
import { describe, expect, it } from 'vitest';
import { renamedLabel, renameProblems } from './label-rename';

describe('renameProblems', () => {
  it('accepts new names, merges on purpose and swaps', () => {
    const labels = ['0', '1', '2'];
    expect(renameProblems(labels, { '0': 'negative', '1': 'positive' })).toEqual([]);
    expect(renameProblems(labels, { '1': 'other', '2': 'other' })).toEqual([]);
    expect(renameProblems(labels, { '1': '0', '0': '0' })).toEqual([]);
    expect(renameProblems(labels, { '0': '1', '1': '0' })).toEqual([]);
  });

  it('refuses an empty name, a name taken by a label kept as it is, and an unknown label', () => {
    const problems = renameProblems(['neg', 'pos', 'neutral'], {
      neg: ' ',
      pos: 'neutral',
      typo: 'x',
    });
    expect(problems).toEqual([
      {
        label: 'neg',
        reason: 'the new name is empty; leave the label out to keep its name',
        message: 'labelRename "neg": the new name is empty; leave the label out to keep its name',
      },
      {
        label: 'pos',
        reason:
          '"neutral" is another label of the data; to merge the two, rename "neutral" too ' +
          '(to itself or to a new name shared by both)',
        message: expect.stringMatching(/^labelRename "pos" -> "neutral": "neutral" is another/),
      },
      {
        label: 'typo',
        reason: 'the data has no such label; its labels: "neg", "pos", "neutral"',
        message: expect.stringMatching(/^labelRename "typo" -> "x": the data has no such label/),
      },
    ]);
  });

  it('lists at most 20 labels, then says how many there are', () => {
    const labels = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const [problem] = renameProblems(labels, { nope: 'x' });
    expect(problem.reason).toMatch(/"l19", \.\.\. \(30 in all\)$/);
  });

  it('treats names alike after Unicode normalisation', () => {
    const decomposed = 'cafe\u0301';
    expect(renameProblems(['café', 'tea'], { tea: decomposed })[0]?.reason).toMatch(
      /is another label of the data/,
    );
  });

  it('is not fooled by label names that are object properties', () => {
    expect(renameProblems(['constructor', 'a'], { a: 'constructor' })).toHaveLength(1);
    expect(renameProblems(['a', 'b'], { a: 'toString' })).toEqual([]);
  });
});

describe('renamedLabel', () => {
  it('gives the trimmed, normalised new name, or the label itself', () => {
    expect(renamedLabel({ '0': ' cafe\u0301 ' }, '0')).toBe('café');
    expect(renamedLabel({ '0': 'x' }, '1')).toBe('1');
    expect(renamedLabel(undefined, '1')).toBe('1');
    expect(renamedLabel({}, 'toString')).toBe('toString');
  });
});
