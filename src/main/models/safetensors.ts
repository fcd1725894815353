/**
 * Reader for Hugging Face safetensors weights, single-file and sharded.
 *
 * Format (https://github.com/huggingface/safetensors): 8 bytes little-endian u64 N, then N bytes
 * of UTF-8 JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {...} }`,
 * then the raw little-endian tensor bytes, offsets relative to the end of the header. We read it
 * ourselves because no maintained npm package fits (the `safetensors` package is a 0.0.1 stub)
 * and the format is tiny. Every tensor comes back as Float32Array because the engine trains in
 * f32: F16/BF16/F64 and small integer buffers (e.g. BERT's `position_ids`) are widened.
 *
 * Each tensor is read with its own positioned read, so peak memory is one copy of the weights,
 * not file + copy. `pytorch_model.bin` is a pickle; we never unpickle (arbitrary code), we ask
 * for safetensors instead.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { endianness } from 'node:os';
import { basename, join } from 'node:path';
import { GraftError, invariant } from '../../shared/errors';

export type SafetensorsDtype =
  'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const DTYPE_BYTES: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export interface WeightTensor {
  /** The dtype stored in the file; `data` is always f32. */
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array;
}

/** Parameter name -> tensor, in file order. */
export type Weights = Map<string, WeightTensor>;

export interface TensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  file: string;
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
}

export interface ReadWeightsOptions {
  /** Load only the tensors whose name passes (e.g. skip a pooler or an LM head). */
  filter?: (name: string) => boolean;
}

/** A header larger than this is not a real safetensors file (HF caps it at 100 MB too). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const SHARD_INDEX = 'model.safetensors.index.json';
const SINGLE_FILE = 'model.safetensors';
const PICKLE_FILES = ['pytorch_model.bin', 'pytorch_model.bin.index.json'];

function bad(file: string, detail: string): GraftError {
  return new GraftError('bad-input', `${file}: not a valid safetensors file: ${detail}`);
}

function elementCount(shape: number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * Parses and validates only the JSON header (cheap and synchronous: the library's folder
 * inspection counts parameters with it on the import path).
 */
export function readSafetensorsHeader(file: string): SafetensorsHeader {
  const size = statSync(file).size;
  if (size < 8) throw bad(file, `${size} bytes, shorter than the 8-byte header length`);

  const fd = openSync(file, 'r');
  let json: unknown;
  let headerLength: number;
  try {
    const lengthBytes = Buffer.alloc(8);
    readSync(fd, lengthBytes, 0, 8, 0);
    headerLength = Number(lengthBytes.readBigUInt64LE(0));
    if (headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
      throw bad(file, `header length ${headerLength} exceeds the file (${size} bytes)`);
    }
    const headerBytes = Buffer.alloc(headerLength);
    readSync(fd, headerBytes, 0, headerLength, 8);
    try {
      json = JSON.parse(headerBytes.toString('utf8'));
    } catch (error) {
      throw bad(file, `header is not JSON (${(error as Error).message})`);
    }
  } finally {
    closeSync(fd);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw bad(file, 'header is not a JSON object');
  }

  const dataStart = 8 + headerLength;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    tensors.set(name, parseEntry(file, name, entry, dataStart, size));
  }
  return { file, tensors, metadata };
}

function parseEntry(
  file: string,
  name: string,
  entry: unknown,
  dataStart: number,
  size: number,
): TensorInfo {
  const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof e?.dtype !== 'string' || !(e.dtype in DTYPE_BYTES)) {
    throw new GraftError(
      'unsupported',
      `${file}: tensor "${name}" has dtype ${String(e?.dtype)}; supported dtypes are ` +
        `${Object.keys(DTYPE_BYTES).join(', ')}`,
    );
  }
  const dtype = e.dtype as SafetensorsDtype;
  const shapeOk =
    Array.isArray(e.shape) && e.shape.every((d) => Number.isInteger(d) && (d as number) >= 0);
  const offsets = e.data_offsets;
  const offsetsOk =
    Array.isArray(offsets) && offsets.length === 2 && offsets.every((o) => Number.isInteger(o));
  if (!shapeOk || !offsetsOk) throw bad(file, `tensor "${name}" lacks a valid shape/data_offsets`);

  const shape = e.shape as number[];
  const [rel0, rel1] = offsets as [number, number];
  const begin = dataStart + rel0;
  const end = dataStart + rel1;
  const expected = elementCount(shape) * DTYPE_BYTES[dtype];
  if (rel1 < rel0 || end - begin !== expected) {
    throw bad(
      file,
      `tensor "${name}" spans ${rel1 - rel0} bytes, its ${dtype}[${shape}] needs ` + `${expected}`,
    );
  }
  if (end > size) throw bad(file, `tensor "${name}" ends at byte ${end}, past the file (${size})`);
  return { dtype, shape, begin, end };
}

/** Reads one .safetensors file into f32 tensors. */
export async function readSafetensors(
  file: string,
  options: ReadWeightsOptions = {},
): Promise<Weights> {
  invariant(endianness() === 'LE', 'safetensors reader assumes a little-endian host');
  const header = readSafetensorsHeader(file);
  const weights: Weights = new Map();
  const fh = await open(file, 'r');
  try {
    for (const [name, info] of header.tensors) {
      if (options.filter && !options.filter(name)) continue;
      const bytes = new Uint8Array(info.end - info.begin);
      // Positioned reads may return short counts on some filesystems; loop until full.
      for (let done = 0; done < bytes.length;) {
        const { bytesRead } = await fh.read(bytes, done, bytes.length - done, info.begin + done);
        if (bytesRead === 0) throw bad(file, `unexpected end of file in tensor "${name}"`);
        done += bytesRead;
      }
      weights.set(name, { dtype: info.dtype, shape: info.shape, data: toFloat32(bytes, info) });
    }
  } finally {
    await fh.close();
  }
  return weights;
}

