/**
 * `graft datasets` as a user runs it (a child process against a temp data directory): import
 * and its report, refused option mixes, list, show, dropped; and the import's progress line as
 * stderr shows it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgressPrinter, importProgressLine } from './cli-progress';

const BIN = resolve(__dirname, '../../bin/graft.mjs');
const dir = mkdtempSync(join(tmpdir(), 'graft-cli-datasets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function graft(...args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, '--data-dir', join(dir, 'data'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, GRAFT_LOG_LEVEL: 'warn' },
    timeout: 120_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

describe('graft datasets import', () => {
  it('documents --label-columns in its help', () => {
    const help = graft('datasets', 'import', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--label-columns <list>\s+multi-label, one 0\/1 column per label/);
  });

  it('imports one 0/1 column per label with --label-columns', () => {
    const rows = ['text,id,joy,anger,fear'];
    for (let i = 0; i < 30; i++)
      rows.push(`text ${i},${i},${i % 2},${(i + 1) % 2},${i % 3 ? 0 : 1}`);
    const file = join(dir, 'wide.csv');
    writeFileSync(file, rows.join('\n') + '\n');

    const result = graft('datasets', 'import', file, '--label-columns', 'joy..fear', '--json');
    expect(result.status, result.stderr).toBe(0);
    const dataset = JSON.parse(result.stdout) as { labels: string[]; multiLabel: boolean };
    expect(dataset).toMatchObject({ labels: ['anger', 'fear', 'joy'], multiLabel: true });

    const missing = graft('datasets', 'import', file, '--label-columns', 'joy,sadness');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/wide\.csv has no label column "sadness"; available columns/);
  });

  it('reads the first row as data or as column names with --no-header / --header', () => {
    const file = join(dir, 'headless.csv');
    writeFileSync(file, 'text,label\ngreat movie,pos\nawful film,neg\nnice,pos\nbad,neg\n');

    const columns = ['--text', 'column1', '--label', 'column2'];
    const asData = graft(
      'datasets',
      'import',
      file,
      '--no-header',
      ...columns,
      '--report',
      '--json',
    );
    expect(asData.status, asData.stderr).toBe(0);
    const report = JSON.parse(asData.stdout) as { rowsRead: number; textColumn: string };
    expect(report).toMatchObject({ rowsRead: 5, textColumn: 'column1' });

    const asNames = graft('datasets', 'import', file, '--header', '--report', '--json');
    expect(JSON.parse(asNames.stdout)).toMatchObject({ rowsRead: 4, textColumn: 'text' });

    const jsonl = join(dir, 'rows.jsonl');
    writeFileSync(jsonl, '{"text":"a","label":"x"}\n');
    const refused = graft('datasets', 'import', jsonl, '--format', 'jsonl', '--no-header');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/--format with --header/);
  });
});

/** n rows of two balanced labels; every `longEvery`-th text is 20 words long. */
function dataset(name: string, n: number, longEvery = 0): string {
  const rows = ['text,label'];
  for (let i = 0; i < n; i++) {
    const long = longEvery > 0 && i % longEvery === 0;
    rows.push(`${long ? 'word '.repeat(20) : ''}text ${i},${i % 2}`);
  }
  const file = join(dir, name);
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

describe('graft datasets import --report', () => {
  it('prints the long-text share, also when no text is long', () => {
    const file = dataset('long.csv', 30, 10);
    const some = graft('datasets', 'import', file, '--report', '--max-length', '8');
    expect(some.status, some.stderr).toBe(0);
    expect(some.stdout).toMatch(
      /^long texts: 3 texts \(10\.00%\) are likely longer than 8 tokens and will be truncated$/m,
    );
    const none = graft('datasets', 'import', dataset('short.csv', 30), '--report');
    expect(none.stdout).toMatch(/^long texts: none is likely longer than 512 tokens$/m);
  });

  it('suggests --multi-label when labels look like lists of labels', () => {
    const labels = ['3', '14', '27', '3,14', '14,27', '3,27'];
    const rows = [
      'text,label',
      ...labels.flatMap((l, k) => [0, 1, 2].map((i) => `t${k}${i},"${l}"`)),
    ];
    const file = join(dir, 'lists.csv');
    writeFileSync(file, rows.join('\n') + '\n');
    const report = graft('datasets', 'import', file, '--report');
    expect(report.stdout).toMatch(
      /^WARNING multi-label: 3 of 6 labels \(9 rows\) contain ",".* \(--multi-label ,\)$/m,
    );
  });
});

describe('graft datasets import refuses conflicting options', () => {
  const file = (): string => dataset('c.csv', 30);
  const test = (): string => dataset('c-test.csv', 6);

  // Each mix is refused by the importer (import.test.ts); these pin the flags' names
  it.each([
    [['--test', 'TEST', '--ratios', '0.8,0.1,0.1'], '--test with --ratios: the test file is'],
    [['--split-column', 'part', '--seed', '3'], '--split-column with --seed: '],
    [['--ratios', '0.8,0,0.2', '--test-ratio', '0.3'], '--ratios with --test-ratio: both set'],
    [['--format', 'jsonl', '--no-quoting'], '--format with --no-quoting: jsonl files have no'],
  ])('%j', (args, message) => {
    const result = graft(
      'datasets',
      'import',
      file(),
      ...args.map((a) => (a === 'TEST' ? test() : a)),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`graft: conflicting options: ${message}`);
  });

  it('takes a test file alone: no split default is sent along', () => {
    const result = graft('datasets', 'import', file(), '--test', test(), '--json');
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ splits: { train: 30, test: 6 } });
  });
});

