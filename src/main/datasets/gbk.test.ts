/**
 * GBK or Windows-1252, for bytes that are not UTF-8 and decode as both: Chinese puts CJK
 * characters next to each other, while a Windows-1252 accent before an ASCII letter reads in GBK
 * as one isolated CJK character. Judged the same whole (decode.ts) and in chunks (source.ts).
 */
import { describe, expect, it } from 'vitest';
import { CjkRuns } from './decode';
import { parseDatasetFile, type ParsedFile } from './parse';
import { gbkEncode } from './test-encodings';
import { filesForEachTest, streamed } from './test-files';

const files = filesForEachTest();

const rowsOf = (p: ParsedFile): [string, string, number][] =>
  p.rows.map((r) => [r.text, r.label, r.line]);

describe('CjkRuns', () => {
  it('counts a run cut between two chunks once, whole', () => {
    const runs = new CjkRuns();
    for (const chunk of ['ok 酒', '店很', '好 fine']) runs.push(chunk);
    expect(runs.chinese()).toBe(true);
    expect([runs.inRuns, runs.isolated]).toEqual([4, 0]);
  });

  it('counts CJK characters between ASCII letters as isolated', () => {
    const runs = new CjkRuns();
    runs.push('cr鑝e M黮ler stra遝 酒店');
    // 3 isolated, 2 in a run: 40% in runs, under the 80% asked for
    expect(runs.chinese()).toBe(false);
    expect([runs.inRuns, runs.isolated]).toEqual([2, 3]);
  });
});

describe('bytes that decode as both GBK and Windows-1252', () => {
  // Every accent is followed by an ASCII letter, so strict GBK decodes all of it
  const european = [
    'cr\xe8me br\xfbl\xe9e is d\xe9licious',
    'M\xfcller stra\xdfe pr\xe4mie \xfcber',
  ];

  it('reads short Windows-1252 European text as Windows-1252, whole or in chunks', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${european[i % 2]} ${i},${i % 2}`);
    const path = files.write(
      'ambig.csv',
      Buffer.from(['text,label', ...rows, ''].join('\n'), 'latin1'),
    );
    for (const hooks of [undefined, streamed(64, 200)]) {
      const parsed = parseDatasetFile(path, {}, hooks);
      expect(parsed.encoding).toBe('windows-1252');
      expect(parsed.rows[0].text).toBe('crème brûlée is délicious 0');
      expect(parsed.rows[1].text).toBe('Müller straße prämie über 1');
    }
  });

  it('reads GBK rows after many ASCII ones as GBK, whole or in chunks', () => {
    // 5 Chinese rows after 2,000 ASCII ones: CJK is well under 1% of all characters
    const ascii = Array.from({ length: 2000 }, (_, i) => `plain row ${i},${i % 2}`);
    const chinese = Array.from({ length: 5 }, (_, i) => `这家酒店很好 ${i},1`);
    const path = files.write(
      'late-gbk.csv',
      Buffer.concat([
        Buffer.from(['text,label', ...ascii, ''].join('\n')),
        gbkEncode(chinese.join('\n') + '\n'),
      ]),
    );
    const whole = parseDatasetFile(path);
    expect(whole.encoding).toBe('gbk');
    expect(whole.notes).toContain('detected GBK: not UTF-8 from line 2002');
    expect(whole.rows[2000]).toEqual({ text: '这家酒店很好 0', label: '1', line: 2002 });

    const parsed = parseDatasetFile(path, {}, streamed(4096, 8192));
    expect(parsed.encoding).toBe('gbk');
    expect(parsed.notes).toContain('detected GBK: not UTF-8 from line 2002');
    expect(rowsOf(parsed)).toEqual(rowsOf(whole));
  });
});
