/**
 * Encoders for test files in legacy encodings. Node's TextEncoder writes only UTF-8, so the
 * GBK table is built by decoding every two-byte GBK sequence once: no encoding library needed.
 */
let gbkTable: Map<string, number[]> | null = null;

function table(): Map<string, number[]> {
  if (gbkTable) return gbkTable;
  gbkTable = new Map();
  const decoder = new TextDecoder('gbk', { fatal: true });
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      try {
        const ch = decoder.decode(new Uint8Array([lead, trail]));
        if (!gbkTable.has(ch)) gbkTable.set(ch, [lead, trail]);
      } catch {
        // not a GBK sequence
      }
    }
  }
  return gbkTable;
}

/** `text` in GBK; throws on a character GBK cannot write, so a test never silently differs. */
export function gbkEncode(text: string): Buffer {
  const map = table();
  const bytes: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x80) bytes.push(c);
    else {
      const pair = map.get(ch);
      if (!pair) throw new Error(`GBK cannot encode ${JSON.stringify(ch)}`);
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}
