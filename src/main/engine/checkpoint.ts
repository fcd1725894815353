/**
 * Trainer checkpoints: parameters, optimizer state, step count and RNG state in one file.
 *
 * Layout (little-endian): 8-byte magic "GRAFTCKP", u32 format version, u32 header byte length,
 * the header as UTF-8 JSON, zero padding to a multiple of 8, then each tensor's raw bytes at the
 * offset the header gives (relative to the data start, 8-aligned so typed arrays can view them).
 * Values are stored bit for bit, so a restored trainer continues exactly where it stopped; the
 * dropout masks follow from the step count (rng-graph.ts) and the data order from `rngState`.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { GraftError } from '../../shared/errors';
import type { TrainerSnapshot } from './trainer';

const MAGIC = 'GRAFTCKP';
const VERSION = 1;

type FloatArray = Float32Array | Float64Array;

interface Entry {
  group: 'param' | 'state';
  name: string;
  dtype: 'float32' | 'float64';
  length: number;
  offset: number;
}

interface Header {
  step: number;
  rngState: number;
  meta: Record<string, unknown>;
  tensors: Entry[];
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Encode a snapshot (plus free-form JSON `meta`) as checkpoint bytes. */
export function encodeCheckpoint(
  s: TrainerSnapshot,
  meta: Record<string, unknown> = {},
): Uint8Array {
  const tensors: Entry[] = [];
  const blobs: FloatArray[] = [];
  let offset = 0;
  const add = (group: Entry['group'], map: Map<string, FloatArray>): void => {
    for (const [name, data] of map) {
      const dtype = data instanceof Float64Array ? 'float64' : 'float32';
      tensors.push({ group, name, dtype, length: data.length, offset });
      blobs.push(data);
      offset = align8(offset + data.byteLength);
    }
  };
  add('param', s.params);
  add('state', s.state);

  const header: Header = { step: s.step, rngState: s.rngState, meta, tensors };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(16 + json.length);
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);

  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  tensors.forEach((t, i) => {
    const b = blobs[i];
    out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), dataStart + t.offset);
  });
  return out;
}

/** Decode checkpoint bytes; `what` names the source in errors. */
export function decodeCheckpoint(
  bytes: Uint8Array,
  what = 'checkpoint',
): { snapshot: TrainerSnapshot; meta: Record<string, unknown> } {
  const bad = (m: string): never => {
    throw new GraftError('bad-input', `${what}: ${m}`);
  };
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    bad('not a Graft checkpoint (magic GRAFTCKP missing)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) bad(`format version ${version}, this build reads ${VERSION}`);
  const length = view.getUint32(12, true);
  if (16 + length > bytes.length) bad('truncated header');

  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length))) as Header;
  } catch (error) {
    return bad(`unreadable header: ${(error as Error).message}`);
  }
  const dataStart = align8(16 + length);
  const params = new Map<string, FloatArray>();
  const state = new Map<string, FloatArray>();

  for (const t of header.tensors) {
    const size = t.length * (t.dtype === 'float64' ? 8 : 4);
    const start = dataStart + t.offset;
    if (start + size > bytes.length) bad(`tensor '${t.name}' runs past the end of the file`);
    // Copy into a fresh, aligned buffer: the file's bytes may sit at any offset in memory
    // (and a Node Buffer's slice() is a view into a shared pool, not a copy).
    const raw = new Uint8Array(size);
    raw.set(bytes.subarray(start, start + size));
    const data =
      t.dtype === 'float64' ? new Float64Array(raw.buffer) : new Float32Array(raw.buffer);
    (t.group === 'param' ? params : state).set(t.name, data);
  }
  return {
    snapshot: { step: header.step, rngState: header.rngState, params, state },
    meta: header.meta ?? {},
  };
}

/** Write a checkpoint atomically (temporary file, then rename). */
export function saveCheckpoint(
  path: string,
  s: TrainerSnapshot,
  meta: Record<string, unknown> = {},
): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodeCheckpoint(s, meta));
  renameSync(tmp, path);
}

export function loadCheckpoint(path: string): {
  snapshot: TrainerSnapshot;
  meta: Record<string, unknown>;
} {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new GraftError('not-found', `checkpoint ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return decodeCheckpoint(bytes, `checkpoint ${path}`);
}
