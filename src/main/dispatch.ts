/**
 * The binding-agnostic half of the contract: a handler table keyed by call name, a dispatcher
 * that validates every request and response against its schema, and an event bus. Electron
 * IPC, serve mode's WebSocket and direct calls (CLI, tests) all go through `dispatch`.
 */
import type { z } from 'zod';
import {
  calls,
  events,
  type CallName,
  type CallResponse,
  type CallResult,
  type EventName,
  type EventPayload,
} from '../shared/contract';
import { GraftError, toErrorPayload } from '../shared/errors';
import { logger } from './util/log';

const log = logger('api');

export type ParsedRequest<C extends CallName> = z.infer<(typeof calls)[C]['request']>;

export type Handlers = {
  [C in CallName]: (request: ParsedRequest<C>) => Promise<CallResponse<C>>;
};

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = events[name].parse(payload) as EventPayload<E>;
    for (const listener of this.listeners) listener(name, checked);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
}

export interface Dispatcher {
  /** Validates, runs and returns failures as data; never throws. */
  dispatch(name: string, payload: unknown): Promise<CallResult<CallName>>;
  /** Direct typed call for the CLI and tests: throws GraftError on failure. */
  call<C extends CallName>(
    name: C,
    request: z.input<(typeof calls)[C]['request']>,
  ): Promise<CallResponse<C>>;
  readonly bus: EventBus;
}

export function createDispatcher(handlers: Handlers, bus: EventBus): Dispatcher {
  async function invoke(name: string, payload: unknown): Promise<unknown> {
    if (!isCallName(name)) {
      throw new GraftError(
        'invalid-argument',
        `unknown call "${name}"; known calls: ${Object.keys(calls).join(', ')}`,
      );
    }
    const schema = calls[name];
    const parsed = schema.request.safeParse(payload ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`)
        .join('; ');
      throw new GraftError('invalid-argument', `${name}: ${issues}`);
    }
    const handler = handlers[name] as (request: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    return schema.response.parse(value);
  }

  return {
    bus,
    async dispatch(name, payload) {
      try {
        const value = await invoke(name, payload);
        return { ok: true, value } as CallResult<CallName>;
      } catch (error) {
        const payloadError = toErrorPayload(error);
        if (payloadError.code === 'internal') log.error(`${name} failed`, error);
        else log.info(`${name} refused: ${payloadError.message}`);
        return { ok: false, error: payloadError };
      }
    },
    async call(name, request) {
      return (await invoke(name, request)) as never;
    },
  };
}
