/** How the import's progress events read on the Datasets page. */
import { describe, expect, it } from 'vitest';
import type { DatasetImportProgress } from '../../shared/contract';
import { progressView } from './progress';

const event = (p: Partial<DatasetImportProgress>): DatasetImportProgress => ({
  path: '/d.csv',
  preview: true,
  phase: 'reading',
  done: 0,
  total: 1,
  rows: 900,
  file: null,
  ...p,
});

describe('progressView', () => {
  it('gives the split a bar once it lays out rows, none while it is drawn', () => {
    expect(progressView(event({ phase: 'splitting', done: 0, total: 1 }))).toEqual({
      label: 'Splitting: 900 rows',
      measured: null,
    });
    expect(progressView(event({ phase: 'splitting', done: 300, total: 900 }))).toEqual({
      label: 'Splitting: 300 of 900 rows laid out',
      measured: { done: 300, total: 900 },
    });
  });

  it('measures bytes read and rows stored, and not validating', () => {
    expect(progressView(event({ phase: 'reading', done: 512, total: 2048 }))).toEqual({
      label: 'Reading: 512 B of 2.0 KB, 900 rows',
      measured: { done: 512, total: 2048 },
    });
    expect(progressView(event({ phase: 'writing', done: 600, total: 900 })).measured).toEqual({
      done: 600,
      total: 900,
    });
    expect(progressView(event({ phase: 'validating' })).measured).toBeNull();
  });
});