describe('graft datasets list and show', () => {
  it('lists splits readably and shows a dataset with its report, plain and JSON', () => {
    const file = dataset('big.csv', 1250, 125);
    const args = ['--ratios', '0.8,0.1,0.1', '--name', 'big', '--max-length', '8', '--json'];
    const imported = graft('datasets', 'import', file, ...args);
    expect(imported.status, imported.stderr).toBe(0);
    const id = (JSON.parse(imported.stdout) as { id: string }).id;

    const list = graft('datasets', 'list');
    expect(list.stdout).toMatch(
      new RegExp(`^${id}  big  sha [0-9a-f]{8}  train 1,000 · validation 125 · test 125$`, 'm'),
    );
    const listed = JSON.parse(graft('datasets', 'list', '--json').stdout) as { splits: object }[];
    expect(listed.find((d) => 'id' in d && d.id === id)?.splits).toEqual({
      train: 1000,
      validation: 125,
      test: 125,
    });

    const show = graft('datasets', 'show', id);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`^${id}  big$`, 'm'));
    const hash = /^hash {7}sha256 ([0-9a-f]{64}) /m.exec(show.stdout)?.[1] ?? '';
    expect(list.stdout).toContain(`${id}  big  sha ${hash.slice(0, 8)}  `);
    expect(show.stdout).toMatch(/^format {5}csv, utf-8$/m);
    expect(show.stdout).toMatch(/^splits {5}train 1,000 · validation 125 · test 125$/m);
    expect(show.stdout).toMatch(/^labels {5}2 \(all splits\): 0 625 · 1 625$/m);
    expect(show.stdout).toMatch(
      /^ {2}file \(all splits\): \S+big\.csv: csv, utf-8, 1,250 records read/m,
    );
    expect(show.stdout).toMatch(/^ {2}long texts: 10 texts \(0\.80%\) are likely longer than 8/m);

    const json = JSON.parse(graft('datasets', 'show', id, '--json').stdout) as {
      id: string;
      contentHash: string;
      report: { stored: boolean; splits: object };
    };
    expect(json).toMatchObject({ id, report: { stored: true } });
    expect(json.report.splits).toEqual({ train: 1000, validation: 125, test: 125 });

    const missing = graft('datasets', 'show', 'ds_nope');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('graft: dataset "ds_nope" does not exist');

    const help = graft('datasets', '--help');
    expect(help.stdout).toMatch(/^ {2}show \[options\] <id> +a stored dataset/m);
  });
});

