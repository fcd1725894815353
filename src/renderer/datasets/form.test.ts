/** The import form: what the preview and the import are asked, and what is refused beforehand. */
import { describe, expect, it } from 'vitest';
import { DatasetImportRequest, DatasetSampleRequest } from '../../shared/contract';
import {
  BLANK_FORM,
  formErrors,
  importRequest,
  labelRows,
  peekRequest,
  type ImportForm,
} from './form';

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

  it('does not depend on the name, the limit, the split shares or the drops', () => {
    const a = peekRequest(form({}));
    const b = peekRequest(form({ name: 'x', limit: '5', testShare: '30', drop: ['duplicate'] }));
    expect(b).toEqual(a);
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
