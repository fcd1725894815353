/**
 * V8 cuts substrings as views of their parent string (a "sliced string"), so a label, a column
 * name or a raw line kept from a 1 MiB chunk would keep the whole chunk alive, and a head
 * sample's megabytes with it. What outlives its chunk is copied with `detach`.
 */

/** A copy of `text` that shares no memory with it. */
export function detach(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
