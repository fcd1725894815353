/** The import form: what the preview and the import are asked, and what is refused beforehand. */
import { describe, expect, it } from 'vitest';
import {
  DatasetImportRequest,
  DatasetSampleRequest,
  type DatasetPeek,
} from '../../shared/contract';
import {
  BLANK_FORM,
  detectedReading,
  followSplitSuggestion,
  formErrors,
  importRequest,
  labelRows,
  labelsLookLikeIds,
  peekRequest,
  type ImportForm,
  withAnotherFile,
} from './form';
import { suggestSplitColumn } from '../../shared/split-column';

const form = (p: Partial<ImportForm>): ImportForm => ({ ...BLANK_FORM, path: '/d.csv', ...p });

describe('peekRequest', () => {
  it('leaves every "auto" choice out, so the importer detects it', () => {
    expect(peekRequest(form({}))).toEqual({ path: '/d.csv', rows: 20 });
  });

  it('sends the overrides and column choices', () => {
    const request = peekRequest(
      form({
        format: 'tsv',
        encoding: 'gbk',
        delimiter: '\t',
        quoting: 'none',
        header: 'no',
        textColumn: 'column2',
        labelColumn: 'column1',
        transform: 'before',
        transformSeparator: '-',
        multiLabel: true,
        multiSeparator: '|',
      }),
    );
    expect(request).toMatchObject({
      format: 'tsv',
      encoding: 'gbk',
      delimiter: '\t',
      quoting: 'none',
      header: false,
      textColumn: 'column2',
      labelColumn: 'column1',
      labelTransform: 'before:-',
      multiLabel: '|',
    });
    expect(DatasetSampleRequest.safeParse(request).success).toBe(true);
  });

  it('sends no delimiter, quoting or header row with a format that has none', () => {
    const options = { delimiter: ';', quoting: 'none', header: 'no' } as const;
    for (const format of ['jsonl', 'json', 'parquet', 'folder', 'label-text']) {
      expect(peekRequest(form({ format, ...options })), format).toEqual({
        path: '/d.csv',
        format,
        rows: 20,
      });
    }
    expect(peekRequest(form({ format: 'csv', ...options }))).toMatchObject({
      delimiter: ';',
      quoting: 'none',
      header: false,
    });
  });

  it('does not depend on the name, the limit, the split shares or the other drops', () => {
    const a = peekRequest(form({}));
    const b = peekRequest(
      form({
        name: 'x',
        limit: '5',
        testShare: '30',
        drop: ['duplicate', 'empty-text', 'empty-label', 'conflicting-duplicate', 'test-overlap'],
      }),
    );
    expect(b).toEqual(a);
  });

  it('sends the drop of malformed rows, which lets the importer read more of them', () => {
    const alone = peekRequest(form({ drop: ['malformed'] }));
    expect(alone).toEqual({ path: '/d.csv', drop: ['malformed'], rows: 20 });
    expect(DatasetSampleRequest.safeParse(alone).success).toBe(true);
    // Other drops beside it are left out, so ticking them does not reread the file
    expect(peekRequest(form({ drop: ['duplicate', 'malformed', 'test-overlap'] }))).toEqual(alone);
  });
});

