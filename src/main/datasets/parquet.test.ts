/**
 * Parquet beyond Snappy: files written with each codec that hyparquet-compressors reads, and
 * files no reader can use (empty, cut short, an unsupported codec) named for what they are.
 *
 * hyparquet-writer takes any compressor for a codec. GZIP and Brotli come from node:zlib; Node
 * 20 has no ZSTD or LZ4 encoder, so those pages are written as the formats' uncompressed forms
 * (ZSTD raw blocks, LZ4 literal-only sequences): valid streams that every decoder must read.
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { loadDatasetFile } from './parse';
import { peekDataset } from './peek';
import { filesForEachTest } from './test-files';

const files = filesForEachTest();

/** A ZSTD frame of raw blocks: magic, a single-segment header with a 4-byte content size. */
function zstdRaw(input: Uint8Array): Uint8Array {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0])];
  const size = Buffer.alloc(4);
  size.writeUInt32LE(input.length);
  parts.push(size);
  const MAX_BLOCK = 128 << 10;
  for (let at = 0; at < input.length || at === 0; at += MAX_BLOCK) {
    const block = input.subarray(at, at + MAX_BLOCK);
    const last = at + MAX_BLOCK >= input.length ? 1 : 0;
    // Block header, 3 bytes little-endian: last-block bit, type 0 (raw), size
    const header = (block.length << 3) | last;
    parts.push(
      Buffer.from([header & 0xff, (header >> 8) & 0xff, header >> 16]),
      Buffer.from(block),
    );
    if (last) break;
  }
  return Buffer.concat(parts);
}

/** An LZ4 block of one literal-only sequence (what LZ4_RAW pages hold). */
function lz4Literals(input: Uint8Array): Uint8Array {
  const n = input.length;
  const lengths: number[] = [];
  if (n >= 15) {
    let rest = n - 15;
    for (; rest >= 255; rest -= 255) lengths.push(255);
    lengths.push(rest);
  }
  return Buffer.concat([Buffer.from([Math.min(n, 15) << 4, ...lengths]), Buffer.from(input)]);
}

/** Hadoop's LZ4 framing (Parquet's old LZ4 codec): sizes, big-endian, before the block. */
function lz4Hadoop(input: Uint8Array): Uint8Array {
  const block = lz4Literals(input);
  const sizes = Buffer.alloc(8);
  sizes.writeUInt32BE(input.length, 0);
  sizes.writeUInt32BE(block.length, 4);
  return Buffer.concat([sizes, block]);
}

const COMPRESSORS = {
  GZIP: (b: Uint8Array) => new Uint8Array(gzipSync(b)),
  BROTLI: (b: Uint8Array) => new Uint8Array(brotliCompressSync(b)),
  ZSTD: zstdRaw,
  LZ4: lz4Hadoop,
  LZ4_RAW: lz4Literals,
  // No decoder knows LZO: written as is, it must be refused by name
  LZO: (b: Uint8Array) => b,
};
type Codec = keyof typeof COMPRESSORS;

const TEXTS = Array.from({ length: 30 }, (_, i) => `review ${i}: ${'good '.repeat(i % 7)}é 酒`);

function parquet(codec: Codec): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'text', data: TEXTS, type: 'STRING' },
      { name: 'label', data: TEXTS.map((_, i) => (i % 3 ? 'pos' : 'neg')), type: 'STRING' },
    ],
    codec,
    compressors: COMPRESSORS,
  });
  return new Uint8Array(buffer);
}

describe('Parquet codecs', () => {
  it.each(['GZIP', 'BROTLI', 'ZSTD', 'LZ4', 'LZ4_RAW'] as const)(
    'reads %s pages',
    async (codec) => {
      const bytes = parquet(codec);
      const { row_groups } = parquetMetadata(bytes.buffer as ArrayBuffer);
      expect(row_groups[0].columns.map((c) => c.meta_data?.codec)).toEqual([codec, codec]);

      const path = files.write(`${codec}.parquet`, bytes);
      const parsed = await loadDatasetFile(path);
      expect(parsed.format).toBe('parquet');
      expect(parsed.rows.map((r) => r.text)).toEqual(TEXTS);
      expect(parsed.rows[3]).toMatchObject({ label: 'neg', line: 4 });

      const peek = await peekDataset({ path, rows: 5 });
      expect(peek.records[1].fields).toEqual([TEXTS[1], 'pos']);
    },
  );

  it('names an unsupported codec and lists the supported ones', async () => {
    const path = files.write('lzo.parquet', parquet('LZO'));
    const message =
      `${path}: Parquet compression LZO is not supported; supported codecs: uncompressed, ` +
      'snappy, gzip, brotli, zstd, lz4, lz4_raw';
    await expect(loadDatasetFile(path)).rejects.toThrow(message);
    await expect(peekDataset({ path, rows: 5 })).rejects.toThrow(message);
  });
});

describe('Parquet files that are not whole', () => {
  it('names an empty file as empty', async () => {
    const path = files.write('empty.parquet', new Uint8Array(0));
    await expect(loadDatasetFile(path)).rejects.toThrow(`${path} is empty`);
    await expect(peekDataset({ path, rows: 5 })).rejects.toThrow(`${path} is empty`);
  });

  it('names a truncated file as cut short, at any length', async () => {
    const whole = parquet('GZIP');
    for (const size of [4, 11, 60, whole.length - 1]) {
      const path = files.write(`cut-${size}.parquet`, whole.subarray(0, size));
      await expect(loadDatasetFile(path), `${size} bytes`).rejects.toThrow(
        `${path} is a Parquet file cut short: at ${size} bytes it lacks the footer`,
      );
    }
  });

  it('names a .parquet file that is not Parquet at all', async () => {
    const path = files.write('text.parquet', 'text,label\nhello,1\n');
    await expect(loadDatasetFile(path)).rejects.toThrow(
      `${path} is not a Parquet file (it does not start with PAR1)`,
    );
  });
});
