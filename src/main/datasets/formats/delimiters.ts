/**
 * The delimiters delimited files are sniffed among, their names in messages, and the even count
 * of one on every line that both sniffing and the refusal's suggestion go by.
 */

const DELIMITER_NAMES: Record<string, string> = {
  ',': 'comma',
  '\t': 'tab',
  ';': 'semicolon',
  '|': 'pipe',
};

/** Delimiters tried, in this order, when a file's extension does not settle it. */
export const SNIFFED_DELIMITERS: readonly string[] = [',', '\t', ';', '|'];

export function delimiterName(d: string): string {
  return DELIMITER_NAMES[d] ?? JSON.stringify(d);
}

/** Every line has the same number (at least one) of this delimiter. */
export function sameCount(lines: readonly string[], delimiter: string): boolean {
  const counts = lines.map((l) => l.split(delimiter).length - 1);
  return counts.length > 0 && counts[0] > 0 && counts.every((c) => c === counts[0]);
}
