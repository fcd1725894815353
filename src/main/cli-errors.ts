/**
 * Errors in the CLI's words: the workbench names request fields (`testRatio`, `drop.0`), which
 * a command-line user never typed; they typed `--test-ratio` and `--drop`. The mapping covers
 * the fields that flags set; anything else is left as it is. A message may quote a field in
 * backticks wherever a plain word would be ambiguous (`seed`, `ratios`).
 */
import { isCallName } from './dispatch';

/** camelCase request fields: distinctive enough to rename wherever they appear. */
const FIELD_FLAGS: Record<string, string> = {
  testPath: '--test',
  validationPath: '--validation',
  textColumn: '--text',
  labelColumn: '--label',
  labelColumns: '--label-columns',
  testRatio: '--test-ratio',
  labelTransform: '--label-transform',
  multiLabel: '--multi-label',
  labelNamesPath: '--label-names',
  labelRename: '--rename-label',
  splitColumn: '--split-column',
  maxLength: '--max-length',
};

/** Plain words that are fields only where a message lists them as `field: problem`. */
const LISTED_FLAGS: Record<string, string> = {
  name: '--name',
  limit: '--limit',
  seed: '--seed',
  ratios: '--ratios',
  drop: '--drop',
  format: '--format',
  encoding: '--encoding',
  delimiter: '--delimiter',
  quoting: '--no-quoting',
  header: '--header',
};

/** A hint giving the request's form and the CLI's, `(drop: [...], CLI: --drop x)`. */
const HINT = /\((?:drop|labelColumns|multiLabel): (?:\[[^\]]*\]|"[^"]*"), CLI: ([^)]*)\)/g;

/**
 * The dispatcher's prefix on a request the schema refused (`datasets.preview: testRatio: ...`):
 * the user ran a command, not a call. Only a real call name goes: `a.csv: ...` stays.
 */
function withoutCallName(message: string): string {
  const at = message.indexOf(': ');
  return at > 0 && isCallName(message.slice(0, at)) ? message.slice(at + 2) : message;
}

export function inCliWords(message: string): string {
  let text = withoutCallName(message).replace(HINT, '($1)');
  text = text.replace(/`(\w+)`/g, (quoted, field: string) => {
    if (Object.hasOwn(FIELD_FLAGS, field)) return FIELD_FLAGS[field];
    return Object.hasOwn(LISTED_FLAGS, field) ? LISTED_FLAGS[field] : quoted;
  });

  const camel = new RegExp(`\\b(${Object.keys(FIELD_FLAGS).join('|')})\\b(?:\\.\\d+)?`, 'g');
  text = text.replace(camel, (_, field: string) => FIELD_FLAGS[field]);

  const listed = new RegExp(`(^|: |; )(${Object.keys(LISTED_FLAGS).join('|')})(?:\\.\\d+)?: `, 'g');
  return text.replace(listed, (_, before: string, field: string) => {
    return `${before}${LISTED_FLAGS[field]}: `;
  });
}
