/**
 * A corpus of malformed and hostile files. Each must give a clear GraftError naming the file,
 * or a correct import; none may crash with another error or hang (the suite's test timeout
 * bounds every case; it is generous because CI runs the heavy model tests alongside).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraftError } from '../../shared/errors';
import { openStore, type Store } from '../store';
import { importDataset } from './import';
import { gbkEncode } from './test-encodings';
import { testFiles, type TestFiles } from './test-files';

const ok = (n: number, sep = ','): string =>
  Array.from({ length: n }, (_, i) => `row number ${i}${sep}${i % 2 ? 'pos' : 'neg'}`).join('\n');
const csv = (body: string): string => `text,label\n${body}\n`;
const seeded = (n: number, seed: number): Buffer => {
  const out = Buffer.alloc(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
};

/** name -> content; a folder case is written by hand below. */
const CORPUS: Record<string, string | Uint8Array> = {
  'empty.csv': '',
  'blank-lines.csv': '\n\n   \n\t\n',
  'header-only.csv': 'text,label\n',
  'bom-only.csv': '\uFEFF',
  'single-class.csv': csv(Array.from({ length: 20 }, (_, i) => `t${i},pos`).join('\n')),
  'single-row.csv': csv('only,pos'),
  'two-rows.csv': csv('a,pos\nb,neg'),
  'truncated-quote.csv': csv(`${ok(10)}\n"never closed,pos\n${ok(10)}`),
  'truncated-quote-end.csv': `text,label\n${ok(10)}\n"cut off in the mid`,
  'quote-in-field.csv': csv(`${ok(30)}\nbad"quote"here,pos`),
  'stray-quotes.tsv': `${ok(20, '\t')}\n"a\tb"c\tpos\n`,
  'binary-random.csv': randomBytes(4096),
  'binary-seeded.bin': seeded(100_000, 7),
  'binary-nul.csv': Buffer.concat([Buffer.from('text,label\n'), Buffer.alloc(100)]),
  'png-header.csv': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  'gzip.csv': Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xfe]),
  'zip.json': Buffer.from('PK\u0003\u0004\u0000\u0000garbage', 'latin1'),
  'fake.parquet': Buffer.from('PAR1 this is not parquet at all PAR1'),
  'empty.parquet': Buffer.alloc(0),
  'truncated.parquet': new Uint8Array(
    parquetWriteBuffer({ columnData: [{ name: 'text', data: ['a', 'b'], type: 'STRING' }] }),
  ).subarray(0, 40),
  'jsonl-odd-labels.jsonl': Array.from({ length: 20 }, (_, i) =>
    JSON.stringify({ text: `t${i}`, label: [true, { a: i }, [i], i % 2][i % 4] }),
  ).join('\n'),
  'parquet-magic-only.csv': Buffer.from('PAR1'),
  'mixed-enc.csv': Buffer.concat([
    Buffer.from(csv(`${ok(10)}\ncafé,pos`)),
    Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x6e, 0x65, 0x67, 0x0a]),
  ]),
  'utf16le-nobom.csv': Buffer.from(csv(ok(20)), 'utf16le'),
  'utf16be-bom.csv': Buffer.from('\uFEFF' + csv(ok(20)), 'utf16le').swap16(),
  'utf16-odd-length.csv': Buffer.concat([
    Buffer.from('\uFEFF' + csv(ok(20)), 'utf16le'),
    Buffer.from([0x41]),
  ]),
  'gbk.csv': gbkEncode(
    csv(Array.from({ length: 20 }, (_, i) => `酒店很好${i},${i % 2}`).join('\n')),
  ),
  'invalid-utf8-forced.csv': Buffer.from([0x74, 0x2c, 0x6c, 0x0a, 0xff, 0xfe, 0x2c, 0x31, 0x0a]),
  'long-line-10mb.csv': csv(`${'x'.repeat(10 * 1024 * 1024)},pos\n${ok(10)}`),
  'long-line-no-newline.txt': 'y'.repeat(10 * 1024 * 1024),
  'thousands-of-columns.csv':
    Array.from({ length: 3000 }, (_, i) => `c${i}`).join(',') +
    '\n' +
    Array.from({ length: 5 }, () => Array.from({ length: 3000 }, (_, i) => `${i}`).join(',')).join(
      '\n',
    ),
  'thousands-cols-with-text.csv':
    ['text', 'label', ...Array.from({ length: 2000 }, (_, i) => `f${i}`)].join(',') +
    '\n' +
    Array.from({ length: 10 }, (_, r) => [`t${r}`, r % 2, ...Array(2000).fill(0)].join(',')).join(
      '\n',
    ),
  'ragged.csv': csv(Array.from({ length: 20 }, (_, i) => 'a,'.repeat(i % 4) + 'x').join('\n')),
  'one-bad-width.csv': csv(`${ok(30)}\ntoo,many,fields`),
  'no-label-column.csv': 'body,stars,id\nhello,5,1\nbye,1,2\n',
  'only-newlines-crlf.csv': '\r\n\r\n\r\n',
  'cr-only.csv': csv(ok(20)).replace(/\n/g, '\r'),
  'empty-texts.csv': csv(
    Array.from({ length: 20 }, (_, i) => `${i % 3 ? 't' + i : ''},${i % 2}`).join('\n'),
  ),
  'empty-labels.csv': csv(
    Array.from({ length: 20 }, (_, i) => `t${i},${i % 3 ? i % 2 : ''}`).join('\n'),
  ),
  'all-empty-text.csv': csv(Array.from({ length: 10 }, (_, i) => `,${i % 2}`).join('\n')),
  'unicode-controls.csv': csv(`${ok(10)}\n\u0001\u0002\u0003,pos`),
  'bidi-and-zero-width.csv': csv(`${ok(10)}\n\u202Eevil\u200B,pos`),
  'emoji-labels.csv': csv(
    Array.from({ length: 20 }, (_, i) => `t${i},${i % 2 ? '😀' : '😢'}`).join('\n'),
  ),
  'numeric-huge-labels.csv': csv(
    Array.from({ length: 20 }, (_, i) => `t${i},${i % 2 ? '1' : '99999999999999999999'}`).join(
      '\n',
    ),
  ),
  'json-not-list.json': '{"a": 1, "b": 2}',
  'json-scalars.json': '[1, 2, 3]',
  'json-truncated.json': '[{"text": "a", "label": "pos"}, {"text": ',
  'json-deep.json': '['.repeat(5000) + ']'.repeat(5000),
  'jsonl-garbage.jsonl': 'not json\nstill not\n{"text":"a","label":1}\n',
  'jsonl-mixed-keys.jsonl': Array.from({ length: 20 }, (_, i) =>
    JSON.stringify(
      i % 2 ? { text: `t${i}`, label: 'a' } : { text: `t${i}`, label: 'b', extra: [1] },
    ),
  ).join('\n'),
  'jsonl-nulls.jsonl': Array.from({ length: 20 }, (_, i) =>
    JSON.stringify({ text: i % 5 ? `t${i}` : null, label: i % 2 }),
  ).join('\n'),
  'label-text-no-text.txt': 'POS\nNEG\nPOS\nNEG\n',
  'prose.txt':
    'It was a dark and stormy night; the rain fell in torrents.\nExcept at occasional intervals.\n',
  'tsv-only-tabs.tsv': '\t\t\n\t\t\n',
  'duplicate-header.csv': csv(ok(10)).replace('text,label', 'text,text'),
  'header-with-label-only.csv': 'label\npos\nneg\n',
  'nul-in-middle.tsv': Buffer.concat([
    Buffer.from(ok(20, '\t')),
    Buffer.from([0]),
    Buffer.from('\n'),
  ]),
  'many-rows-tiny.csv': csv(Array.from({ length: 50_000 }, (_, i) => `${i},${i % 7}`).join('\n')),
  'quotes-everywhere.csv': csv(Array.from({ length: 20 }, () => '""""""""""').join('\n')),
  'delimiter-storm.csv': ','.repeat(100_000),
};

