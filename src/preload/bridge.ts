/**
 * The shape of `window.graft`, derived from the contract so the preload, the renderer and the
 * contract cannot drift apart. It pulls in nothing from Electron: the renderer imports its types
 * with `import type`, and the preload and the main process share the channel names below.
 */
import type {
  CallName,
  CallRequest,
  CallResult,
  EventName,
  EventPayload,
} from '../shared/contract';

/** One named function per call: `graft['datasets.import'](request)`. */
export type GraftCalls = {
  [C in CallName]: (request: CallRequest<C>) => Promise<CallResult<C>>;
};

/** A pushed event as the renderer receives it: the name travels with its payload. */
export type GraftEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

export interface GraftBridge extends GraftCalls {
  /** Receives every event the main process pushes; returns an unsubscribe function. */
  onEvent(listener: (event: GraftEvent) => void): () => void;
}

/** Renderer-to-main channel of one call; the prefix says the direction. */
export function invokeChannel(name: CallName): `invoke:${CallName}` {
  return `invoke:${name}`;
}

/** Main-to-renderer channel that carries every event. */
export const EVENT_CHANNEL = 'push:event';
