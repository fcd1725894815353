import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDatasetFile } from './parse';
import { lines, filesForEachTest } from './test-files';

const files = filesForEachTest();

const pick = (path: string): [string, string, number][] =>
  parseDatasetFile(path).rows.map((r) => [r.text, r.label, r.line]);

describe('CSV', () => {
  it('reads RFC 4180 quoting and gives the line each record starts on', () => {
    const path = files.write(
      'q.csv',
      lines('id,text,label', '1,"a, b",pos', '2,"two', 'lines",neg', '3,"say ""hi""",pos'),
    );

    const parsed = parseDatasetFile(path);
    expect(parsed).toMatchObject({ format: 'csv', textColumn: 'text', labelColumn: 'label' });
    expect(pick(path)).toEqual([
      ['a, b', 'pos', 2],
      ['two\nlines', 'neg', 3],
      ['say "hi"', 'pos', 5],
    ]);
  });

  it('parses CRLF and BOM files the same as LF ones', () => {
    const lf = files.write('lf.csv', lines('Text,Label', 'good,1', 'bad,0'));
    const crlf = files.write('crlf.csv', '\uFEFFText,Label\r\ngood,1\r\nbad,0\r\n');

    expect(parseDatasetFile(crlf)).toEqual({ ...parseDatasetFile(lf), path: crlf });
    expect(parseDatasetFile(crlf).textColumn).toBe('Text');
  });

  it('names the line of a malformed quote', () => {
    const path = files.write('bad.csv', lines('text,label', 'fine,1', '"broken"x,0', 'more,1'));
    expect(() => parseDatasetFile(path)).toThrow(/bad\.csv line 3: malformed quoted field/);
  });

  it('names the line of a row with the wrong number of fields', () => {
    const path = files.write('w.csv', lines('text,label', 'a,1', 'b,0,extra', 'c,1'));
    expect(() => parseDatasetFile(path)).toThrow(
      /w\.csv line 3: 3 fields, but line 1 has 2 \(comma-separated\)/,
    );
  });

  it('keeps the first N rows with limit', () => {
    const path = files.write('l.csv', lines('text,label', 'a,1', 'b,0', 'c,1'));
    expect(parseDatasetFile(path, { limit: 2 }).rows.map((r) => r.text)).toEqual(['a', 'b']);
  });
});

describe('TSV', () => {
  it('keeps quote characters as text, one record per line (SMS-style, no header)', () => {
    const path = files.write(
      'sms.tsv',
      lines('ham\t"Hello" he said', 'spam\t"Win', 'ham\tok "fine"', 'ham\tsure'),
    );

    const parsed = parseDatasetFile(path);
    expect(parsed).toMatchObject({ textColumn: 'column2', labelColumn: 'column1' });
    expect(pick(path)).toEqual([
      ['"Hello" he said', 'ham', 1],
      ['"Win', 'spam', 2],
      ['ok "fine"', 'ham', 3],
      ['sure', 'ham', 4],
    ]);
  });

  it('falls back to RFC quoting when only that lines the rows up', () => {
    const path = files.write('q.tsv', lines('text\tlabel', '"a\ttab"\t1', '"two', 'lines"\t0'));
    expect(pick(path)).toEqual([
      ['a\ttab', '1', 2],
      ['two\nlines', '0', 3],
    ]);
  });

  it('trims the trailing space GLUE leaves before the tab', () => {
    const path = files.write('g.tsv', lines('sentence\tlabel', 'kids , spirit \t1', 'dull \t0'));
    expect(pick(path).map(([text]) => text)).toEqual(['kids , spirit', 'dull']);
  });
});

describe('label text lines', () => {
  const trec = lines(
    'DESC:manner How did serfdom develop ?',
    'ENTY:cremat What films featured Popeye Doyle ?',
    'DESC:def What is ethology ?',
    'HUM:ind Who was Galileo ?',
    'ENTY:animal What is a fish ?',
    'HUM:desc Who is Bill ?',
  );

  it('reads coarse labels by default and fine labels when asked', () => {
    const path = files.write('TREC.train', trec);

    const coarse = parseDatasetFile(path);
    expect(coarse.format).toBe('label-text');
    expect(coarse.rows[0]).toEqual({
      text: 'How did serfdom develop ?',
      label: 'DESC',
      line: 1,
    });
    expect(new Set(coarse.rows.map((r) => r.label))).toEqual(new Set(['DESC', 'ENTY', 'HUM']));
    expect(parseDatasetFile(path, { labelLevel: 'fine' }).rows[1].label).toBe('ENTY:cremat');
  });

  it('falls back to Windows-1252 for a file that is not UTF-8', () => {
    // 'HUM é!' with é as the single Latin-1 byte 0xE9, which UTF-8 rejects
    const bytes = Buffer.concat([
      Buffer.from(trec),
      Buffer.from([0x48, 0x55, 0x4d, 0x20, 0xe9, 0x21]),
    ]);
    const path = files.write('latin.train', bytes);

    const parsed = parseDatasetFile(path);
    expect(parsed.encoding).toBe('windows-1252');
    expect(parsed.rows[6]).toEqual({ text: 'é!', label: 'HUM', line: 7 });
    expect(() => parseDatasetFile(path, { encoding: 'utf-8' })).toThrow(
      /latin\.train line 7: bytes that are not valid UTF-8/,
    );
  });

  it('names the lines of labels without text', () => {
    const path = files.write('TREC.x', trec + trec + 'NUM:date\nLOC:city\n');
    expect(() => parseDatasetFile(path)).toThrow(
      /TREC\.x: line 13: a label with no text \(and 1 more\)/,
    );
  });
});

