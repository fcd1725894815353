/**
 * The streamed reader for a plan taken on a file's head. Formats without a plan (JSON arrays,
 * Parquet, class folders) are read whole; see parse-stream.ts.
 */
import { streamDelimited } from './delimited';
import { streamJsonl } from './json';
import { streamLabelText } from './label-text';
import type { RecordSink, RecordStream, StreamOptions, StreamPlan } from './types';

export function streamRecords(
  path: string,
  plan: StreamPlan,
  options: StreamOptions,
  sink: RecordSink,
): RecordStream {
  switch (plan.kind) {
    case 'delimited':
      return streamDelimited(path, plan, options, sink);
    case 'jsonl':
      return streamJsonl(path, options.lenient, sink);
    case 'label-text':
      return streamLabelText(sink);
  }
}
