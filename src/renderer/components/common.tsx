/** Small building blocks every page uses. */
import { useState, type ReactElement, type ReactNode } from 'react';
import type { RunProgress, RunStatus } from '../../shared/contract';
import type { ApiError } from '../api';
import { asApiError } from '../hooks';

export function ErrorBox(props: { error: ApiError | null; testId: string }): ReactElement | null {
  if (!props.error) return null;
  return (
    <div className="error" role="alert" data-testid={props.testId}>
      <strong>{errorTitle(props.error.code)}</strong> {props.error.message}
    </div>
  );
}

function errorTitle(code: ApiError['code']): string {
  switch (code) {
    case 'invalid-argument':
      return 'Invalid input.';
    case 'not-found':
      return 'Not found.';
    case 'bad-input':
      return 'Not usable as it is.';
    case 'unsupported':
      return 'Not supported.';
    case 'conflict':
      return 'Not possible right now.';
    case 'disconnected':
      return 'Disconnected.';
    case 'cancelled':
      return 'Cancelled.';
    default:
      return 'Something went wrong.';
  }
}

export function Field(props: {
  label: string;
  hint?: string;
  htmlFor: string;
  children: ReactNode;
}): ReactElement {
  return (
    <div className="field">
      <label htmlFor={props.htmlFor}>{props.label}</label>
      {props.children}
      {props.hint && <small className="hint">{props.hint}</small>}
    </div>
  );
}

export function StatusBadge(props: { status: RunStatus; testId?: string }): ReactElement {
  return (
    <span className={`badge badge-${props.status}`} data-testid={props.testId}>
      {props.status}
    </span>
  );
}

const PHASE_LABEL: Record<RunProgress['phase'], string> = {
  queued: 'Queued',
  tokenizing: 'Tokenizing',
  features: 'Extracting features',
  training: 'Training',
  evaluating: 'Evaluating',
  done: 'Done',
};

export function ProgressBar(props: { progress: RunProgress; testId?: string }): ReactElement {
  const { phase, done, total, message } = props.progress;
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const label = `${PHASE_LABEL[phase]} ${total > 0 ? `${done}/${total}` : ''}`.trim();

  return (
    <div className="progress" data-testid={props.testId} title={message}>
      <progress
        value={total > 0 ? done : undefined}
        max={total > 0 ? total : undefined}
        aria-label={label}
      />
      <span className="progress-label">
        {label}
        {total > 0 && ` (${Math.round(fraction * 100)}%)`}
      </span>
    </div>
  );
}

export function Empty(props: { children: ReactNode; testId?: string }): ReactElement {
  return (
    <p className="empty" data-testid={props.testId}>
      {props.children}
    </p>
  );
}

/** Two-step delete: the first press asks, the second deletes; no modal dialog needed. */
export function DeleteButton(props: {
  name: string;
  onDelete(): Promise<void>;
  testId: string;
}): ReactElement {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function remove(): Promise<void> {
    try {
      await props.onDelete();
    } catch (caught) {
      setError(asApiError(caught));
      setConfirming(false);
    }
  }

  if (error)
    return (
      <span className="error-inline" role="alert">
        {error.message}
      </span>
    );
  if (!confirming) {
    return (
      <button
        type="button"
        onClick={() => setConfirming(true)}
        aria-label={`Delete ${props.name}`}
        data-testid={props.testId}
      >
        Delete…
      </button>
    );
  }
  return (
    <span className="inline-actions">
      <button
        type="button"
        className="danger"
        onClick={remove}
        data-testid={`${props.testId}-confirm`}
      >
        Delete
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Keep
      </button>
    </span>
  );
}
