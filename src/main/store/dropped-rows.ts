/**
 * Dropped rows as the store gives them back, whatever their age: those of datasets imported
 * before the dropped-rows table come from the report, and a malformed row stored before it had
 * `detail` gets its problem back out of its label.
 */
import type { DatasetReport, DropReason, DroppedRow, DroppedRowsPage } from '../../shared/contract';

/** A dropped row as its table holds it. */
export type StoredDroppedRow = Omit<DroppedRow, 'detail'> & { detail: string | null };

/**
 * A malformed row as stored before it had `detail`: its problem in brackets as its label.
 * Generic over report rows, whose text a preview may leave out.
 */
export function withDetail<T extends Omit<DroppedRow, 'text'>>(row: T): T {
  const old = row.reason === 'malformed' && row.detail === undefined;
  const bracketed = old ? /^\((.*)\)$/s.exec(row.label) : null;
  return bracketed ? { ...row, label: '', detail: bracketed[1] } : row;
}

/** Datasets imported before the dropped-rows table list every dropped row in the report. */
export function droppedFromReport(
  report: DatasetReport | null,
  offset: number,
  limit: number,
  reason?: DropReason,
): DroppedRowsPage {
  // Stored reports list every row with its text (only a preview's may leave texts out)
  const all = (report?.dropped ?? [])
    .filter((d) => !reason || d.reason === reason)
    .map((d) => withDetail({ ...d, text: d.text ?? '' }));
  return { total: all.length, offset, rows: all.slice(offset, offset + limit) };
}