describe('importRequest', () => {
  it('sends the random split as ratios with the seed, and the drops', () => {
    const request = importRequest(
      form({
        trainShare: '70',
        validationShare: '10',
        testShare: '20',
        seed: '7',
        drop: ['duplicate'],
      }),
      [],
    );
    expect(request).toMatchObject({
      ratios: { train: 0.7, validation: 0.1, test: 0.2 },
      seed: 7,
      drop: ['duplicate'],
    });
    expect(DatasetImportRequest.safeParse(request).success).toBe(true);
  });

  it('sends every drop chosen, the malformed rows with the others', () => {
    const drop = ['duplicate', 'malformed'] as const;
    expect(importRequest(form({ drop: [...drop] }), []).drop).toEqual(drop);
    expect(importRequest(form({ drop: ['malformed'] }), []).drop).toEqual(['malformed']);
    expect(importRequest(form({}), []).drop).toBeUndefined();
  });

  it('sends a split column instead of ratios, and files instead of either', () => {
    const column = importRequest(form({ split: 'column', splitColumn: 'part' }), []);
    expect(column).toMatchObject({ splitColumn: 'part', ratios: undefined, seed: undefined });
    const files = importRequest(
      form({ split: 'column', splitColumn: 'part', testPath: '/t.csv' }),
      [],
    );
    expect(files).toMatchObject({ testPath: '/t.csv', splitColumn: undefined, ratios: undefined });
  });

  it('sends the names typed for labels the data has, and no blank ones', () => {
    const request = importRequest(form({ rename: { '0': 'negative', '1': '  ', gone: 'x' } }), [
      '0',
      '1',
    ]);
    expect(request.labelRename).toEqual({ '0': 'negative' });
    expect(importRequest(form({ rename: { '1': '' } }), ['0', '1']).labelRename).toBeUndefined();
  });

  it('sends the label names file, except with label columns, which name their labels', () => {
    const names = { labelNamesPath: ' /g/labels.txt ' };
    expect(importRequest(form(names), []).labelNamesPath).toBe('/g/labels.txt');
    expect(DatasetImportRequest.safeParse(importRequest(form(names), [])).success).toBe(true);
    const wide = importRequest(form({ ...names, labelColumns: 'joy..fear' }), []);
    expect(wide.labelNamesPath).toBeUndefined();
  });

  it('asks the preview to name the labels with the same names file', () => {
    const names = { labelNamesPath: ' /g/labels.txt ' };
    expect(peekRequest(form(names)).labelNamesPath).toBe('/g/labels.txt');
    expect(peekRequest(form({ ...names, labelColumns: 'joy' })).labelNamesPath).toBeUndefined();
    expect(DatasetSampleRequest.safeParse(peekRequest(form(names))).success).toBe(true);
  });
});

describe('formErrors', () => {
  it('needs a path, naming the field', () => {
    expect(formErrors({ ...BLANK_FORM }, [])).toEqual({
      path: 'File path is required: the training file, or all data.',
    });
    expect(formErrors(form({}), [])).toEqual({});
  });

  it('checks the split shares and the seed', () => {
    expect(formErrors(form({ testShare: '0' }), [])).toEqual({
      testShare: 'Test share must be a percentage from 1 to 99.',
    });
    expect(formErrors(form({ trainShare: '70' }), [])).toEqual({
      testShare: 'The shares add up to 90%; they must add up to 100%.',
    });
    expect(formErrors(form({ seed: '1.5' }), [])).toEqual({ seed: 'Seed must be a whole number.' });
    // A test file settles the split: the shares are not used, so not checked
    expect(formErrors(form({ testShare: '0', testPath: '/t.csv' }), [])).toEqual({});
  });

  it('checks the numbers, separators and split column', () => {
    expect(
      formErrors(
        form({
          limit: '0',
          maxLength: 'x',
          transform: 'after',
          transformSeparator: '',
          multiLabel: true,
          multiSeparator: '',
          split: 'column',
        }),
        [],
      ),
    ).toEqual({
      limit: 'Row limit must be a whole number above 0.',
      maxLength: 'Maximum tokens must be a whole number above 0.',
      transformSeparator: 'Separator is required for this label transform.',
      multiSeparator: 'Separator is required for several labels per row.',
      splitColumn: 'Split column is required: choose the column naming each split.',
    });
  });

  it('refuses a second validation split beside a validation file, as the importer does', () => {
    const validation = { validationPath: '/v.csv' };
    expect(formErrors(form({ ...validation, split: 'column', splitColumn: 'part' }), [])).toEqual({
      splitColumn:
        'A split column and a validation file cannot both give the validation split: ' +
        'choose the random split, or leave the validation file out.',
    });
    const shares = { trainShare: '70', validationShare: '10', testShare: '20' };
    expect(formErrors(form({ ...validation, ...shares }), [])).toEqual({
      validationShare:
        'The validation file is the validation split: set this share to 0, or leave the ' +
        'validation file out.',
    });
    // A share of 0, or a test file too (the files make every split), is consistent
    expect(formErrors(form(validation), [])).toEqual({});
    expect(formErrors(form({ ...validation, ...shares, testPath: '/t.csv' }), [])).toEqual({});
    const files = { ...validation, testPath: '/t.csv', split: 'column' as const };
    expect(formErrors(form({ ...files, splitColumn: 'part' }), [])).toEqual({});
    // What the form then sends has one source per split
    const sent = importRequest(form({ ...validation, ...shares, validationShare: '0' }), []);
    expect(sent).toMatchObject({ validationPath: '/v.csv', splitColumn: undefined });
    expect(sent.ratios?.validation).toBe(0);
  });

  it('marks the name field of a rename onto another label', () => {
    const errors = formErrors(form({ rename: { pos: 'neg' } }), ['neg', 'pos']);
    expect(errors).toEqual({
      'rename.pos':
        '"neg" is another label of the data; to merge the two, rename "neg" too ' +
        '(to itself or to a new name shared by both)',
    });
    expect(formErrors(form({ rename: { pos: 'neg', neg: 'neg' } }), ['neg', 'pos'])).toEqual({});
  });
});

