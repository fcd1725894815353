/**
 * Label names in a stable order, so a label's index (what the model predicts) does not depend
 * on which row came first. Integer labels sort as numbers ("2" before "10") and keep their
 * string form; anything else sorts by code unit, which no locale setting can change.
 */

const INTEGER = /^[-+]?\d+$/;

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortLabels(names: Iterable<string>): string[] {
  const unique = [...new Set(names)];
  if (unique.length > 0 && unique.every((n) => INTEGER.test(n))) {
    // BigInt: integer labels longer than 15 digits would tie as numbers
    return unique.sort((a, b) => {
      const d = BigInt(a) - BigInt(b);
      return d < 0n ? -1 : d > 0n ? 1 : byCodeUnit(a, b);
    });
  }
  return unique.sort(byCodeUnit);
}
