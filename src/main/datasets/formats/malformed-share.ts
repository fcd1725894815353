/**
 * How many malformed records a delimited file may hold before it is refused. A few are stray
 * rows, which the report lists for the user to drop; many mean the file is read with the wrong
 * delimiter, quoting or format, and importing the records that happen to fit would hide that.
 * The share is of data records: a header row is neither good nor bad data.
 */
import { DROP_MALFORMED_OFFER, type DropReason } from '../../../shared/contract';
import { GraftError } from '../../../shared/errors';
import { delimiterName, sameCount, SNIFFED_DELIMITERS } from './delimiters';

/** Above this share of malformed records the format or delimiter is wrong, not a few rows. */
export const MAX_MALFORMED_SHARE = 0.1;

/**
 * The share once the user drops malformed rows: they have seen them and chose to lose them,
 * but a file with more bad records than good is still not of the shape it is read as.
 */
export const MAX_DROPPED_MALFORMED_SHARE = 0.5;

/** The share an import with these drops allows; its preview must allow the same. */
export function maxMalformedShare(drop: readonly DropReason[] | undefined): number {
  return drop?.includes('malformed') ? MAX_DROPPED_MALFORMED_SHARE : MAX_MALFORMED_SHARE;
}

/** A caller's share (ParseOptions' `maxMalformedShare`), checked; the default when absent. */
export function allowedShare(share: number | undefined): number {
  if (share === undefined) return MAX_MALFORMED_SHARE;
  if (share >= 0 && share <= 1) return share;
  throw new GraftError(
    'invalid-argument',
    `maxMalformedShare: ${share} is no share of records; accepted: a number from 0 to 1`,
  );
}

/** Whether `bad` of `total` data records is more than a file read right would have. */
export function tooManyMalformed(bad: number, total: number, share: number): boolean {
  return bad > Math.max(1, total * share);
}

/** A share in words: "a tenth", "half", "25%". */
export function shareWords(share: number): string {
  if (share === 0.1) return 'a tenth';
  if (share === 0.5) return 'half';
  return `${Math.round(share * 100)}%`;
}

/** Lines a delimiter suggestion is based on. */
export const HINT_LINES = 50;

/**
 * Why so many bad records stop the import, and what may fix it: the delimiter the lines do
 * split evenly on, where one does; dropping the malformed rows, where that would be allowed.
 */
export function tooManyHint(
  bad: number,
  total: number,
  lines: readonly string[],
  used: string,
  share: number,
): string {
  const dropping = share >= MAX_DROPPED_MALFORMED_SHARE;
  const past = `more than ${shareWords(share)}${dropping ? ', too many to drop' : ''}`;
  const count =
    `${bad.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} records do not fit, ` +
    `${past}, so the delimiter, quoting or format may be wrong`;
  const sample = lines.slice(0, HINT_LINES).filter((l) => l.trim() !== '');
  const other = SNIFFED_DELIMITERS.find((d) => d !== used && sameCount(sample, d));
  const fix = other
    ? `the lines split evenly on ${delimiterName(other)}s; set \`delimiter\` to ` +
      JSON.stringify(other)
    : `check the delimiter (${delimiterName(used)}), the quoting and the format`;
  const orDrop =
    !dropping && !tooManyMalformed(bad, total, MAX_DROPPED_MALFORMED_SHARE)
      ? `; ${DROP_MALFORMED_OFFER} (drop: ["malformed"], CLI: --drop malformed)`
      : '';
  return `${count}: ${fix}${orDrop}`;
}
