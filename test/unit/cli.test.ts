/**
 * The `graft` command as a user runs it: a child process per command against a temp data
 * directory, a tiny BERT folder, stdout parsed as the one JSON document `--json` promises.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyBertFolder } from '../../src/main/models/__fixtures__/tiny-bert';

const BIN = resolve(__dirname, '../../bin/graft.mjs');

let dir: string;
let dataDir: string;

function graft(...args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GRAFT_LOG_LEVEL: 'warn' },
    timeout: 120_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function json<T>(args: string[]): T {
  const result = graft(...args);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'graft-cli-'));
  dataDir = join(dir, 'data');
  const lines = ['sentence\tlabel'];
  const phrases = [
    'the movie was good',
    'it is boring',
    'a very good film',
    'a very bad film',
    'great fun',
    'not fun',
  ];
  for (let i = 0; i < 60; i++) lines.push(`${phrases[i % 6]}${i % 5 === 0 ? ' !' : ''}\t${i % 2}`);
  writeFileSync(join(dir, 'train.tsv'), lines.join('\n') + '\n');
  mkdirSync(join(dir, 'tiny'));
  writeTinyBertFolder(join(dir, 'tiny'), { seed: 3 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('graft CLI', () => {
  it('runs the main job end to end with --json output', () => {
    const dataset = json<{ id: string; splits: Record<string, number> }>([
      'datasets',
      'import',
      join(dir, 'train.tsv'),
      '--test-ratio',
      '0.25',
      '--seed',
      '5',
      '--json',
    ]);
    expect(dataset.splits).toEqual({ train: 45, test: 15 });

    const model = json<{ id: string; hiddenSize: number }>([
      'models',
      'import',
      join(dir, 'tiny'),
      '--json',
    ]);
    expect(model.hiddenSize).toBe(8);

    const run = json<{
      id: string;
      status: string;
      metrics: { test: { accuracy: number; macroF1: number } };
    }>([
      'train',
      '--dataset',
      dataset.id,
      '--model',
      model.id,
      '--strategy',
      'feature-extraction',
      '--head',
      'logreg',
      '--epochs',
      '3',
      '--seed',
      '1',
      '--json',
    ]);
    expect(run.status).toBe('completed');
    expect(run.metrics.test.accuracy).toBeGreaterThanOrEqual(0);
    expect(run.metrics.test.accuracy).toBeLessThanOrEqual(1);
    expect(typeof run.metrics.test.macroF1).toBe('number');

    const runs = json<{ id: string }[]>(['runs', 'list', '--json']);
    expect(runs.map((r) => r.id)).toEqual([run.id]);
    expect(json<{ id: string }>(['runs', 'show', run.id, '--json']).id).toBe(run.id);

    const bundle = join(dir, 'bundle');
    const exported = json<{ files: string[] }>(['export', run.id, '--out', bundle, '--json']);
    expect(exported.files).toContain('model.onnx');

    const predictions = json<{ label: string }[]>([
      'predict',
      bundle,
      '--text',
      'a very good film',
      '--text',
      'not fun',
      '--json',
    ]);
    expect(predictions).toHaveLength(2);
    for (const p of predictions) expect(['0', '1']).toContain(p.label);

    // Many texts come from a file: a command line cannot hold a test set.
    const lines = Array.from({ length: 400 }, (_, i) => (i % 2 ? 'not fun' : 'a very good film'));
    writeFileSync(join(dir, 'texts.txt'), lines.join('\n') + '\n\n');
    const fromFile = json<{ label: string }[]>([
      'predict',
      bundle,
      '--file',
      join(dir, 'texts.txt'),
      '--json',
    ]);
    expect(fromFile).toHaveLength(400);
    expect(fromFile[0]).toEqual(predictions[0]);
    expect(fromFile[1]).toEqual(predictions[1]);

    const empty = graft('predict', bundle, '--text', '  ');
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('texts[0] is empty');

    const intoFile = graft('export', run.id, '--out', join(dir, 'texts.txt'));
    expect(intoFile.status).toBe(1);
    expect(intoFile.stderr).toMatch(/texts\.txt is a file/);

    const badLayer = graft('train', '--dataset', dataset.id, '--model', model.id, '--layer', '99');
    expect(badLayer.status).toBe(1);
    expect(badLayer.stderr).toMatch(/layer 99 does not exist[\s\S]*0\.\.2/);
    expect(json<unknown[]>(['runs', 'list', '--json'])).toHaveLength(1);

    // The run names its dataset, and still does and exports once the dataset is deleted
    const named = / v1 \(sha [0-9a-f]{8}\)  /;
    expect(graft('runs', 'show', run.id).stdout).toMatch(named);
    const deleted = graft('datasets', 'delete', dataset.id);
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain('1 run used it; runs keep their results');
    expect(graft('runs', 'list').stdout).toMatch(named);
    const after = join(dir, 'bundle-after');
    expect(json<{ files: string[] }>(['export', run.id, '--out', after, '--json']).files).toContain(
      'README.md',
    );

    // Deleting forgets the model and its library copy; the finished run stays in the history.
    const library = json<{ path: string }[]>(['models', 'list', '--json'])[0].path;
    expect(json<{ ok: boolean }>(['models', 'delete', model.id, '--json'])).toEqual({ ok: true });
    expect(json<unknown[]>(['models', 'list', '--json'])).toEqual([]);
    expect(existsSync(library)).toBe(false);
    expect(json<unknown[]>(['runs', 'list', '--json'])).toHaveLength(1);
  });

  it('names labels with --rename-label, and says how the flag is written', () => {
    const report = json<{ labelCounts: { label: string }[]; stored: boolean }>([
      'datasets',
      'import',
      join(dir, 'train.tsv'),
      '--rename-label',
      '0=negative',
      '--rename-label',
      '1=positive',
      '--report',
      '--json',
    ]);
    expect(report.labelCounts.map((c) => c.label)).toEqual(['negative', 'positive']);
    expect(report.stored).toBe(false);

    const noName = graft('datasets', 'import', join(dir, 'train.tsv'), '--rename-label', '0');
    expect(noName.status).not.toBe(0);
    expect(noName.stderr).toContain('--rename-label takes RAW=NAME (like 0=negative), got "0"');
    const onto = graft('datasets', 'import', join(dir, 'train.tsv'), '--rename-label', '0=1');
    expect(onto.status).toBe(1);
    expect(onto.stderr).toContain('--rename-label "0" -> "1": "1" is another label of the data');
  });

  it('hints at a split column when it falls back to a random split, and follows none', () => {
    const lines = ['text,label,split'];
    const phrases = ['a good film', 'a bad film', 'great fun', 'not fun'];
    for (let i = 0; i < 40; i++) {
      lines.push(`${phrases[i % 4]} ${i},${i % 2 ? 'neg' : 'pos'},${i % 3 ? 'train' : 'test'}`);
    }
    const file = join(dir, 'with-split.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const hint =
      'graft: note: column "split" names each row\'s split (train, test); a random split was ' +
      'made: pass --split-column split to use it\n';

    // The import stays random (explicit beats clever); stdout stays one JSON document
    const random = graft('datasets', 'import', file, '--json');
    expect(random.status, random.stderr).toBe(0);
    expect(JSON.parse(random.stdout).splits).toEqual({ train: 32, test: 8 });
    expect(random.stderr).toBe(hint);
    const report = graft('datasets', 'import', file, '--report');
    expect(report.status, report.stderr).toBe(0);
    expect(report.stderr).toBe(hint);

    // Shares or a seed choose the random split: nothing to point out
    const chosen = graft('datasets', 'import', file, '--test-ratio', '0.25', '--report');
    expect(chosen.status, chosen.stderr).toBe(0);
    expect(chosen.stderr).toBe('');

    const column = graft('datasets', 'import', file, '--split-column', 'split', '--report');
    expect(column.status, column.stderr).toBe(0);
    expect(column.stdout).toContain('splits: train 26 · test 14');
    expect(column.stderr).toBe('');
  });

  it('prints help for every command', () => {
    for (const args of [
      [],
      ['datasets', 'import'],
      ['models', 'import'],
      ['train'],
      ['runs', 'list'],
      ['export'],
      ['predict'],
      ['serve'],
    ]) {
      const result = graft(...args, '--help');
      expect(result.status, args.join(' ')).toBe(0);
      expect(result.stdout).toContain('Usage: graft');
    }
  });

  it('fails with a message naming the bad input and exit code 1', () => {
    const missing = join(dir, 'missing.tsv');
    const result = graft('datasets', 'import', missing);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(missing);
    expect(result.stdout).toBe('');

    const badFlag = graft('train', '--dataset', 'x', '--model', 'y', '--epochs', 'many');
    expect(badFlag.status).not.toBe(0);
    expect(badFlag.stderr).toContain('--epochs must be an integer');

    const badStrategy = graft('train', '--dataset', 'x', '--model', 'y', '--strategy', 'magic');
    expect(badStrategy.status).not.toBe(0);
    expect(badStrategy.stderr).toMatch(/magic[\s\S]*feature-extraction/);
  });
  it("shows a multi-label run's subset accuracy and each label's threshold", () => {
    const lines = ['text\tlabels'];
    const rows: [string, string][] = [
      ['a very good film', 'pos,fun'],
      ['a very bad film', 'neg'],
      ['great fun', 'fun'],
      ['it is boring', 'neg,dull'],
    ];
    for (let i = 0; i < 80; i++) lines.push(`${rows[i % 4][0]} ${i}\t${rows[i % 4][1]}`);
    writeFileSync(join(dir, 'multi.tsv'), lines.join('\n') + '\n');
    const dataset = json<{ id: string }>([
      'datasets',
      'import',
      join(dir, 'multi.tsv'),
      '--multi-label',
      ',',
      '--ratios',
      '0.6,0.2,0.2',
      '--json',
    ]);
    const model = json<{ id: string }>(['models', 'import', join(dir, 'tiny'), '--json']);
    const run = json<{ id: string; status: string }>([
      'train',
      '--dataset',
      dataset.id,
      '--model',
      model.id,
      '--strategy',
      'feature-extraction',
      '--epochs',
      '2',
      '--json',
    ]);
    expect(run.status).toBe('completed');

    const shown = graft('runs', 'show', run.id);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/test subset accuracy [\d.]+%  macro-F1 [\d.]+  micro-F1 [\d.]+/);
    for (const label of ['dull', 'fun', 'neg', 'pos']) {
      expect(shown.stdout).toMatch(new RegExp(`^  ${label} +P .* threshold \\d\\.\\d\\d$`, 'm'));
    }
  });
});
