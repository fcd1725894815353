/**
 * The renderer's only door to the workbench. In Electron it forwards to `window.graft` (the
 * preload); in a browser on serve mode it speaks the same contract over a WebSocket. Either way
 * callers get `call(name, request)` that resolves with the response or throws an `ApiError`,
 * and `on(event, listener)`.
 */
import type { GraftBridge, GraftEvent } from '../preload/bridge';
import type {
  CallName,
  CallRequest,
  CallResponse,
  CallResult,
  EventName,
  EventPayload,
  GraftApi,
} from '../shared/contract';
import type { ErrorCode } from '../shared/errors';

/** The contract's codes, plus the one only a remote transport can produce. */
export type ApiErrorCode = ErrorCode | 'disconnected';

export class ApiError extends Error {
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** What both transports provide: raw results and raw events. */
interface Transport {
  invoke(name: CallName, request: unknown): Promise<CallResult<CallName>>;
  onEvent(listener: (event: GraftEvent) => void): () => void;
}

const RECONNECT_MS = [250, 500, 1000, 2000, 5000];

/** Serve mode: one socket, requests matched to replies by id, reconnecting with backoff. */
class SocketTransport implements Transport {
  private socket: WebSocket | null = null;
  private opening: Promise<WebSocket> | null = null;
  private nextId = 1;
  private attempts = 0;
  private readonly pending = new Map<number, (result: CallResult<CallName>) => void>();
  private readonly listeners = new Set<(event: GraftEvent) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();

  constructor(private readonly url: string) {}

  async invoke(name: CallName, request: unknown): Promise<CallResult<CallName>> {
    const socket = await this.open();
    const id = this.nextId++;

    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      socket.send(JSON.stringify({ id, call: name, payload: request }));
    });
  }

  onEvent(listener: (event: GraftEvent) => void): () => void {
    this.listeners.add(listener);
    void this.open().catch(() => undefined); // events flow only while a socket is open
    return () => this.listeners.delete(listener);
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setState(state: ConnectionState): void {
    for (const listener of this.stateListeners) listener(state);
  }

  private open(): Promise<WebSocket> {
    if (this.socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    if (this.opening) return this.opening;

    this.setState('connecting');
    this.opening = new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(this.url);
      socket.onopen = () => {
        this.socket = socket;
        this.opening = null;
        this.attempts = 0;
        this.setState('open');
        resolve(socket);
      };
      socket.onmessage = (message) => this.receive(String(message.data));
      socket.onclose = () => {
        const wasOpen = this.socket === socket;
        this.socket = null;
        this.opening = null;
        this.failPending();
        this.setState('closed');
        if (!wasOpen) reject(new ApiError('disconnected', 'cannot reach the Graft server'));
        this.scheduleReconnect();
      };
    });
    return this.opening;
  }

  private receive(text: string): void {
    const message = JSON.parse(text) as
      { id: number; result: CallResult<CallName> } | { event: EventName; payload: unknown };

    if ('event' in message) {
      for (const listener of this.listeners) listener(message as GraftEvent);
      return;
    }
    const resolve = this.pending.get(message.id);
    this.pending.delete(message.id);
    resolve?.(message.result);
  }

  private failPending(): void {
    const lost = { code: 'disconnected', message: 'the connection to Graft was lost' } as const;
    for (const resolve of this.pending.values()) {
      resolve({ ok: false, error: lost });
    }
    this.pending.clear();
  }

  // Reconnect only while someone listens for events; calls reconnect on demand anyway.
  private scheduleReconnect(): void {
    if (this.listeners.size === 0) return;

    const delay = RECONNECT_MS[Math.min(this.attempts, RECONNECT_MS.length - 1)];
    this.attempts++;
    setTimeout(() => void this.open().catch(() => undefined), delay);
  }
}

/** Electron: the preload's named functions. */
function bridgeTransport(bridge: GraftBridge): Transport {
  return {
    invoke: (name, request) => {
      const forward = bridge[name] as (r: unknown) => Promise<CallResult<CallName>>;
      return forward(request);
    },
    onEvent: (listener) => bridge.onEvent(listener),
  };
}

/**
 * The token comes from the URL serve mode printed. It is moved to sessionStorage and taken out
 * of the address bar, so it survives a reload but not a copied link or a screenshot.
 */
function takeToken(): string | null {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem('graft.token', fromUrl);
    params.delete('token');
    const query = params.toString();
    const clean = `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`;
    window.history.replaceState(null, '', clean);
    return fromUrl;
  }
  return sessionStorage.getItem('graft.token');
}

export interface Api extends GraftApi {
  /** Electron or serve mode, for the status line. */
  readonly mode: 'electron' | 'serve';
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

function createApi(transport: Transport, mode: Api['mode'], socket?: SocketTransport): Api {
  return {
    mode,
    async call<C extends CallName>(name: C, request: CallRequest<C>): Promise<CallResponse<C>> {
      const result = await transport.invoke(name, request);
      if (!result.ok) throw new ApiError(result.error.code as ApiErrorCode, result.error.message);
      return result.value as CallResponse<C>;
    },
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
      return transport.onEvent((message) => {
        if (message.event === name) listener(message.payload as EventPayload<E>);
      });
    },
    onConnection: (listener) => socket?.onState(listener) ?? (() => undefined),
  };
}

/** Builds the client for wherever this page runs; throws when serve mode has no token. */
export function connect(): Api {
  if (window.graft) return createApi(bridgeTransport(window.graft), 'electron');

  const token = takeToken();
  if (!token) {
    throw new ApiError(
      'invalid-argument',
      'No access token. Open the full address that "graft serve" printed (it ends in ?token=…).',
    );
  }
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${protocol}//${window.location.host}/api?token=${encodeURIComponent(token)}`;
  const socket = new SocketTransport(url);
  return createApi(socket, 'serve', socket);
}
