/**
 * The live preview: how Graft reads the file (format, encoding, delimiter, quoting, header row),
 * each shown as detected and open to an override, and the first rows as it reads them, with
 * the columns' roles marked. An overridden option still says what detection would read, and
 * options a format does not have (a JSON Lines file's delimiter) are not offered. For a large
 * file it says how much of the file the preview saw.
 */
import type { ReactElement } from 'react';
import type { DatasetPeek } from '../../shared/contract';
import { bytes } from '../format';
import { SelectField, type Choice } from './fields';
import { DropMalformedButton } from './DropMalformed';
import { isDelimited, type DetectedReading, type ImportForm } from './form';
import { offersDropMalformed, pageWording, withMalformed } from './refusals';
import type { Peek } from './usePeek';

/** Short names, for the detected values and the summary line. */
const SHORT: Record<string, string> = {
  csv: 'CSV',
  tsv: 'TSV',
  'label-text': 'label text',
  jsonl: 'JSON Lines',
  json: 'JSON',
  parquet: 'Parquet',
  folder: 'class folders',
  ',': 'comma',
  '\t': 'tab',
  ';': 'semicolon',
  '|': 'pipe',
  rfc4180: 'on',
  none: 'off',
};

/** Notes the summary line and the selects already say. */
const SHOWN_NOTES = /^(RFC 4180 quoting|quoting off|no header row|\w+-separated)/;

const FORMATS: Choice[] = [
  { value: 'csv', label: 'CSV (delimited)' },
  { value: 'tsv', label: 'TSV (tab-separated)' },
  { value: 'label-text', label: '"label text" lines' },
  { value: 'jsonl', label: 'JSON Lines' },
  { value: 'json', label: 'JSON array' },
  { value: 'parquet', label: 'Parquet' },
  { value: 'folder', label: 'Folder of class folders' },
];

const ENCODINGS: Choice[] = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'gbk'].map((e) => ({
  value: e,
  label: e.toUpperCase(),
}));

const DELIMITERS: Choice[] = [
  { value: ',', label: 'comma ,' },
  { value: '\t', label: 'tab' },
  { value: ';', label: 'semicolon ;' },
  { value: '|', label: 'pipe |' },
];

const QUOTING: Choice[] = [
  { value: 'rfc4180', label: 'on: "quoted, fields"' },
  { value: 'none', label: 'off: quotes are text' },
];

function short(value: string): string {
  return SHORT[value] ?? value;
}

/** The "auto" choice names what was detected, so the user sees it without opening anything. */
function withDetected(choices: readonly Choice[], detected: string | null): Choice[] {
  const label = detected === null ? 'Detect' : `Auto: ${detected}`;
  return [{ value: 'auto', label }, ...choices];
}

/** Beside an overridden option: what "auto" would read instead. */
function detectedHint(value: string, detected: string | null): string | undefined {
  return value !== 'auto' && detected !== null ? `Detected: ${detected}` : undefined;
}

/** Detected values for the selects, as their short names; null where not detected (yet). */
function shownDetection(detected: DetectedReading | null): Record<string, string | null> {
  const named = (v: string | null | undefined): string | null =>
    v === undefined || v === null ? null : short(v);
  const header = detected?.header;
  return {
    format: named(detected?.format),
    encoding: detected?.encoding ? detected.encoding.toUpperCase() : null,
    delimiter: named(detected?.delimiter),
    quoting: named(detected?.quoting),
    header: header === undefined ? null : header ? 'yes' : 'no',
  };
}

function summary(peek: DatasetPeek): string {
  const parts = [short(peek.format), peek.encoding.toUpperCase()];
  if (peek.delimiter !== null) parts.push(`${short(peek.delimiter)}-separated`);
  if (peek.quoting === 'none') parts.push('quoting off');
  if (peek.format === 'csv' || peek.format === 'tsv') {
    parts.push(peek.hasHeader ? 'header row' : 'no header row');
  }
  return parts.join(' · ');
}

function extent(peek: DatasetPeek): string {
  const shown = `first ${peek.records.length.toLocaleString()}`;
  const rows = `${peek.sampleRows.toLocaleString()} rows`;
  if (peek.whole) return `Showing the ${shown} of ${rows}.`;
  const read = peek.headBytes > 0 ? ` read from the first ${bytes(peek.headBytes)}` : '';
  return `Showing the ${shown} of ${rows}${read} of ${bytes(peek.size)}; the check reads all.`;
}

