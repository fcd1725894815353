/** The validation report kept with a stored dataset, as `datasets.report` returns it. */
import type { ReactElement } from 'react';
import { ErrorBox } from '../components/common';
import { useQuery } from '../hooks';
import { ReportView } from './ReportView';

export function StoredReport(props: { id: string }): ReactElement {
  const report = useQuery('datasets.report', { id: props.id });
  return (
    <div className="stored-report">
      <ErrorBox error={report.error} testId="dataset-report-error" />
      {report.loading && !report.data && <p className="muted small">Loading the report…</p>}
      {report.data && <ReportView report={report.data} testId="dataset-stored-report" />}
    </div>
  );
}