describe('hostile files', () => {
  let files: TestFiles;
  let store: Store;

  beforeAll(() => {
    files = testFiles();
    store = openStore(join(files.dir, 'graft.db'));
    for (const [name, content] of Object.entries(CORPUS)) files.write(name, content);
    mkdirSync(join(files.dir, 'empty-folder'));
    mkdirSync(join(files.dir, 'one-class-folder', 'pos'), { recursive: true });
    writeFileSync(join(files.dir, 'one-class-folder', 'pos', 'a.txt'), 'hello');
    // One binary file among the texts of a class folder: a malformed row, droppable
    for (const label of ['pos', 'neg']) {
      mkdirSync(join(files.dir, 'binary-in-class-folder', label), { recursive: true });
      for (let i = 0; i < 15; i++) {
        writeFileSync(
          join(files.dir, 'binary-in-class-folder', label, `${i}.txt`),
          `${label} ${i}`,
        );
      }
    }
    writeFileSync(join(files.dir, 'binary-in-class-folder', 'pos', 'img.txt'), '\x00\x01bin');
  });

  afterAll(() => {
    store?.close();
    files?.remove();
  });

  const names = [
    ...Object.keys(CORPUS),
    'empty-folder',
    'one-class-folder',
    'binary-in-class-folder',
    'missing.csv',
  ];

  it('has at least 50 cases', () => {
    expect(names.length).toBeGreaterThanOrEqual(50);
  });

  it.each(names)('%s: a clear error or a correct import', async (name) => {
    const path = join(files.dir, name);
    const drop = ['empty-text', 'empty-label', 'malformed'] as const;
    for (const request of [{ path }, { path, drop: [...drop] }]) {
      const before = store.datasets.list().length;
      try {
        const ds = await importDataset(store, request);
        expect(ds.labels.length).toBeGreaterThanOrEqual(2);
        const total = Object.values(ds.splits).reduce((a, b) => a + b, 0);
        expect(total).toBe(ds.labelCounts.reduce((a, c) => a + c.count, 0));
      } catch (error) {
        expect(error, String(error)).toBeInstanceOf(GraftError);
        const e = error as GraftError;
        expect(['bad-input', 'not-found', 'unsupported', 'invalid-argument']).toContain(e.code);
        expect(e.message).toContain(name);
        expect(store.datasets.list().length).toBe(before);
      }
    }
  });
});
