import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { TrainRequest } from '../shared/contract';
import { addTrainOptions, trainRequestFrom } from './cli-train';

const dir = mkdtempSync(join(tmpdir(), 'graft-cli-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(...args: string[]): Record<string, unknown> {
  const command = addTrainOptions(
    new Command('train').option('--dataset <id>').option('--model <id>'),
  )
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  command.parse(['--dataset', 'ds_1', '--model', 'md_1', ...args], { from: 'user' });
  return trainRequestFrom(command.opts());
}

describe('graft train options', () => {
  it('has a flag for every TrainRequest field, each help line with its default', () => {
    const command = addTrainOptions(
      new Command('train').option('--dataset <id>').option('--model <id>'),
    );
    const help = command.helpInformation();
    for (const flag of [
      '--layers',
      '--word-vectors',
      '--tfidf-features',
      '--student-layers',
      '--distill-temperature',
      '--distill-alpha',
      '--unfreeze-top-k',
      '--layerwise-lr-decay',
      '--warmup-ratio',
      '--schedule',
      '--clip-norm',
      '--dropout',
      '--class-weights',
      '--early-stopping-patience',
      '--head-lr-multiplier',
      '--positive-weights',
      '--config',
    ]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain('(default: 5000)');
    const fields = Object.keys(TrainRequest.shape);
    const request = parse(
      '--layers',
      '1,2',
      '--word-vectors',
      'md_2',
      '--tfidf',
      '--tfidf-features',
      '9',
      '--student-layers',
      '0,2',
      '--distill-temperature',
      '2',
      '--distill-alpha',
      '0.3',
      '--unfreeze-top-k',
      '2',
      '--layerwise-lr-decay',
      '0.9',
      '--warmup-ratio',
      '0.2',
      '--schedule',
      'cosine',
      '--clip-norm',
      '1',
      '--dropout',
      '0.2',
      '--class-weights',
      'balanced',
      '--early-stopping-patience',
      '3',
      '--strategy',
      'feature-concat',
      '--head',
      'mlp',
      '--pooling',
      'max',
      '--layer',
      '2',
      '--epochs',
      '3',
      '--batch-size',
      '8',
      '--lr',
      '0.01',
      '--weight-decay',
      '0',
      '--hidden-units',
      '4',
      '--max-length',
      '32',
      '--seed',
      '1',
      '--head-lr-multiplier',
      '20',
      '--positive-weights',
      'balanced',
    );
    expect(Object.keys(request).sort()).toEqual(fields.sort());
    expect(TrainRequest.parse(request)).toMatchObject({
      layers: [1, 2],
      studentLayers: [0, 2],
      tfidf: true,
    });
  });

  it('merges a JSON config under the flags', () => {
    const file = join(dir, 'run.json');
    writeFileSync(file, JSON.stringify({ strategy: 'scalar-mix', epochs: 7, head: 'mlp' }));
    expect(parse('--config', file, '--epochs', '2')).toMatchObject({
      datasetId: 'ds_1',
      strategy: 'scalar-mix',
      epochs: 2,
      head: 'mlp',
    });
  });

  it("starts from the strategy's defaults, as the wizard does, under config and flags", () => {
    const fineTune = TrainRequest.parse(parse('--strategy', 'fine-tune'));
    expect(fineTune).toMatchObject({ learningRate: 0.00003, epochs: 3, unfreezeTopK: 2 });
    expect(TrainRequest.parse(parse()).learningRate).toBe(0.001);
    expect(parse('--strategy', 'fine-tune', '--lr', '0.0001').learningRate).toBe(0.0001);

    const file = join(dir, 'fine-tune.json');
    writeFileSync(file, JSON.stringify({ strategy: 'fine-tune', epochs: 5 }));
    expect(parse('--config', file)).toMatchObject({ epochs: 5, learningRate: 0.00003 });
  });

  it('names a bad list and a missing config file', () => {
    expect(() => parse('--layers', '3,x')).toThrow(/--layers/);
    expect(() => parse('--config', join(dir, 'nope.json'))).toThrow(/--config/);
  });
});
