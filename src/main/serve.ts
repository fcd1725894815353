/**
 * Serve mode: the same contract as the Electron shell, for a browser on the same machine. One
 * HTTP server on 127.0.0.1 serves the built renderer and upgrades `/api` to a WebSocket that
 * carries `{ id, call, payload }` requests, `{ id, result }` replies and `{ event, payload }`
 * pushes.
 *
 * Anything on this machine can reach a loopback port, including web pages in any browser tab,
 * so the socket demands a random per-launch token (compared in constant time) and refuses a
 * foreign Origin, and every request checks the Host header against DNS rebinding. Payloads are
 * validated by the dispatcher, like every other binding.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, resolve, sep } from 'node:path';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { CallName, CallResult } from '../shared/contract';
import type { Dispatcher } from './dispatch';
import { contentSecurityPolicy } from './csp';
import { logger } from './util/log';

const log = logger('serve');

export const API_PATH = '/api';

/** Generous for a dataset import request, small enough that one message cannot exhaust memory. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ServeOptions {
  dispatcher: Dispatcher;
  /** 0 or absent: any free port. */
  port?: number;
  /** Loopback only; the option exists to make that explicit at the call site. */
  host?: '127.0.0.1';
  /** The built renderer (out/renderer). */
  staticDir: string;
}

export interface ServeHandle {
  /** The page to open, token included: `http://127.0.0.1:PORT/?token=...`. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** What the socket sends back for one request. */
export interface ApiReply {
  id: string | number | null;
  result: CallResult<CallName>;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time: hashing first gives equal lengths, so timingSafeEqual never short-cuts. */
function tokenMatches(expected: Buffer, given: string | null): boolean {
  return given !== null && timingSafeEqual(expected, digest(given));
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function failure(id: ApiReply['id'], message: string): ApiReply {
  return { id, result: { ok: false, error: { code: 'invalid-argument', message } } };
}

interface ApiRequest {
  id: string | number;
  call: string;
  payload: unknown;
}

function parseRequest(data: RawData, isBinary: boolean): ApiRequest | ApiReply {
  if (isBinary) return failure(null, 'messages must be JSON text');

  let message: unknown;
  try {
    message = JSON.parse(data.toString());
  } catch {
    return failure(null, 'message is not valid JSON');
  }

  const m = message as Partial<ApiRequest> | null;
  const id = typeof m?.id === 'string' || typeof m?.id === 'number' ? m.id : null;
  if (id === null || typeof m?.call !== 'string') {
    return failure(id, 'expected { id: string | number, call: string, payload }');
  }
  return { id, call: m.call, payload: m.payload };
}

export async function startServer(options: ServeOptions): Promise<ServeHandle> {
  const { dispatcher } = options;
  const host = options.host ?? '127.0.0.1';
  const staticDir = resolve(options.staticDir);
  const token = randomBytes(32).toString('base64url');
  const tokenDigest = digest(token);

  // Filled in once listening: the allowed Host and Origin values depend on the port.
  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);

  const server = createServer((req, res) => {
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('misdirected request\n');
      return;
    }
    serveStatic(req, res).catch((error: unknown) => {
      log.error(`serving ${req.url} failed`, error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end();
    });
  });

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }

    // Resolve inside staticDir only: a decoded `..` or an absolute path must not escape it.
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    let relative: string;
    try {
      relative = decodeURIComponent(pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = resolve(join(staticDir, relative === '/' ? 'index.html' : relative));
    if (file !== staticDir && !file.startsWith(staticDir + sep)) {
      res.writeHead(404).end();
      return;
    }

    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }

    const body = await readFile(file);
    const isPage = extname(file) === '.html';
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Content-Security-Policy': contentSecurityPolicy({
        connect: allowedHosts().map((h) => `ws://${h}`),
      }),
      'X-Content-Type-Options': 'nosniff',
      // The page URL carries the token: never leak it in a Referer.
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': isPage ? 'no-store' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;

    if (url.pathname !== API_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      return refuseUpgrade(socket, 421, 'Misdirected Request');
    }
    // Browsers always send Origin; a script without one (the CLI, tests) still needs the token.
    if (origin !== undefined && !allowedOrigins().includes(origin)) {
      log.warn(`refused a WebSocket from origin ${origin}`);
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    if (!tokenMatches(tokenDigest, url.searchParams.get('token'))) {
      log.warn('refused a WebSocket without a valid token');
      return refuseUpgrade(socket, 401, 'Unauthorized');
    }

    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const send = (message: unknown): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    };

    const unsubscribe = dispatcher.bus.subscribe((event, payload) => send({ event, payload }));
    ws.on('close', unsubscribe);
    ws.on('error', (error) => log.warn(`socket error: ${error.message}`));

    ws.on('message', (data, isBinary) => {
      const request = parseRequest(data, isBinary);
      if ('result' in request) return send(request);

      // dispatch never throws: failures come back as { ok: false, error }.
      void dispatcher.dispatch(request.call, request.payload).then((result) => {
        send({ id: request.id, result });
      });
    });
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;

  const base = `http://${host}:${port}/`;
  log.info(`serving ${staticDir} at ${base}`);

  return {
    url: `${base}?token=${token}`,
    token,
    port,
    async close(): Promise<void> {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
