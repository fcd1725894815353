/** Number and size formatting shared by the pages. */

export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(digits)}%`;
}

export function fixed(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

/** 22_713_216 → "22.7M": parameter counts read in millions. */
export function count(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}B`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(value);
}

export function bytes(value: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${size.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function dateTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function seconds(value: number): string {
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  if (value < 120) return `${value.toFixed(1)} s`;
  return `${Math.floor(value / 60)} min ${Math.round(value % 60)} s`;
}

/** `featureSentencesPerSecond` → `feature sentences per second`. */
export function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * One entry of a run's `timings`: durations in seconds, plus a few statistics the runner
 * records beside them (`…PerSecond` rates, `…Hit` flags), told apart by their key.
 */
/** Phases whose timing entry is a duration in seconds; other entries are counts. */
const DURATION_KEYS = new Set([
  'features',
  'training',
  'evaluation',
  'teacher',
  'tokenizing',
  'total',
]);

export function timing(key: string, value: number): [string, string] {
  if (key.endsWith('PerSecond'))
    return [words(key.replace(/PerSecond$/, '')), `${value.toFixed(1)}/s`];
  if (key.endsWith('Hit')) return [words(key), value ? 'yes' : 'no'];
  if (DURATION_KEYS.has(key)) return [`${words(key)} time`, seconds(value)];
  return [words(key), Number.isInteger(value) ? value.toLocaleString('en') : value.toFixed(3)];
}