describe('withAnotherFile', () => {
  it('undoes the label and drop choices made for the last file, and keeps the rest', () => {
    const goemotions: ImportForm = {
      ...BLANK_FORM,
      path: '/d/goemotions/train.tsv',
      name: 'mine',
      multiLabel: true,
      labelNamesPath: '/d/goemotions/labels.txt',
      rename: { admiration: 'admired' },
      transform: 'fine',
      drop: ['malformed'],
    };
    expect(withAnotherFile(goemotions, '/d/sst2/train.tsv')).toEqual({
      ...BLANK_FORM,
      path: '/d/sst2/train.tsv',
      name: 'mine',
    });
  });
});

describe('labelRows', () => {
  const sampled = [
    { label: '0', count: 9 },
    { label: '1', count: 11 },
  ];

  it('lists the previewed labels, then those only the check found', () => {
    const checked = [
      { label: '0', count: 90 },
      { label: '1', count: 100 },
      { label: '7', count: 1 },
    ];
    expect(labelRows(sampled, checked, {})).toEqual([
      { label: '0', count: 9, counted: 'sample' },
      { label: '1', count: 11, counted: 'sample' },
      { label: '7', count: 1, counted: 'check' },
    ]);
  });

  it('does not take a new name the check counted for a label of its own', () => {
    const checked = [
      { label: 'negative', count: 90 },
      { label: '1', count: 100 },
    ];
    expect(labelRows(sampled, checked, { '0': ' negative' }).map((r) => r.label)).toEqual([
      '0',
      '1',
    ]);
  });
});

/** A preview answer with what these tests look at; the rest as an empty file would have it. */
function peeked(p: Partial<DatasetPeek>): DatasetPeek {
  return {
    path: '/d.csv',
    format: 'csv',
    encoding: 'utf-8',
    notes: [],
    columns: [],
    textColumn: null,
    labelColumn: null,
    problem: null,
    records: [],
    size: 0,
    whole: true,
    delimiter: ',',
    quoting: 'rfc4180',
    hasHeader: true,
    sampleRows: p.records?.length ?? 0,
    headBytes: 0,
    labelTransform: 'none',
    labels: [],
    malformed: [],
    ...p,
  };
}

