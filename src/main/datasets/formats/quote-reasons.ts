/**
 * What is wrong with a record whose quotes are broken, in words about its own line: papaparse
 * says it of the record, which may have run on over the lines after it.
 */
import { OPEN_QUOTE_LIMIT_TEXT, type QuotedRecord } from './incremental';
import { lineQuotes } from './quoted-scan';

/** papaparse's complaints about quotes, said as what is wrong in the line. */
const QUOTE_PROBLEMS: readonly [string, string][] = [
  ['Trailing quote on quoted field is malformed', 'a closing quote is followed by more text'],
  ['Quoted field unterminated', 'a quote is opened and never closed'],
];

function quoteProblem(problem: string): string {
  for (const [theirs, ours] of QUOTE_PROBLEMS) {
    if (problem.startsWith(theirs)) return ours + problem.slice(theirs.length);
  }
  return problem;
}

/**
 * A record with a broken quote, said as what is wrong in its own line: a broken quote's record
 * may run on over the lines after it (which are read again as records of their own), and may
 * owe its complaint to a quote on one of those. The lines it ran on over are named only where
 * the line left a quote open, so that they did belong to its field by the quoting rules.
 */
export function quoteReason(record: QuotedRecord, delimiter: string): string {
  const { trailing, unclosed } = lineQuotes(record.raw, delimiter);
  const { ranOn, line } = record;
  const open = ranOn?.cut
    ? `a quote is opened and not closed within ${OPEN_QUOTE_LIMIT_TEXT}`
    : 'a quote is opened and never closed';
  const own = [
    ...(trailing ? ['a closing quote is followed by more text'] : []),
    ...(unclosed ? [open] : []),
  ];
  const problem = own.length > 0 ? own.join(', and ') : quoteProblem(record.problem ?? '');
  const ran = unclosed && ranOn ? `: ${swallowed(line, ranOn.through)}` : '';
  return `malformed quoted field (${problem}${ran})`;
}

/** The lines a quote opened on `line` and left open took into its field, read again. */
function swallowed(line: number, through: number): string {
  const reread =
    through === line + 1
      ? `line ${through} re-read as a record of its own`
      : `lines ${line + 1}\u2013${through} re-read as records of their own`;
  return (
    `the quote opened on line ${line} ran on through line ${through} and swallowed ` +
    `${through - line} line${through - line === 1 ? '' : 's'}; ${reread}`
  );
}