/** Widens raw little-endian bytes of any supported dtype to f32 (copying only when needed). */
function toFloat32(bytes: Uint8Array, info: TensorInfo): Float32Array {
  const n = elementCount(info.shape);
  const buf = bytes.buffer; // freshly allocated, offset 0, so every typed view is aligned
  switch (info.dtype) {
    case 'F32':
      return new Float32Array(buf, 0, n);
    case 'F64':
      return Float32Array.from(new Float64Array(buf, 0, n));
    case 'F16':
      return f16ToF32(new Uint16Array(buf, 0, n));
    case 'BF16': {
      // bf16 is the top half of an f32: shift the 16 bits into the high half of a u32.
      const src = new Uint16Array(buf, 0, n);
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = src[i] << 16;
      return new Float32Array(out.buffer);
    }
    case 'I64': {
      const src = new BigInt64Array(buf, 0, n);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(src[i]);
      return out;
    }
    case 'I32':
      return Float32Array.from(new Int32Array(buf, 0, n));
    case 'I16':
      return Float32Array.from(new Int16Array(buf, 0, n));
    case 'I8':
      return Float32Array.from(new Int8Array(buf, 0, n));
    case 'U8':
    case 'BOOL':
      return Float32Array.from(bytes.subarray(0, n));
  }
}

/** IEEE half -> single: sign(1) exponent(5, bias 15) mantissa(10). */
export function f16ToF32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const h = src[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0)
      out[i] = sign * frac * 2 ** -24; // subnormal: frac/1024 * 2^-14
    else if (exp === 31) out[i] = frac ? NaN : sign * Infinity;
    else out[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}

/** Which weight files a folder holds, or an error that says what to provide instead. */
export function weightFiles(dir: string): string[] {
  const index = join(dir, SHARD_INDEX);
  if (existsSync(index)) {
    let parsed: { weight_map?: Record<string, string> };
    try {
      parsed = JSON.parse(readFileSync(index, 'utf8'));
    } catch (error) {
      throw new GraftError('bad-input', `${index}: not JSON (${(error as Error).message})`);
    }
    if (!parsed.weight_map || typeof parsed.weight_map !== 'object') {
      throw new GraftError('bad-input', `${index}: missing "weight_map" {tensor: shard file}`);
    }
    const shards = [...new Set(Object.values(parsed.weight_map))].sort();
    for (const shard of shards) {
      // A shard name with a path separator could point outside the folder.
      if (basename(shard) !== shard || !shard.endsWith('.safetensors')) {
        throw new GraftError(
          'bad-input',
          `${index}: weight_map names "${shard}", not a ` + `.safetensors file in the same folder`,
        );
      }
      if (!existsSync(join(dir, shard))) {
        throw new GraftError('not-found', `${index} lists shard ${shard}, missing from ${dir}`);
      }
    }
    return shards.map((s) => join(dir, s));
  }
  if (existsSync(join(dir, SINGLE_FILE))) return [join(dir, SINGLE_FILE)];

  const pickle = PICKLE_FILES.find((f) => existsSync(join(dir, f)));
  if (pickle) {
    throw new GraftError(
      'unsupported',
      `${dir} has only ${pickle}, a PyTorch pickle that Graft does not load (unpickling can run ` +
        `code). Provide model.safetensors: on the Hub most models have it; otherwise convert ` +
        `with \`python -c "from transformers import AutoModel; ` +
        `AutoModel.from_pretrained('DIR').save_pretrained('DIR', safe_serialization=True)"\`.`,
    );
  }
  throw new GraftError(
    'not-found',
    `${dir} has no weights: expected ${SINGLE_FILE} or ${SHARD_INDEX} with its shards`,
  );
}

/** Loads all weights of an HF folder (single file or sharded) into one map. */
export async function loadFolderWeights(
  dir: string,
  options: ReadWeightsOptions = {},
): Promise<Weights> {
  const files = weightFiles(dir);
  const weights: Weights = new Map();
  for (const file of files) {
    for (const [name, tensor] of await readSafetensors(file, options)) {
      if (weights.has(name)) {
        throw new GraftError('bad-input', `tensor "${name}" appears in two shards of ${dir}`);
      }
      weights.set(name, tensor);
    }
  }
  return weights;
}

/** Parameter count and tensor table from headers only (no tensor data read). */
export function folderTensorInfo(dir: string): Map<string, TensorInfo> {
  const all = new Map<string, TensorInfo>();
  for (const file of weightFiles(dir)) {
    for (const [name, info] of readSafetensorsHeader(file).tensors) all.set(name, info);
  }
  return all;
}

/** Number of scalar parameters, counting float tensors only (skips e.g. I64 position_ids). */
export function countParameters(tensors: Map<string, TensorInfo>): number {
  let total = 0;
  for (const info of tensors.values()) {
    if (info.dtype.startsWith('F') || info.dtype === 'BF16') total += elementCount(info.shape);
  }
  return total;
}

/** Serialises f32 tensors (tests write tiny fixtures with this; also the inverse for checks). */
export function encodeSafetensors(
  tensors: Record<string, { shape: number[]; data: Float32Array }>,
  metadata?: Record<string, string>,
): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    invariant(t.data.length === elementCount(t.shape), `${name}: data length != shape product`);
    const end = offset + t.data.byteLength;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  // Pad the header with spaces to a multiple of 8 so the data starts aligned (as HF does).
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const parts: Uint8Array[] = [head, Buffer.from(json, 'utf8')];
  for (const t of Object.values(tensors)) {
    parts.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return Buffer.concat(parts);
}
