/**
 * Short random ids with a type prefix (`ds_`, `md_`, `run_`), so an id seen in a log line or a
 * bug report says what it names without a lookup.
 */
import { randomBytes } from 'node:crypto';

export type IdPrefix = 'ds' | 'md' | 'run';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** 12 characters of base 36: about 62 bits, plenty for one user's local history. */
const ID_LENGTH = 12;

export function newId(prefix: IdPrefix): string {
  const bytes = randomBytes(ID_LENGTH);
  let out = '';
  for (const byte of bytes) {
    // 252 = 7 * 36: the modulo is unbiased only below it, so bytes above are rerolled
    let b = byte;
    while (b >= 252) b = randomBytes(1)[0];
    out += ALPHABET[b % 36];
  }
  return `${prefix}_${out}`;
}
