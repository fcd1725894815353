import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  callNames,
  calls,
  eventNames,
  events,
  TrainRequest,
  type CallRequest,
  type CallResponse,
  type Run,
} from './contract';

describe('the API contract', () => {
  it('names calls `area.verb` and events `area.what`', () => {
    for (const name of [...callNames, ...eventNames]) expect(name).toMatch(/^[a-z]+\.[a-z]+$/);
    expect(callNames).toContain('runs.start');
    expect(eventNames).toEqual([
      'run.progress',
      'run.status',
      'run.epoch',
      'model.download',
      'dataset.import',
    ]);
  });

  it('fills training defaults and rejects values outside their range, naming the field', () => {
    const parsed = TrainRequest.parse({ datasetId: 'ds_a', modelId: 'md_b' });
    expect(parsed).toMatchObject({
      strategy: 'feature-extraction',
      head: 'logreg',
      pooling: 'mean',
      layer: -1,
    });

    const bad = TrainRequest.safeParse({
      datasetId: 'ds_a',
      modelId: 'md_b',
      head: 'svm',
      epochs: 0,
    });
    expect(bad.success).toBe(false);
    const fields = bad.error!.issues.map((i) => i.path.join('.'));
    expect(fields).toEqual(expect.arrayContaining(['head', 'epochs']));
  });

  it('accepts an empty request for list calls and rejects a missing id', () => {
    expect(calls['runs.list'].request.parse(undefined)).toEqual({});
    expect(calls['runs.get'].request.safeParse({}).success).toBe(false);
  });

  it('checks event payloads', () => {
    const ok = events['run.progress'].safeParse({
      runId: 'run_1',
      phase: 'training',
      done: 1,
      total: 2,
      message: '',
    });
    expect(ok.success).toBe(true);
    expect(
      events['run.progress'].safeParse({
        runId: 'run_1',
        phase: 'dreaming',
        done: 1,
        total: 2,
        message: '',
      }).success,
    ).toBe(false);
  });

  it('ties each call name to its request and response types', () => {
    expectTypeOf<CallRequest<'runs.get'>>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<CallResponse<'runs.get'>>().toEqualTypeOf<Run>();
    expectTypeOf<CallResponse<'runs.cancel'>>().toEqualTypeOf<{ ok: true }>();
    // @ts-expect-error: 'runs.destroy' is not a call of the contract
    expectTypeOf<CallRequest<'runs.destroy'>>().toBeObject();
  });
});
