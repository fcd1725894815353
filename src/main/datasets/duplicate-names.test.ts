/**
 * Names that two things share: header columns (made unique where the header is read, so any
 * column can be chosen by name) and label names files (refused: two ids would become one label).
 */
import { describe, expect, it } from 'vitest';
import { DatasetSampleRequest } from '../../shared/contract';
import { inCliWords } from '../cli-errors';
import { headerColumns } from './formats/header';
import { loadLabelNames } from './labels';
import { parseDatasetFile } from './parse';
import { peekDataset } from './peek';
import { filesForEachTest, lines, streamed } from './test-files';

const files = filesForEachTest();

const TWO_TEXTS = 'columns 1 and 2 are both named "text": the second is "text_2"';

function columnsOf(header: string[]): { columns: string[]; notes: string[] } {
  const notes: string[] = [];
  return { columns: headerColumns(header, notes), notes };
}

describe('headerColumns', () => {
  it('keeps a repeated name on its first column and numbers the later ones, with a note', () => {
    expect(columnsOf(['text', 'text', 'label'])).toEqual({
      columns: ['text', 'text_2', 'label'],
      notes: [TWO_TEXTS],
    });
    expect(columnsOf(['label', 'text', ' label '])).toEqual({
      columns: ['label', 'text', 'label_2'],
      notes: ['columns 1 and 3 are both named "label": the second is "label_2"'],
    });
  });

  it('skips numbered names the header has already, and names every column of a run', () => {
    expect(columnsOf(['text', 'text', 'text_2', 'text'])).toEqual({
      columns: ['text', 'text_3', 'text_2', 'text_4'],
      notes: [
        'columns 1, 2 and 4 are all named "text": the second is "text_3", the third "text_4"',
      ],
    });
    const wide = columnsOf(Array.from({ length: 9 }, () => 'x'));
    expect(wide.columns).toEqual(['x', ...Array.from({ length: 8 }, (_, i) => `x_${i + 2}`)]);
    expect(wide.notes).toEqual([
      'columns 1, 2, 3, 4, 5 and 4 more are all named "x": the second is "x_2", the third ' +
        '"x_3", the fourth "x_4", the fifth "x_5", and so on, to "x_9"',
    ]);
  });

  it('names an unnamed column by its place, without taking a name the header gave', () => {
    expect(columnsOf(['a', '', 'column2'])).toEqual({
      columns: ['a', 'column2_2', 'column2'],
      notes: [],
    });
    expect(columnsOf(['Text', 'text'])).toEqual({ columns: ['Text', 'text'], notes: [] });
  });
});

describe('a header that names two columns alike', () => {
  const dupText = (): string =>
    files.write(
      'dupcols.csv',
      lines('text,text,label', 'first a,second a,pos', 'first b,second b,neg'),
    );

  it('lets either column be chosen by name, and notes the renaming', () => {
    const path = dupText();
    const first = parseDatasetFile(path, { textColumn: 'text' });
    expect(first.rows.map((r) => r.text)).toEqual(['first a', 'first b']);
    expect(first.notes).toContain(TWO_TEXTS);

    const second = parseDatasetFile(path, { textColumn: 'text_2' });
    expect(second.rows.map((r) => r.text)).toEqual(['second a', 'second b']);
    expect(second.textColumn).toBe('text_2');
  });

  it('does not guess between them, and names both in the CLI words', () => {
    const path = dupText();
    let message = '';
    try {
      parseDatasetFile(path);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(inCliWords(message)).toBe(
      `${path}: cannot decide the text column, "text" and "text_2" both qualify; name it ` +
        'with --text; available columns: "text", "text_2", "label"',
    );
  });

  it('does the same for label columns and TSV, read whole or streamed', () => {
    const path = files.write(
      'duplabels.tsv',
      lines(
        'label\ttext\tlabel',
        ...Array.from({ length: 20 }, (_, i) => `${i % 2}\trow ${i}\tc${i % 3}`),
      ),
    );
    for (const hooks of [undefined, streamed(16, 60)]) {
      const parsed = parseDatasetFile(path, { labelColumn: 'label_2' }, hooks);
      expect(parsed.rows.slice(0, 3).map((r) => r.label)).toEqual(['c0', 'c1', 'c2']);
      expect(parsed.rows).toHaveLength(20);
      expect(parsed.notes).toContain(
        'columns 1 and 3 are both named "label": the second is "label_2"',
      );
      expect(() => parseDatasetFile(path, {}, hooks)).toThrow(
        'cannot decide the label column, "label" and "label_2" both qualify',
      );
    }
  });

  it('shows the preview the same columns and note', async () => {
    const path = dupText();
    const sample = await peekDataset(DatasetSampleRequest.parse({ path, textColumn: 'text_2' }));
    expect(sample.columns).toEqual(['text', 'text_2', 'label']);
    expect(sample.notes).toContain(TWO_TEXTS);
    expect(sample).toMatchObject({ textColumn: 'text_2', labelColumn: 'label', problem: null });
  });
});

describe('loadLabelNames with a name on two lines', () => {
  it('refuses, naming the file, the name and both lines', () => {
    const path = files.write('names.txt', 'neg\nneg\npos\n');
    let message = '';
    try {
      loadLabelNames(path);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(inCliWords(message)).toBe(
      `${path}: "neg" is on lines 1 and 2; each label id needs its own name (label i is named ` +
        'on line i + 1); to merge labels, give each its own name here and rename them to one ' +
        'with --rename-label',
    );
  });

  it('compares names trimmed and NFC, as labels are stored', () => {
    const spaced = files.write('spaced.txt', 'pos\nneg\n  pos \t\n');
    expect(() => loadLabelNames(spaced)).toThrow(
      `${spaced}: "pos" is on lines 1 and 3; each label id needs its own name`,
    );
    const accents = files.write('accents.txt', 'caf\u00e9\nother\ncafe\u0301\n');
    expect(() => loadLabelNames(accents)).toThrow('is on lines 1 and 3');
  });

  it('still reads distinct names, in order', () => {
    const path = files.write('ok.txt', 'neg\r\nNeg\r\npos\r\n');
    expect(loadLabelNames(path)).toEqual(['neg', 'Neg', 'pos']);
  });
});