describe('label names', () => {
  const counts = (...labels: string[]): { label: string; count: number }[] =>
    labels.map((label, i) => ({ label, count: i + 1 }));

  it('offers a names file for integer labels, single or in lists, and for no others', () => {
    expect(labelsLookLikeIds(counts('0', '1', '27'))).toBe(true);
    expect(labelsLookLikeIds(counts('27', '14,3', '2, 5'))).toBe(true);
    expect(labelsLookLikeIds(counts('0', 'pos'))).toBe(false);
    expect(labelsLookLikeIds(counts('-1', '1'))).toBe(false);
    expect(labelsLookLikeIds([])).toBe(false);
  });
});

describe('split column suggestion', () => {
  const records = (...rows: string[][]): DatasetPeek['records'] =>
    rows.map((fields, i) => ({ line: i + 2, fields }));

  it('suggests a column named split, set, fold or partition, case aside', () => {
    const rows = records(['a', 'train'], ['b', 'Dev'], ['c', 'TEST']);
    for (const name of ['split', 'Split', 'SET', 'fold', 'Partition']) {
      const peek = peeked({ columns: ['text', name], records: rows });
      expect(suggestSplitColumn(peek), name).toBe(name);
    }
    expect(suggestSplitColumn(peeked({ columns: ['text', 'group'], records: rows }))).toBeNull();
    expect(suggestSplitColumn(null)).toBeNull();
  });

  it('does not suggest a column whose values are no splits, such as cross-validation folds', () => {
    const folds = peeked({ columns: ['text', 'fold'], records: records(['a', '0'], ['b', '1']) });
    expect(suggestSplitColumn(folds)).toBeNull();
  });

  it('makes the form follow the suggestion until the user chooses a split', () => {
    expect(followSplitSuggestion(form({}), 'split')).toEqual({
      split: 'column',
      splitColumn: 'split',
    });
    // Another file without one: back to the random split
    expect(followSplitSuggestion(form({ split: 'column', splitColumn: 'split' }), null)).toEqual({
      split: 'random',
      splitColumn: '',
    });
    expect(followSplitSuggestion(form({ split: 'column', splitColumn: 'split' }), 'split')).toBe(
      null,
    );
    expect(followSplitSuggestion(form({}), null)).toBeNull();
    expect(followSplitSuggestion(form({ splitChosen: true }), 'split')).toBeNull();
  });

  it('suggests no split column beside a validation file, which it would contradict', () => {
    const validation = { validationPath: '/v.csv' };
    expect(followSplitSuggestion(form(validation), 'split')).toBeNull();
    expect(
      followSplitSuggestion(
        form({ ...validation, split: 'column', splitColumn: 'split' }),
        'split',
      ),
    ).toEqual({ split: 'random', splitColumn: '' });
    // With a test file too, the files give the splits and the suggestion stays as it was
    expect(followSplitSuggestion(form({ ...validation, testPath: '/t.csv' }), 'split')).toEqual({
      split: 'column',
      splitColumn: 'split',
    });
  });
});

describe('detectedReading', () => {
  const detected = peeked({ format: 'tsv', encoding: 'utf-8', delimiter: '\t', hasHeader: false });

  it('keeps what "auto" read while an option is overridden', () => {
    const auto = detectedReading(null, { path: '/d.csv' }, detected);
    expect(auto).toEqual({
      path: '/d.csv',
      format: 'tsv',
      encoding: 'utf-8',
      delimiter: '\t',
      quoting: 'rfc4180',
      header: false,
    });
    // With GBK chosen, the preview reports GBK: auto still reads UTF-8
    const gbk = detectedReading(
      auto,
      { path: '/d.csv', encoding: 'gbk' },
      {
        ...detected,
        encoding: 'gbk',
      },
    );
    expect(gbk.encoding).toBe('utf-8');
  });

  it("forgets another file's detection", () => {
    const auto = detectedReading(null, { path: '/a.tsv' }, detected);
    const other = detectedReading(auto, { path: '/b.csv', encoding: 'gbk' }, detected);
    expect(other.encoding).toBeUndefined();
    expect(other.format).toBe('tsv');
  });
});
