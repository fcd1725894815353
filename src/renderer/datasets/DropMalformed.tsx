/**
 * The drop of malformed rows offered beside a refusal over too many of them, and undone beside
 * the rows it drops: the same choice as the report's "Drop these rows" on malformed rows, for a
 * file whose preview and check are refused until it is made.
 */
import type { ReactElement } from 'react';

export function DropMalformedButton(props: { onDrop(): void; testId: string }): ReactElement {
  return (
    <div className="refusal-action">
      <button type="button" onClick={props.onDrop} data-testid={props.testId}>
        Drop the malformed rows
      </button>
      <span className="small">
        The preview, the check and the import then leave them out; the check lists each one.
      </span>
    </div>
  );
}