describe('graft datasets dropped', () => {
  it('lists every dropped row, by reason, as a table or JSON Lines', () => {
    const rows = ['text,label'];
    for (let c = 0; c < 4; c++) for (let i = 0; i < 50; i++) rows.push(`text ${i},${i % 2}`);
    const file = join(dir, 'dups.csv');
    writeFileSync(file, rows.join('\n') + '\n');

    const imported = graft('datasets', 'import', file, '--drop', 'duplicate', '--json');
    expect(imported.status, imported.stderr).toBe(0);
    type Listed = { reason: string; file: string; line: number; text?: string };
    const dataset = JSON.parse(imported.stdout) as {
      id: string;
      dropped: number;
      report: { dropped: Listed[]; droppedTotal: number };
    };
    expect(dataset.dropped).toBe(150);
    expect(dataset.report.droppedTotal).toBe(150);
    // --json lists every dropped row (issue #5), texts after the first 100 left out
    expect(dataset.report.dropped).toHaveLength(150);
    expect(dataset.report.dropped[149]).toEqual({
      reason: 'duplicate',
      file,
      line: 201,
      label: '1',
    });
    expect(dataset.report.dropped.filter((d) => d.text !== undefined)).toHaveLength(100);
    const preview = graft('datasets', 'import', file, '--drop', 'duplicate', '--report', '--json');
    expect(preview.status, preview.stderr).toBe(0);
    const report = JSON.parse(preview.stdout) as { dropped: Listed[] };
    expect(report.dropped).toEqual(dataset.report.dropped);
    const shown = graft('datasets', 'show', dataset.id, '--json');
    expect((JSON.parse(shown.stdout) as typeof dataset).report.dropped).toHaveLength(100);

    const jsonl = graft('datasets', 'dropped', dataset.id, '--json');
    expect(jsonl.status, jsonl.stderr).toBe(0);
    const all = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { text: string });
    expect(all).toHaveLength(150);
    expect(all[0]).toMatchObject({ reason: 'duplicate', text: 'text 0', line: 52 });

    const table = graft('datasets', 'dropped', dataset.id, '--reason', 'duplicate');
    expect(table.status, table.stderr).toBe(0);
    // The header, 150 rows, then the count, in that order on stdout
    const lines = table.stdout.trim().split('\n');
    expect(lines).toHaveLength(152);
    expect(lines[0]).toMatch(/^reason\s+file:line\s+label\s+text$/);
    expect(lines.at(-1)).toBe('150 dropped rows');
    expect(table.stdout).toMatch(/^duplicate\s+\S*dups\.csv:52\s+0\s+"text 0"$/m);

    const none = graft('datasets', 'dropped', dataset.id, '--reason', 'malformed', '--json');
    expect(none.stdout).toBe('');

    const help = graft('datasets', 'dropped', '--help');
    expect(help.stdout).toMatch(/--reason <reason>/);
    expect(help.stdout).toMatch(/--json\s+print JSON Lines/);
  });
});

