/**
 * `graft datasets import` as a user runs it (a child process against a temp data directory)
 * for the one-column-per-label flag, and the import's progress line as stderr shows it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
});

describe('graft datasets dropped', () => {
  it('lists every dropped row, by reason, as a table or JSON Lines', () => {
    const rows = ['text,label'];
    for (let c = 0; c < 4; c++) for (let i = 0; i < 50; i++) rows.push(`text ${i},${i % 2}`);
    const file = join(dir, 'dups.csv');
    writeFileSync(file, rows.join('\n') + '\n');

    const imported = graft('datasets', 'import', file, '--drop', 'duplicate', '--json');
    expect(imported.status, imported.stderr).toBe(0);
    const dataset = JSON.parse(imported.stdout) as {
      id: string;
      dropped: number;
      report: { dropped: unknown[]; droppedTotal: number };
    };
    expect(dataset.dropped).toBe(150);
    expect(dataset.report.droppedTotal).toBe(150);
    expect(dataset.report.dropped).toHaveLength(100);

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
    expect(table.stdout.trim().split('\n')).toHaveLength(151);
    expect(table.stdout).toMatch(/^duplicate\s+\S*dups\.csv:52\s+0\s+"text 0"$/m);

    const none = graft('datasets', 'dropped', dataset.id, '--reason', 'malformed', '--json');
    expect(none.stdout).toBe('');

    const help = graft('datasets', 'dropped', '--help');
    expect(help.stdout).toMatch(/--reason <reason>/);
    expect(help.stdout).toMatch(/--json\s+print JSON Lines/);
  });
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
    printer.update(importProgressLine({ ...event, phase: 'writing', done: 5e5, total: 1e6 }));
    printer.finish();
    expect(out.text()).toBe(
      'reading    [#########---------------]  39%  75 of 190 MB, 400,000 rows  big.csv\n' +
        'writing    [############------------]  50%  500,000 of 1,000,000 rows\n',
    );
  });

  it('rewrites one line on a terminal', () => {
    const out = capture(true);
    const printer = createProgressPrinter(out.stream);
    printer.update(importProgressLine({ ...event, phase: 'validating', done: 0, total: 1 }));
    printer.finish();
    expect(out.text()).toBe('\r\x1b[2Kvalidating [------------------------]   0%  400,000 rows\n');
  });
});
