/**
 * What the report and the log say about an encoding: a detected GBK or Windows-1252 is named
 * in a note and logged at info (the CLI prints warnings only, and finding one is no fault),
 * and an encoding the user forced onto a file that is valid UTF-8 gets a note that its text
 * may come out garbled, though the file is still read as asked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetSampleRequest } from '../../shared/contract';
import { getLogLevel, setLogLevel, setLogSink, type LogLevel } from '../util/log';
import { previewDataset } from './import';
import { parseDatasetFile } from './parse';
import { peekDataset } from './peek';
import { gbkEncode } from './test-encodings';
import { filesForEachTest, streamed } from './test-files';

const files = filesForEachTest();

const GARBLED_1252 =
  'the file is valid UTF-8 but is read as windows-1252 as asked: ' +
  'its accented text may be garbled (é as Ã©)';
const GARBLED_GBK =
  'the file is valid UTF-8 but is read as gbk as asked: ' +
  'its non-ASCII text may be garbled (中文 as 涓枃)';

/** A header and 30 rows, every one with an accent: in UTF-8 unless `latin` is given. */
function accented(latin = false): Buffer {
  const rows = Array.from({ length: 30 }, (_, i) => `café crème ${i},${i % 2}`);
  return Buffer.from(['text,label', ...rows, ''].join('\n'), latin ? 'latin1' : 'utf8');
}

describe('an encoding the user forces onto valid UTF-8', () => {
  it('reads Windows-1252 as asked, with a note that accents may be garbled', () => {
    const path = files.write('accents.csv', accented());
    // whole, and a big file's head (cut mid-character by a 100-byte head) then chunks
    for (const hooks of [undefined, streamed(7, 100)]) {
      const parsed = parseDatasetFile(path, { encoding: 'windows-1252' }, hooks);
      expect(parsed.encoding).toBe('windows-1252');
      expect(parsed.notes).toEqual([
        'encoding chosen by the user',
        GARBLED_1252,
        'RFC 4180 quoting',
      ]);
      expect(parsed.rows[0].text).toBe('cafÃ© crÃ¨me 0');
    }
  });

  it('reads GBK as asked, with a note that the text may be garbled', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `这家酒店很好 ${i},${i % 2}`);
    const path = files.write('zh.csv', ['text,label', ...rows, ''].join('\n'));
    const parsed = parseDatasetFile(path, { encoding: 'gbk' });
    expect(parsed.encoding).toBe('gbk');
    expect(parsed.notes).toContain(GARBLED_GBK);
  });

  it('says so in the import report and the preview', async () => {
    const path = files.write('accents.csv', accented());
    const report = await previewDataset({ path, encoding: 'windows-1252' });
    expect(report.files[0].notes).toContain(GARBLED_1252);
    const request = DatasetSampleRequest.parse({ path, encoding: 'windows-1252' });
    const peeked = await peekDataset(request);
    expect(peeked.notes).toContain(GARBLED_1252);
  });

  it('adds no such note where the bytes are not UTF-8, are ASCII, or UTF-8 was chosen', () => {
    const latin = files.write('latin.csv', accented(true));
    const ascii = files.write('ascii.csv', 'text,label\nplain,0\nrows,1\n');
    const utf8 = files.write('accents.csv', accented());
    const cases = [
      parseDatasetFile(latin, { encoding: 'windows-1252' }),
      parseDatasetFile(latin, { encoding: 'windows-1252' }, streamed(7, 100)),
      parseDatasetFile(ascii, { encoding: 'windows-1252' }),
      parseDatasetFile(ascii, { encoding: 'gbk' }),
      parseDatasetFile(utf8, { encoding: 'utf-8' }),
    ];
    for (const parsed of cases) {
      expect(parsed.notes?.filter((n) => n.includes('garbled'))).toEqual([]);
    }
  });
});

describe('a detected encoding', () => {
  let lines: string[] = [];
  let level: LogLevel;
  beforeEach(() => {
    level = getLogLevel();
    // The CLI's default level: what is logged here is what a user sees
    setLogLevel('warn');
    lines = [];
    setLogSink((line) => lines.push(line));
  });
  afterEach(() => {
    setLogSink(null);
    setLogLevel(level);
  });

  it('is named in a note and logged below warn, whole or in chunks', () => {
    const latin = files.write('latin.csv', accented(true));
    const rows = Array.from({ length: 10 }, (_, i) => `这家酒店很好 ${i},${i % 2}`);
    const chinese = files.write('zh.csv', gbkEncode(['text,label', ...rows, ''].join('\n')));
    for (const hooks of [undefined, streamed(7, 100)]) {
      const parsed = parseDatasetFile(latin, {}, hooks);
      expect(parsed.notes).toContain('detected Windows-1252: not UTF-8 from line 2');
      const zh = parseDatasetFile(chinese, {}, hooks);
      expect(zh.notes).toContain('detected GBK: not UTF-8 from line 2');
    }
    expect(lines).toEqual([]);
  });

  it('still warns for a UTF-8 file with a line that is not', () => {
    const content = Buffer.concat([
      Buffer.from('text,label\nnaïve,0\nüber,1\n'),
      Buffer.from('caf\xe9,1\n', 'latin1'),
    ]);
    parseDatasetFile(files.write('mixed.csv', content));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/WARN \[datasets\] .*mixed\.csv: not UTF-8 at line 4 \(that line/);
  });
});