describe('format detection without an extension', () => {
  it('takes lines that line up in columns as CSV, though their first words recur', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `this is review ${i},${i % 2}`);
    const parsed = parseDatasetFile(files.write('reviews', lines('text,label', ...rows)));
    expect(parsed.format).toBe('csv');
    expect(parsed.rows[0]).toEqual({ text: 'this is review 0', label: '0', line: 2 });
  });

  it('takes a CSV with a stray row of another width as CSV, the row malformed', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `this is review ${i},${i % 2}`);
    rows.splice(10, 0, 'this is, a broken one,1');
    const path = files.write('one-bad', lines('text,label', ...rows));
    const parsed = parseDatasetFile(path, { lenient: true });
    expect(parsed.format).toBe('csv');
    expect(parsed.rows).toHaveLength(30);
    expect(parsed.malformed?.map((m) => m.line)).toEqual([12]);
  });

  it('still takes label text whose lines hold a comma or two', () => {
    const path = files.write(
      'questions',
      lines(
        'DESC:manner How did serfdom develop , and why ?',
        'HUM:ind Who was Galileo ?',
        'DESC:def What is ethology , a science ?',
        'HUM:desc Who is Bill ?',
      ),
    );
    expect(parseDatasetFile(path).format).toBe('label-text');
  });
});

describe('columns', () => {
  it('names the available columns when a named one is missing', () => {
    const path = files.write('c.csv', lines('body,stars', 'nice,5', 'meh,2'));
    expect(() => parseDatasetFile(path, { textColumn: 'review', labelColumn: 'stars' })).toThrow(
      /c\.csv has no text column "review"; available columns: "body", "stars"/,
    );
  });

  it('uses the named columns, matching case-insensitively', () => {
    const path = files.write('c.csv', lines('id,Body,Stars', '1,nice,5', '2,meh,2'));
    expect(parseDatasetFile(path, { textColumn: 'body', labelColumn: 'stars' })).toMatchObject({
      textColumn: 'Body',
      labelColumn: 'Stars',
    });
  });

  it('refuses to guess between two text-like columns', () => {
    const path = files.write('two.csv', lines('text,sentence,label', 'a,b,1', 'c,d,0'));
    expect(() => parseDatasetFile(path)).toThrow(
      /cannot decide the text column, "text" and "sentence" both qualify; name it with textColumn/,
    );
  });

  it('says which role it cannot find among unknown names', () => {
    const path = files.write('u.csv', lines('a,b,c', 'x,y,z', 'u,v,w'));
    expect(() => parseDatasetFile(path)).toThrow(
      /cannot tell which column holds the text; .*available columns: "a", "b", "c"/,
    );
  });

  it('takes the other of two columns when one is named', () => {
    const path = files.write('o.csv', lines('question,label', 'why?,1', 'how?,0'));
    expect(parseDatasetFile(path).textColumn).toBe('question');
  });
});

describe('files', () => {
  it('names a missing file', () => {
    const path = join(files.dir, 'nope.csv');
    expect(() => parseDatasetFile(path)).toThrow(`file not found: ${path}`);
  });

  it('names a folder given as a file', () => {
    const path = join(files.dir, 'folder.csv');
    mkdirSync(path);
    expect(() => parseDatasetFile(path)).toThrow(/folder\.csv is a folder/);
  });

  it('names an empty file and a header-only file', () => {
    expect(() => parseDatasetFile(files.write('e.csv', ''))).toThrow(/e\.csv is empty/);
    expect(() => parseDatasetFile(files.write('b.tsv', '\n \n'))).toThrow(/b\.tsv is empty/);
    expect(() => parseDatasetFile(files.write('h.csv', 'text,label\n'))).toThrow(
      /h\.csv has a header row but no data rows/,
    );
  });

  it('names the lines of empty texts and labels, the first few of them', () => {
    const rows = ['text,label', 'ok,1', ',0', 'fine,', ...Array.from({ length: 6 }, () => ' ,1')];
    const path = files.write('holes.csv', lines(...rows));
    expect(() => parseDatasetFile(path)).toThrow(
      'holes.csv: empty text (column "text") at line 3, 5, 6, 7, 8 (and 2 more); ' +
        'empty label (column "label") at line 4',
    );
  });

  it('lists the accepted formats when it cannot tell', () => {
    const path = files.write('prose.txt', lines('Once upon a time', 'there was a file'));
    expect(() => parseDatasetFile(path)).toThrow(
      /cannot tell the format of .*prose\.txt: accepted/,
    );
  });

  it('reads UTF-16 with and without a BOM, and refuses binary files by name', () => {
    const body = 'text,label\ncafé,1\n漢字,0\n';
    const le = files.write('u.csv', Buffer.from('\uFEFF' + body, 'utf16le'));
    expect(parseDatasetFile(le)).toMatchObject({ encoding: 'utf-16le' });
    expect(pick(le)).toEqual([
      ['café', '1', 2],
      ['漢字', '0', 3],
    ]);
    const be = files.write('be.csv', Buffer.from(body, 'utf16le').swap16());
    expect(pick(be)).toEqual(pick(le));
    const bin = files.write('x.csv', Buffer.from([1, 2, 0, 3]));
    expect(() => parseDatasetFile(bin)).toThrow(/x\.csv looks binary/);
  });
});