describe('graft datasets: reports and errors in the words of the CLI', () => {
  it('says why no row is usable when label names meet word labels', () => {
    const rows = ['text,label'];
    for (let i = 0; i < 8; i++) rows.push(`row ${i},${i % 2 ? 'pos' : 'neg'}`);
    const file = join(dir, 'words.csv');
    writeFileSync(file, rows.join('\n') + '\n');
    const names = join(dir, 'names.txt');
    writeFileSync(names, 'negative\npositive\n');

    // A plain import says the same, rather than "drop the malformed rows" first
    for (const mode of ['--report', '--json']) {
      const result = graft('datasets', 'import', file, '--label-names', names, mode);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        'no usable rows: all 8 rows are malformed; line 2: label "neg" is not an id of the 2 ' +
          'label names; label names map integer labels, these labels are words (leave out ' +
          '--label-names)',
      );
    }
  });

  it('counts no empty label as a class, and exits 1 when --report finds errors', () => {
    const rows = ['text,label'];
    for (let i = 0; i < 40; i++) rows.push(`row ${i},${i % 8 === 0 ? '' : i % 2 ? 'pos' : 'neg'}`);
    const file = join(dir, 'blank.csv');
    writeFileSync(file, rows.join('\n') + '\n');

    const result = graft('datasets', 'import', file, '--report');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^labels \(all splits\): neg 15 · pos 20$/m);
    expect(result.stdout).not.toMatch(/tiny-class|imbalance/);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      'graft: the import would be refused (empty-label 5); import with --drop empty-label to ' +
        'drop those rows (each is kept: graft datasets dropped ID), or fix the file',
    );
    expect(graft('datasets', 'import', file, '--report', '--drop', 'empty-label').status).toBe(0);
    expect(graft('datasets', 'import', '--help').stdout).toMatch(/exits 1 when it has errors/);
  });

  it('refuses an unknown --drop reason or --label-transform, naming it and the accepted', () => {
    const file = dataset('flags.csv', 30);
    const drop = graft('datasets', 'import', file, '--drop', 'empty-text,bogus', '--report');
    expect(drop.status).toBe(1);
    expect(drop.stderr).toContain(
      '--drop: "bogus" is not a reason to drop; accepted: empty-text, empty-label, malformed, ' +
        'duplicate, conflicting-duplicate, test-overlap',
    );
    const transform = graft('datasets', 'import', file, '--label-transform', 'upper');
    expect(transform.status).toBe(1);
    expect(transform.stderr).toContain(
      '--label-transform: "upper" is not a label transform; accepted: none, coarse',
    );
    const encoding = graft('datasets', 'import', file, '--encoding', 'latin2');
    expect(encoding.status).toBe(1);
    expect(encoding.stderr).toContain(
      'unknown encoding "latin2"; accepted: auto, utf-8, utf-16le, utf-16be, windows-1252, gbk',
    );
    expect(graft('datasets', 'list').stdout).not.toContain('flags');
  });

  it('reads latin1 and iso-8859-1 as windows-1252, as browsers do', () => {
    const file = join(dir, 'latin1.csv');
    const rows = ['text,label'];
    for (let i = 0; i < 20; i++) rows.push(`caf\u00e9 ${i},${i % 2}`);
    writeFileSync(file, Buffer.from(rows.join('\n') + '\n', 'latin1'));
    for (const name of ['latin1', 'ISO-8859-1']) {
      const result = graft('datasets', 'import', file, '--encoding', name, '--report', '--json');
      expect(result.status, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).files[0].encoding).toBe('windows-1252');
    }
  });

  it('names the first 100 labels of an import, then how many more', () => {
    const rows = ['text,label'];
    for (let i = 0; i < 240; i++) rows.push(`text ${i},l${String(i % 120).padStart(3, '0')}`);
    const file = join(dir, 'many-labels.csv');
    writeFileSync(file, rows.join('\n') + '\n');
    const result = graft('datasets', 'import', file, '--label', 'label', '--name', 'many');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/; labels: l000, l001, .*, l099, and 20 more\)$/m);
    const labelsLine = /^labels \(all splits\): l000 2 · .* · l099 2 · and 20 more$/m;
    expect(result.stdout).toMatch(labelsLine);
  });

  it('refuses out-of-range shares as flag errors, without the call name', () => {
    const file = join(dir, 'blank.csv');
    const ratio = graft('datasets', 'import', file, '--test-ratio', '1.5');
    expect(ratio.status).toBe(1);
    expect(ratio.stderr).toContain('--test-ratio must be between 0 and 1, got 1.5');
    const ratios = graft('datasets', 'import', file, '--ratios', '0.5,0.5,0.5');
    expect(ratios.stderr).toContain('--ratios shares must sum to 1, got 0.5,0.5,0.5 (sum 1.5)');
    expect(ratios.stderr).not.toMatch(/datasets\.(import|preview)/);
    const limit = graft('datasets', 'import', file, '--limit', '99999999999999999999');
    expect(limit.status).toBe(1);
    expect(limit.stderr).toContain('--limit must be at most 9,007,199,254,740,991');
  });

  it('shows label counts per split', () => {
    const train = join(dir, 'split-train.csv');
    const test = join(dir, 'split-test.csv');
    const rows = (n: number, pos: number): string =>
      [
        'text,label',
        ...Array.from({ length: n }, (_, i) => `t${n} ${i},${i < pos ? 'pos' : 'neg'}`),
      ].join('\n') + '\n';
    writeFileSync(train, rows(30, 10));
    writeFileSync(test, rows(12, 9));
    const imported = graft('datasets', 'import', train, '--test', test, '--json');
    expect(imported.status, imported.stderr).toBe(0);
    const { id } = JSON.parse(imported.stdout) as { id: string };

    const shown = graft('datasets', 'show', id);
    expect(shown.stdout).toMatch(/^labels +2 \(all splits\): neg 23 · pos 19$/m);
    expect(shown.stdout).toMatch(/^ +train: neg 20 · pos 10$/m);
    expect(shown.stdout).toMatch(/^ +test: neg 3 · pos 9$/m);
  });

  it('lists a malformed row with its reason on a line of its own, columns aligned', () => {
    const file = join(dir, 'quote.csv');
    const rows = ['text,label', '"never closed,1'];
    for (let i = 0; i < 20; i++) rows.push(`row ${i},${i % 2 ? 'a-long-label' : 'b'}`);
    writeFileSync(file, rows.join('\n') + '\n');
    const imported = graft('datasets', 'import', file, '--drop', 'malformed', '--json');
    expect(imported.status, imported.stderr).toBe(0);
    const { id } = JSON.parse(imported.stdout) as { id: string };

    const lines = graft('datasets', 'dropped', id).stdout.split('\n');
    const textAt = lines[0].indexOf('text');
    expect(lines[0].indexOf('label')).toBe(lines[1].indexOf(' - ') + 1);
    expect(lines[1].indexOf('"\\"never closed')).toBe(textAt);
    expect(lines[2].indexOf('why: ')).toBe(textAt);
    expect(lines[2]).toMatch(/why: malformed quoted field/);
  });

  it('keeps the file name and line of a long path, and says why in flags', () => {
    const deep = join(dir, 'a-rather-long-folder-name-for-data', 'and-another-one-below-it');
    mkdirSync(deep, { recursive: true });
    const file = join(deep, 'lists.jsonl');
    const rows = Array.from({ length: 20 }, (_, i) => ({ text: `row ${i}`, label: i % 2 }));
    const lines = [{ text: 'a list', label: ['0', '1'] }, ...rows].map((r) => JSON.stringify(r));
    writeFileSync(file, lines.join('\n') + '\n');
    const imported = graft('datasets', 'import', file, '--drop', 'malformed', '--json');
    expect(imported.status, imported.stderr).toBe(0);
    const { id } = JSON.parse(imported.stdout) as { id: string };

    const table = graft('datasets', 'dropped', id).stdout;
    expect(table).toMatch(/malformed +\u2026\S*\/lists\.jsonl:1 /);
    expect(table).toContain('--multi-label');
    expect(table).not.toContain('multiLabel');
  });

  it('logs no INFO lines by default, and debug with --verbose', () => {
    const env = { ...process.env };
    delete env.GRAFT_LOG_LEVEL;
    const run = (...args: string[]): string =>
      spawnSync(process.execPath, [BIN, '--data-dir', join(dir, 'data'), ...args], {
        encoding: 'utf8',
        env,
      }).stderr;
    expect(run('datasets', 'list')).toBe('');
    expect(run('--verbose', 'datasets', 'list')).toMatch(/ INFO \[workbench\] workbench ready/);
  });

  it('says so and exits 130 when Ctrl-C stops an import', async () => {
    const file = join(dir, 'long.csv');
    const rows = ['text,label'];
    for (let i = 0; i < 400_000; i++) rows.push(`a somewhat longer text number ${i},${i % 2}`);
    writeFileSync(file, rows.join('\n') + '\n');

    const child = spawn(
      process.execPath,
      [BIN, '--data-dir', join(dir, 'data'), ...['datasets', 'import', file, '--name', 'stopped']],
      {
        env: { ...process.env, GRAFT_LOG_LEVEL: 'warn' },
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    // Progress shows after a second of importing: the import is then surely under way
    child.stderr.on('data', (chunk: string) => {
      if (!stderr) child.kill('SIGINT');
      stderr += chunk;
    });
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(130);
    expect(stderr.trim().split('\n').at(-1)).toBe('graft: import stopped; nothing stored');
    expect(graft('datasets', 'list').stdout).not.toContain('stopped');
  }, 60_000);
});

