/**
 * The importer's refusals as the page shows them. A file with too many malformed records is
 * refused by the preview, the check and the import alike, with advice in the engine's and the
 * command line's terms (`drop: ["malformed"]`, `--drop malformed`, set `delimiter` to ";"); the
 * page says it in its own terms, and offers the drop as a button beside the refusal.
 */
import { DROP_MALFORMED_OFFER, type DropReason } from '../../shared/contract';

/**
 * The importer's offer to import a file's good records when it would drop the malformed ones
 * (main/datasets/formats/malformed-share.ts, tooManyHint), with its engine and CLI wording.
 */
const OFFER = new RegExp(
  DROP_MALFORMED_OFFER + String.raw`(?: \(drop: \["malformed"\], CLI: --drop malformed\))?`,
);

/** The importer's advice of a delimiter the lines split evenly on. */
const SET_DELIMITER = /set `delimiter` to ("(?:[^"\\]|\\.)*")/;

/** Delimiters as the page's Delimiter select names them. */
const DELIMITER_CHOICES: Record<string, string> = {
  ',': 'comma ,',
  '\t': 'tab',
  ';': 'semicolon ;',
  '|': 'pipe |',
};

/**
 * Whether a refusal says the file would import with its malformed rows dropped: with too many
 * for the usual share, but not so many that dropping them is refused too.
 */
export function offersDropMalformed(message: string): boolean {
  return OFFER.test(message);
}

/** A hint giving the request's form and the CLI's: `(multiLabel: ",", CLI: --multi-label ,)`. */
const REQUEST_HINT = /\((drop|labelColumns|multiLabel): (\[[^\]]*\]|"[^"]*"), CLI: [^)]*\)/g;

/** Request fields as the page's controls are labelled. */
const PAGE_FIELDS: Record<string, string> = {
  textColumn: 'Text column',
  labelColumn: 'Label column',
  splitColumn: 'Split column',
  labelNamesPath: 'Label names file',
  labelColumns: '"Or one 0/1 column per label"',
  multiLabel: '"Several labels per row"',
  labelRename: 'the label name boxes',
  testPath: 'Test file path',
  validationPath: 'Validation file path',
};

function pageHint(field: string, value: string): string {
  if (field === 'multiLabel') return `(tick "Several labels per row", separated by ${value})`;
  if (field === 'labelColumns') return `(give ${value} as "Or one 0/1 column per label")`;
  return '(tick them in the report)';
}

/** The refusal in the page's terms: its options by their names on the page, not the CLI's. */
export function pageWording(message: string): string {
  return message
    .replace(OFFER, 'or drop the malformed rows to import the rest')
    .replace(REQUEST_HINT, (_, field: string, value: string) => pageHint(field, value))
    .replace(/name it with (text|label|split)Column/g, (_, role: string) => {
      return `choose it as the ${role[0].toUpperCase()}${role.slice(1)} column`;
    })
    .replace(/\bset multiLabel\b/g, 'tick "Several labels per row"')
    .replace(/\bleave out labelNamesPath\b/g, 'clear the Label names file')
    .replace(/\b(\w+(?:Column|Path)|labelColumns|multiLabel|labelRename)\b/g, (word: string) => {
      return Object.hasOwn(PAGE_FIELDS, word) ? PAGE_FIELDS[word] : word;
    })
    .replace(SET_DELIMITER, (whole, quoted: string) => {
      const delimiter = JSON.parse(quoted) as string;
      const choice = DELIMITER_CHOICES[delimiter];
      return choice ? `choose the delimiter "${choice}" under How it reads` : whole;
    });
}

/** The drops with the malformed rows added (once), or taken out. */
export function withMalformed(drop: readonly DropReason[], dropped: boolean): DropReason[] {
  const others = drop.filter((d) => d !== 'malformed');
  return dropped ? [...others, 'malformed'] : others;
}
