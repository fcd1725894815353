/**
 * Serve mode over real sockets: a workbench on a temp data directory, the server on
 * 127.0.0.1, and plain HTTP and WebSocket clients. What must hold: no token or a wrong one is
 * refused, a foreign Origin is refused, bad payloads come back as typed failures from the
 * dispatcher, events reach the page, and static files never leak outside the renderer folder.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type ApiReply, type ServeHandle } from './serve';
import { setLogLevel } from './util/log';
import { createWorkbench } from './workbench';

type Workbench = Awaited<ReturnType<typeof createWorkbench>>;

let root: string;
let workbench: Workbench;
let server: ServeHandle;

beforeAll(async () => {
  setLogLevel('silent');
  root = await mkdtemp(join(tmpdir(), 'graft-serve-'));

  const staticDir = join(root, 'renderer');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Graft</title>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'export {};');
  await writeFile(join(root, 'secret.txt'), 'outside the renderer');

  workbench = await createWorkbench({ dataDir: join(root, 'data') });
  server = await startServer({ dispatcher: workbench.dispatcher, host: '127.0.0.1', staticDir });
});

afterAll(async () => {
  await server?.close();
  await workbench?.close();
  await rm(root, { recursive: true, force: true });
  setLogLevel('info');
});

interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Raw request: the path goes out unnormalised and the Host header can be forged. */
function get(path: string, headers: Record<string, string> = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function apiUrl(token?: string): string {
  const query = token === undefined ? '' : `?token=${encodeURIComponent(token)}`;
  return `ws://127.0.0.1:${server.port}/api${query}`;
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opens. */
function handshake(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', reject);
  });
}

async function openSocket(): Promise<WebSocket> {
  const ws = new WebSocket(apiUrl(server.token), { origin: `http://127.0.0.1:${server.port}` });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

function nextMessage<T>(ws: WebSocket, match: (message: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const message = JSON.parse(data.toString()) as T;
      if (!match(message)) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
  });
}

async function ask(
  ws: WebSocket,
  id: string | number,
  call: string,
  payload: unknown,
): Promise<ApiReply> {
  const reply = nextMessage<ApiReply>(ws, (m) => m.id === id);
  ws.send(JSON.stringify({ id, call, payload }));
  return reply;
}

describe('serve mode', () => {
  it('listens on loopback and puts a 32-byte token in the page URL', () => {
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toBe(server.token);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
  });

  it('refuses a WebSocket without a token or with a wrong one', async () => {
    expect(await handshake(apiUrl())).toBe(401);
    expect(await handshake(apiUrl('not-the-token'))).toBe(401);
    expect(await handshake(apiUrl(server.token.slice(0, -1)))).toBe(401);
  });

  it('refuses a foreign Origin even with the right token', async () => {
    expect(await handshake(apiUrl(server.token), 'http://evil.example')).toBe(403);
    expect(await handshake(apiUrl(server.token), 'http://127.0.0.1:1')).toBe(403);
    expect(await handshake(apiUrl(server.token), `http://127.0.0.1:${server.port}`)).toBe(101);
  });

  it('answers calls through the workbench dispatcher', async () => {
    const ws = await openSocket();

    const info = await ask(ws, 1, 'app.info', {});
    expect(info.result.ok).toBe(true);
    if (info.result.ok) expect(info.result.value).toMatchObject({ dataDir: join(root, 'data') });

    const datasets = await ask(ws, 2, 'datasets.list', {});
    expect(datasets.result).toEqual({ ok: true, value: [] });
    ws.close();
  });

  it('returns schema failures and unknown calls as typed errors', async () => {
    const ws = await openSocket();

    const bad = await ask(ws, 'a', 'datasets.import', { path: 42, limit: -1 });
    expect(bad.result.ok).toBe(false);
    if (!bad.result.ok) {
      expect(bad.result.error.code).toBe('invalid-argument');
      expect(bad.result.error.message).toMatch(/path/);
      expect(bad.result.error.message).toMatch(/limit/);
    }

    const unknown = await ask(ws, 'b', 'shell.exec', { command: 'id' });
    expect(unknown.result).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });

    const garbage = nextMessage<ApiReply>(ws, (m) => m.id === null);
    ws.send('{not json');
    expect((await garbage).result).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    ws.close();
  });

  it('pushes bus events to connected pages', async () => {
    const ws = await openSocket();
    const pushed = nextMessage<{ event?: string; payload?: unknown }>(ws, (m) => 'event' in m);

    const payload = { runId: 'run-1', status: 'running' as const, error: null };
    workbench.dispatcher.bus.emit('run.status', payload);
    expect(await pushed).toEqual({ event: 'run.status', payload });
    ws.close();
  });

  it('serves the renderer with a strict CSP and no Referer leaks', async () => {
    const page = await get('/', { Host: `127.0.0.1:${server.port}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Graft</title>');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');

    const script = await get('/assets/app.js', { Host: `localhost:${server.port}` });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });

  it('never serves files outside the renderer folder', async () => {
    const host = { Host: `127.0.0.1:${server.port}` };
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/nope.js']) {
      const reply = await get(path, host);
      expect(reply.status, path).toBe(404);
      expect(reply.body, path).not.toContain('outside the renderer');
    }
  });

  it('refuses a forged Host header (DNS rebinding)', async () => {
    const page = await get('/', { Host: `attacker.example:${server.port}` });
    expect(page.status).toBe(421);
    expect(await handshake(apiUrl(server.token).replace('127.0.0.1', 'localhost'))).toBe(101);
  });
});