describe('import progress on stderr', () => {
  function capture(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
    const chunks: string[] = [];
    const stream = { isTTY, write: (s: string) => chunks.push(s) > 0 };
    return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
  }

  const event = {
    path: '/data/big.csv',
    preview: false,
    rows: 400_000,
    file: '/data/big.csv',
  };

  it('shows the bytes read, the rows and the file while reading', () => {
    const out = capture(false);
    const printer = createProgressPrinter(out.stream);
    printer.update(importProgressLine({ ...event, phase: 'reading', done: 75e6, total: 190e6 }));
    printer.update(importProgressLine({ ...event, phase: 'splitting', done: 0, total: 1 }));
    printer.update(importProgressLine({ ...event, phase: 'writing', done: 5e5, total: 1e6 }));
    printer.finish();
    expect(out.text()).toBe(
      'reading    [#########---------------]  39%  75 of 190 MB, 400,000 rows  big.csv\n' +
        'splitting  400,000 rows\n' +
        'writing    [############------------]  50%  500,000 of 1,000,000 rows stored\n',
    );
  });

  it('rewrites one line on a terminal, without a percentage for phases not measured', () => {
    const out = capture(true);
    const printer = createProgressPrinter(out.stream);
    printer.update(importProgressLine({ ...event, phase: 'validating', done: 0, total: 1 }));
    printer.update(importProgressLine({ ...event, phase: 'splitting', done: 1e5, total: 4e5 }));
    printer.finish();
    expect(out.text()).toBe(
      '\r\x1b[2Kvalidating 400,000 rows' +
        '\r\x1b[2Ksplitting  [######------------------]  25%  100,000 of 400,000 rows laid out\n',
    );
  });
});