function ReadingOptions(props: {
  form: ImportForm;
  peek: DatasetPeek | null;
  detected: DetectedReading | null;
  patch(p: Partial<ImportForm>): void;
}): ReactElement {
  const { form, peek, patch } = props;
  const format = form.format === 'auto' ? peek?.format : form.format;
  const delimited = isDelimited(format);
  const auto = shownDetection(props.detected);
  const delimiter = form.delimiter || 'auto';
  return (
    <div className="form-grid five" data-testid="dataset-reading">
      <SelectField
        id="ds-format"
        label="Format"
        value={form.format}
        choices={withDetected(FORMATS, auto.format)}
        onChange={(format) => patch({ format })}
        hint={detectedHint(form.format, auto.format)}
      />
      {/* Parquet stores its own types; there is no text encoding to choose */}
      {format !== 'parquet' && (
        <SelectField
          id="ds-encoding"
          label="Encoding"
          value={form.encoding}
          choices={withDetected(ENCODINGS, auto.encoding)}
          onChange={(encoding) => patch({ encoding })}
          hint={detectedHint(form.encoding, auto.encoding)}
        />
      )}
      {delimited ? (
        <>
          <SelectField
            id="ds-delimiter"
            label="Delimiter"
            value={delimiter}
            choices={withDetected(DELIMITERS, auto.delimiter)}
            onChange={(d) => patch({ delimiter: d === 'auto' ? '' : d })}
            hint={detectedHint(delimiter, auto.delimiter)}
          />
          <SelectField
            id="ds-quoting"
            label="Quotes"
            value={form.quoting}
            choices={withDetected(QUOTING, auto.quoting)}
            onChange={(quoting) => patch({ quoting })}
            hint={detectedHint(form.quoting, auto.quoting)}
          />
          <SelectField
            id="ds-header"
            label="Header row"
            value={form.header}
            choices={withDetected(
              [
                { value: 'yes', label: 'yes' },
                { value: 'no', label: 'no' },
              ],
              auto.header,
            )}
            onChange={(header) => patch({ header: header as ImportForm['header'] })}
            hint={detectedHint(form.header, auto.header)}
          />
        </>
      ) : (
        <p className="muted small reading-note" data-testid="dataset-reading-undelimited">
          {short(format ?? '')}: no delimiter, quotes or header row to choose.
        </p>
      )}
    </div>
  );
}

function roleOf(peek: DatasetPeek, form: ImportForm, column: string): string | null {
  if (column === peek.textColumn) return 'text';
  if (column === peek.labelColumn) return 'label';
  if (form.split === 'column' && column === form.splitColumn) return 'split';
  return null;
}

function PreviewTable(props: { peek: DatasetPeek; form: ImportForm }): ReactElement {
  const { peek, form } = props;
  const roles = peek.columns.map((c) => roleOf(peek, form, c));
  return (
    <div className="preview-scroll" tabIndex={0} role="region" aria-label="First rows">
      <table className="table compact preview-table" data-testid="dataset-preview-table">
        <thead>
          <tr>
            <th scope="col" className="num">
              Line
            </th>
            {peek.columns.map((c, i) => (
              <th key={`${i}:${c}`} scope="col" className={roles[i] ? `role-${roles[i]}` : ''}>
                {c} {roles[i] && <span className={`role-badge role-${roles[i]}`}>{roles[i]}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {peek.records.map((r) => (
            <tr key={r.line} data-testid="dataset-preview-row">
              <td className="num muted">{r.line}</td>
              {peek.columns.map((c, i) => (
                <td key={`${i}:${c}`} className={roles[i] ? `role-${roles[i]}` : ''}>
                  <span className="cell" title={r.fields[i]}>
                    {r.fields[i] ?? ''}
                  </span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PreviewSection(props: {
  form: ImportForm;
  peek: Peek;
  /** What detection reads for this file, whatever the user overrode. */
  detected: DetectedReading | null;
  patch(p: Partial<ImportForm>): void;
}): ReactElement {
  const { form, peek, patch } = props;
  const data = peek.data;
  const notes = data?.notes.filter((n) => !SHOWN_NOTES.test(n)) ?? [];
  const dropping = form.drop.includes('malformed');
  const setDropping = (drop: boolean): void => patch({ drop: withMalformed(form.drop, drop) });
  return (
    <section aria-labelledby="ds-preview-title" className="flow-section">
      <h3 id="ds-preview-title">2. How it reads</h3>
      <p className="muted small" role="status" data-testid="dataset-preview-status">
        {peek.loading && 'Reading the start of the file…'}
        {!peek.loading && !data && !peek.error && 'Enter a file path to see its first rows.'}
        {!peek.loading && data && (
          <>
            <strong>{summary(data)}</strong>. {extent(data)}
          </>
        )}
      </p>
      {notes.length > 0 && <p className="small muted">Notes: {notes.join('; ')}</p>}
      {peek.error && (
        // No alert role: this follows the typing of a path, and must not interrupt it
        <div className="error" data-testid="dataset-preview-error">
          <strong>No preview.</strong> {pageWording(peek.error.message)}
          {!dropping && offersDropMalformed(peek.error.message) && (
            <DropMalformedButton
              onDrop={() => setDropping(true)}
              testId="dataset-drop-malformed-anyway"
            />
          )}
        </div>
      )}
      <ReadingOptions form={form} peek={data} detected={props.detected} patch={patch} />
      {data && data.records.length > 0 && <PreviewTable peek={data} form={form} />}
      {data && data.malformed.length > 0 && (
        <div className="warning small" data-testid="dataset-preview-malformed">
          {dropping
            ? 'Rows that cannot be read as they are, which you chose to drop (the check lists ' +
              'them all):'
            : 'Rows that cannot be read as they are (the check lists them all; you decide ' +
              'whether to drop them):'}
          <ul>
            {data.malformed.map((m) => (
              <li key={m.line}>
                line {m.line}: {m.reason}
              </li>
            ))}
          </ul>
          {dropping && (
            <button
              type="button"
              onClick={() => setDropping(false)}
              data-testid="dataset-keep-malformed"
            >
              Do not drop them
            </button>
          )}
        </div>
      )}
    </section>
  );
}
