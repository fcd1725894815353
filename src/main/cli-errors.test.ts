import { describe, expect, it } from 'vitest';
import { inCliWords } from './cli-errors';

describe('inCliWords', () => {
  it('names the flags a user typed instead of request fields', () => {
    expect(inCliWords('invalid dataset import request: testRatio: Too big: expected <1')).toBe(
      'invalid dataset import request: --test-ratio: Too big: expected <1',
    );
    expect(inCliWords('invalid dataset import request: drop.0: Invalid option; limit: small')).toBe(
      'invalid dataset import request: --drop: Invalid option; --limit: small',
    );
    expect(inCliWords('a.csv has no text column "x"; name it with textColumn')).toBe(
      'a.csv has no text column "x"; name it with --text',
    );
  });

  it('drops the call name a refused request is prefixed with', () => {
    expect(inCliWords('datasets.preview: ratios: ratios must sum to 1')).toBe(
      '--ratios: ratios must sum to 1',
    );
  });

  it('keeps only the CLI form of a drop hint', () => {
    const message =
      'a.csv: 1 empty text; to import without them, drop them ' +
      '(drop: ["empty-text"], CLI: --drop empty-text); every dropped row is listed';
    expect(inCliWords(message)).toBe(
      'a.csv: 1 empty text; to import without them, drop them (--drop empty-text); ' +
        'every dropped row is listed',
    );
  });

  it('leaves plain words alone where they are not a listed field', () => {
    const message = 'the file name is a.csv; the seed of the split is 13';
    expect(inCliWords(message)).toBe(message);
  });

  it('names the flags of fields quoted in backticks, and a multi-label hint', () => {
    const message =
      'conflicting options: `testPath` with `seed`: no random split; `ratios` with `testRatio`: ' +
      'both set the test share; `constructor` and `other` stay';
    expect(inCliWords(message)).toBe(
      'conflicting options: --test with --seed: no random split; --ratios with --test-ratio: ' +
        'both set the test share; `constructor` and `other` stay',
    );
    const hint =
      'labels contain ","; import them as a list (multiLabel: ",", CLI: --multi-label ,)';
    expect(inCliWords(hint)).toBe('labels contain ","; import them as a list (--multi-label ,)');
  });
});
