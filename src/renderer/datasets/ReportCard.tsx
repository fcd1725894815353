/**
 * A stored dataset's validation report, opened from its row in the list. Its title takes the
 * focus when it opens, so the page scrolls to it and keyboard users land on it.
 */
import { useEffect, useRef, type ReactElement } from 'react';
import { datasetTitle, type Dataset } from '../../shared/contract';
import { SplitLabels } from './SplitLabels';
import { StoredReport } from './StoredReport';

export function ReportCard(props: { dataset: Dataset; onClose(): void }): ReactElement {
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => title.current?.focus(), [props.dataset.id]);
  return (
    <div className="card" id="dataset-report-card" data-testid="dataset-report-card">
      <div className="page-head">
        <h2 ref={title} tabIndex={-1} className="report-title">
          Validation report of {datasetTitle(props.dataset)}
        </h2>
        <button type="button" onClick={props.onClose} data-testid="dataset-report-close">
          Close
        </button>
      </div>
      <SplitLabels key={`labels-${props.dataset.id}`} dataset={props.dataset} />
      <StoredReport key={props.dataset.id} id={props.dataset.id} />
    </div>
  );
}
