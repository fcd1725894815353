/**
 * Errors in the CLI's words: the workbench names request fields (`testRatio`, `drop.0`), which
 * a command-line user never typed; they typed `--test-ratio` and `--drop`. The mapping covers
 * the fields that flags set; anything else is left as it is.
 */

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

export function inCliWords(message: string): string {
  let text = message.replace(/\((?:drop|labelColumns): \[[^\]]*\], CLI: ([^)]*)\)/g, '($1)');

  const camel = new RegExp(`\\b(${Object.keys(FIELD_FLAGS).join('|')})\\b(?:\\.\\d+)?`, 'g');
  text = text.replace(camel, (_, field: string) => FIELD_FLAGS[field]);

  const listed = new RegExp(`(^|: |; )(${Object.keys(LISTED_FLAGS).join('|')})(?:\\.\\d+)?: `, 'g');
  return text.replace(listed, (_, before: string, field: string) => {
    return `${before}${LISTED_FLAGS[field]}: `;
  });
}
