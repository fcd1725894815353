/** The importer's refusals in the page's terms, and the drop of malformed rows they offer. */
import { describe, expect, it } from 'vitest';
import { offersDropMalformed, pageWording, withMalformed } from './refusals';

/** As main/datasets/formats/malformed-share.ts words it (tooManyHint). */
const TOO_MANY =
  '/d/f.csv line 7: 3 fields, but line 1 has 2 (comma-separated); 8 of 48 records do not fit, ' +
  'more than a tenth, so the delimiter, quoting or format may be wrong: check the delimiter ' +
  '(comma), the quoting and the format; or drop malformed rows to import the rest ' +
  '(drop: ["malformed"], CLI: --drop malformed)';

const OVER_HALF =
  '/d/f.csv line 2: 3 fields, but line 1 has 2 (comma-separated); 30 of 48 records do not fit, ' +
  'more than a tenth, so the delimiter, quoting or format may be wrong: check the delimiter ' +
  '(comma), the quoting and the format';

const EVEN_SPLIT =
  '/d/f.csv line 2: 1 field, but line 1 has 3 (comma-separated); 40 of 48 records do not fit, ' +
  'more than a tenth, so the delimiter, quoting or format may be wrong: the lines split evenly ' +
  'on semicolons; set `delimiter` to ";"';

describe('offersDropMalformed', () => {
  it('tells a refusal that dropping the malformed rows would lift', () => {
    expect(offersDropMalformed(TOO_MANY)).toBe(true);
    expect(offersDropMalformed(OVER_HALF)).toBe(false);
    expect(offersDropMalformed(EVEN_SPLIT)).toBe(false);
    expect(offersDropMalformed('no such file: /d/f.csv')).toBe(false);
  });
});

describe('pageWording', () => {
  it('leaves out the request and CLI wording of the drop', () => {
    expect(pageWording(TOO_MANY)).toBe(
      TOO_MANY.replace(
        'or drop malformed rows to import the rest (drop: ["malformed"], CLI: --drop malformed)',
        'or drop the malformed rows to import the rest',
      ),
    );
    expect(pageWording(TOO_MANY)).not.toMatch(/CLI|--drop|\[/);
  });

  it('names a delimiter as the Delimiter select does', () => {
    expect(pageWording(EVEN_SPLIT)).toMatch(
      /split evenly on semicolons; choose the delimiter "semicolon ;" under How it reads$/,
    );
    expect(pageWording(EVEN_SPLIT.replace('";"', '"\\t"'))).toMatch(/choose the delimiter "tab"/);
  });

  it("names the page's controls, not the request's fields or the CLI's flags", () => {
    const columns =
      '/d/f.csv: cannot decide the text column, "text" and "text_2" both qualify; name it with ' +
      'textColumn; available columns: "text", "text_2", "label"';
    expect(pageWording(columns)).toContain('both qualify; choose it as the Text column;');
    const lists =
      '/d/f.tsv: 400 labels look like lists of other labels; import them as a list ' +
      '(multiLabel: ",", CLI: --multi-label ,)';
    expect(pageWording(lists)).toBe(
      '/d/f.tsv: 400 labels look like lists of other labels; import them as a list ' +
        '(tick "Several labels per row", separated by ",")',
    );
    const words = 'these labels are words (leave out labelNamesPath); see labelRename';
    expect(pageWording(words)).toBe(
      'these labels are words (clear the Label names file); see the label name boxes',
    );
  });

  it('leaves other messages as they are', () => {
    expect(pageWording(OVER_HALF)).toBe(OVER_HALF);
  });
});

describe('withMalformed', () => {
  it('adds the malformed rows to the drops once, and takes them out', () => {
    expect(withMalformed([], true)).toEqual(['malformed']);
    expect(withMalformed(['duplicate', 'malformed'], true)).toEqual(['duplicate', 'malformed']);
    expect(withMalformed(['malformed', 'duplicate'], false)).toEqual(['duplicate']);
  });
});
