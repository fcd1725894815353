/**
 * A stand-in for the Hugging Face Hub on 127.0.0.1, serving the endpoints Graft's download uses:
 *   GET /api/models/<repo>/revision/<rev>       model info (sha, cardData, tags)
 *   GET /api/models/<repo>/tree/<commit>        file list with oid / lfs.oid / sizes
 *   GET /<repo>/resolve/<commit>/<path>         bytes, honouring `Range: bytes=N-`
 * Knobs let a test cut a response short (an interrupted download), ignore Range, or serve bytes
 * that do not match the listed checksum.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  repo: string;
  commit: string;
  /** path -> bytes; *.safetensors are listed as LFS files (sha256 oid), the rest as git blobs. */
  files: Record<string, Uint8Array>;
  licence?: string;
}

export interface FakeHubKnobs {
  /** Close the first response for this path after this many bytes. */
  cutOnce?: { path: string; after: number };
  ignoreRange?: boolean;
  /** Serve this path with its last byte flipped. */
  corrupt?: string;
}

export interface FakeHub {
  url: string;
  /** "METHOD path range" of every request, in order. */
  requests: string[];
  knobs: FakeHubKnobs;
  close(): Promise<void>;
}

const gitSha1 = (b: Uint8Array): string =>
  createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export async function startFakeHub(repo: FakeRepo, knobs: FakeHubKnobs = {}): Promise<FakeHub> {
  const requests: string[] = [];
  const state = { knobs, cut: false };
  const json = (res: import('node:http').ServerResponse, body: unknown, status = 200): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    requests.push(`${req.method} ${path} ${req.headers.range ?? ''}`.trim());
    const info = `/api/models/${repo.repo}/revision/`;
    const tree = `/api/models/${repo.repo}/tree/${repo.commit}`;
    const resolve = `/${repo.repo}/resolve/${repo.commit}/`;

    if (path.startsWith(info)) {
      const rev = path.slice(info.length);
      if (rev !== 'main' && rev !== repo.commit) {
        return json(res, { error: 'Revision not found' }, 404);
      }
      return json(res, {
        _id: 'fake',
        id: repo.repo,
        sha: repo.commit,
        private: false,
        gated: false,
        downloads: 0,
        likes: 0,
        lastModified: '2024-01-01T00:00:00.000Z',
        pipeline_tag: null,
        cardData: repo.licence ? { license: repo.licence } : {},
        tags: repo.licence ? [`license:${repo.licence}`] : [],
      });
    }
    if (path === tree) {
      return json(
        res,
        Object.entries(repo.files).map(([p, bytes]) => {
          const lfs = p.endsWith('.safetensors')
            ? { oid: sha256(bytes), size: bytes.length, pointerSize: 130 }
            : undefined;
          return {
            type: 'file',
            path: p,
            size: lfs ? 130 : bytes.length,
            oid: gitSha1(bytes),
            lfs,
          };
        }),
      );
    }
    if (path.startsWith(resolve)) {
      const file = path.slice(resolve.length);
      let bytes = repo.files[file];
      if (!bytes) return json(res, { error: 'Entry not found' }, 404);
      if (state.knobs.corrupt === file) {
        bytes = Uint8Array.from(bytes);
        bytes[bytes.length - 1] ^= 0xff;
      }
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = range && !state.knobs.ignoreRange ? Number(range[1]) : 0;
      const headers: Record<string, string | number> = {
        'content-type': 'application/octet-stream',
        etag: `"${gitSha1(bytes)}"`,
        'content-length': bytes.length - start,
        'accept-ranges': 'bytes',
      };
      const last = bytes.length - 1;
      if (start > 0) headers['content-range'] = `bytes ${start}-${last}/${bytes.length}`;
      res.writeHead(start > 0 ? 206 : 200, headers);
      const cut = state.knobs.cutOnce;
      if (cut && cut.path === file && !state.cut) {
        state.cut = true;
        res.write(bytes.subarray(start, start + cut.after));
        setTimeout(() => res.destroy(), 20); // the connection drops mid-file
        return;
      }
      return res.end(bytes.subarray(start));
    }
    json(res, { error: `no route ${path}` }, 404);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    knobs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
