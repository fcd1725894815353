/**
 * A validation report, before an import (the check) or kept with a stored dataset: the files as
 * read, rows per split, the classes, every issue with its severity, count and first rows by
 * file and line, and the dropped rows themselves, so that none is lost. Given `drop`, each issue
 * whose rows can be dropped gets a checkbox: the user decides, nothing is dropped by default.
 */
import { Fragment, useState, type ReactElement } from 'react';
import { DropReason, type DatasetReport, type ReportIssue } from '../../shared/contract';

const KIND_TITLE: Record<ReportIssue['kind'], string> = {
  'empty-text': 'Empty texts',
  'empty-label': 'Empty labels',
  malformed: 'Malformed rows',
  duplicate: 'Exact duplicates',
  'conflicting-duplicate': 'Duplicates with conflicting labels',
  'test-overlap': 'Texts in both train and test',
  imbalance: 'Class imbalance',
  'tiny-class': 'Classes with too few examples',
  'long-text': 'Texts over the maximum length',
  encoding: 'Encoding',
  'multi-label': 'Labels that look like lists of labels',
  'label-names': 'Label names',
};

const SPLIT_ORDER = ['train', 'validation', 'test'];

/** Rows of the dropped list drawn until the user asks for the rest. */
const MAX_DROPPED_SHOWN = 200;

const DROPPABLE = new Set<string>(DropReason.options);

function rows(n: number): string {
  return `${n.toLocaleString()} ${n === 1 ? 'row' : 'rows'}`;
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

export interface DropChoice {
  value: DropReason[];
  onChange(value: DropReason[]): void;
}

function IssueItem(props: { issue: ReportIssue; drop?: DropChoice }): ReactElement {
  const { issue, drop } = props;
  const kind = issue.kind as DropReason;
  const droppable = drop && DROPPABLE.has(issue.kind);
  const checked = drop?.value.includes(kind) ?? false;
  const id = `ds-drop-${issue.kind}`;
  return (
    <li
      className={`issue issue-${issue.severity}`}
      data-testid="report-issue"
      data-kind={issue.kind}
      data-severity={issue.severity}
    >
      <div className="issue-head">
        <span className={`badge severity-${issue.severity}`}>{issue.severity}</span>
        <strong>{KIND_TITLE[issue.kind]}</strong>
        {issue.count > 0 && <span className="muted">{rows(issue.count)}</span>}
        {droppable && (
          <label className="drop-choice" htmlFor={id}>
            <input
              id={id}
              type="checkbox"
              checked={checked}
              onChange={(e) =>
                drop.onChange(
                  e.target.checked ? [...drop.value, kind] : drop.value.filter((k) => k !== kind),
                )
              }
              data-testid={`dataset-drop-${issue.kind}`}
            />
            Drop these rows
          </label>
        )}
      </div>
      <p className="issue-message">{issue.message}</p>
      {issue.rows.length > 0 && (
        <p className="small muted issue-rows">
          {issue.rows.length < issue.count ? `First ${issue.rows.length}: ` : 'Rows: '}
          {issue.rows.map((r, i) => (
            <Fragment key={i}>
              <span title={r.file} className="nowrap">
                {fileName(r.file)}:{r.line}
              </span>
              {i < issue.rows.length - 1 ? ', ' : ''}
            </Fragment>
          ))}
        </p>
      )}
    </li>
  );
}

function DroppedRows(props: { report: DatasetReport }): ReactElement {
  const { dropped, droppedByReason } = props.report;
  // The report lists the first dropped rows as examples; the store keeps all of them
  const total = props.report.droppedTotal ?? dropped.length;
  const [shown, setShown] = useState(MAX_DROPPED_SHOWN);
  const byReason = Object.entries(droppedByReason)
    .map(([reason, n]) => `${reason} ${n.toLocaleString()}`)
    .join(', ');
  return (
    <details className="dropped" data-testid="report-dropped">
      <summary>
        <strong>{rows(total)} dropped</strong> ({byReason}), each with its file, line, label and
        text.
        {total > dropped.length && (
          <span className="muted" data-testid="report-dropped-examples">
            {' '}
            The first {dropped.length.toLocaleString()} are shown here; all of them are kept with
            the dataset (<code>graft datasets dropped ID</code>).
          </span>
        )}
      </summary>
      <div className="preview-scroll">
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Why</th>
              <th scope="col">Where</th>
              <th scope="col">Label</th>
              <th scope="col">Text</th>
            </tr>
          </thead>
          <tbody>
            {dropped.slice(0, shown).map((d, i) => (
              <tr key={i} data-testid="report-dropped-row">
                <td>
                  <span className="nowrap">{d.reason}</span>
                  {d.detail !== undefined && (
                    <div className="small muted" data-testid="report-dropped-detail">
                      {d.detail}
                    </div>
                  )}
                </td>
                <td className="nowrap" title={d.file}>
                  {fileName(d.file)}:{d.line}
                </td>
                <td>{d.label || '—'}</td>
                <td>
                  <span className="cell" title={d.text}>
                    {d.text}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {dropped.length > shown && (
        <button type="button" onClick={() => setShown(dropped.length)}>
          Show the other {rows(dropped.length - shown)}
        </button>
      )}
    </details>
  );
}

export function ReportView(props: {
  report: DatasetReport;
  drop?: DropChoice;
  testId: string;
}): ReactElement {
  const { report, drop } = props;
  const splits = SPLIT_ORDER.filter((s) => s in report.splits);
  const errors = report.issues.filter((i) => i.severity === 'error').length;
  return (
    <div className="report" data-testid={props.testId}>
      <p className="report-totals" data-testid="report-totals">
        <strong>{report.rowsRead.toLocaleString()}</strong> rows read;{' '}
        {splits.map((s) => `${s} ${report.splits[s].toLocaleString()}`).join(' · ')};{' '}
        {report.labelCounts.length} classes
        {report.multiLabel ? ' (several labels per row)' : ''}; text{' '}
        <code>{report.textColumn}</code>, label <code>{report.labelColumn}</code>.
      </p>
      <ul className="report-files small muted">
        {report.files.map((f) => (
          <li key={f.path} title={f.path}>
            {f.role === 'all' ? 'data' : f.role}: {fileName(f.path)}, {f.format}, {f.encoding},{' '}
            {f.rows.toLocaleString()} rows{f.notes.length > 0 ? ` (${f.notes.join(', ')})` : ''}
          </li>
        ))}
      </ul>
      <ul className="label-counts" aria-label="Classes with their rows">
        {report.labelCounts.map((c) => (
          <li key={c.label} data-testid="report-label">
            <span className="label-name">{c.label}</span>{' '}
            <span className="muted">{c.count.toLocaleString()}</span>
          </li>
        ))}
      </ul>
      {report.issues.length === 0 ? (
        <p className="notice" data-testid="report-clean">
          No problems found.
        </p>
      ) : (
        <>
          {errors > 0 && drop && (
            <p className="small" data-testid="report-blocking">
              Errors stop the import until their rows are dropped: tick &ldquo;Drop these
              rows&rdquo; on each, or fix the file.
            </p>
          )}
          <ul className="issues">
            {report.issues.map((issue, i) => (
              <IssueItem key={`${issue.kind}-${i}`} issue={issue} drop={drop} />
            ))}
          </ul>
        </>
      )}
      {(report.droppedTotal ?? report.dropped.length) > 0 && <DroppedRows report={report} />}
    </div>
  );
}
