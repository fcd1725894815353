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

/** The refusal in the page's terms: its options by their names on the page, not the CLI's. */
export function pageWording(message: string): string {
  return message
    .replace(OFFER, 'or drop the malformed rows to import the rest')
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
