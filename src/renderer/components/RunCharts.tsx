/** Loss and accuracy per epoch for one run: train solid, validation dashed. */
import type { ReactElement } from 'react';
import type { CurvePoint } from '../../shared/contract';
import { LineChart, type Series } from './LineChart';

const TRAIN = '#2563eb';
const VALIDATION = '#ea580c';

type Metric = 'Loss' | 'Accuracy';

function curves(points: CurvePoint[], metric: Metric, name: string): Series[] {
  const series: Series[] = [
    {
      label: `train ${name}`,
      color: TRAIN,
      values: points.map((p) => (metric === 'Loss' ? p.trainLoss : p.trainAccuracy)),
    },
  ];

  // Runs without a validation split would otherwise show an empty legend entry.
  const validation = points.map((p) =>
    metric === 'Loss' ? p.validationLoss : p.validationAccuracy,
  );
  if (validation.some((v) => v !== null)) {
    series.push({
      label: `validation ${name}`,
      color: VALIDATION,
      values: validation,
      dashed: true,
    });
  }
  return series;
}

export function RunChart(props: {
  points: CurvePoint[];
  metric: Metric;
  testId: string;
  height?: number;
  /** Multi-label runs score exact matches of the whole label set: say so on the chart. */
  multiLabel?: boolean;
}): ReactElement {
  const { points, metric } = props;
  const title = metric === 'Accuracy' && props.multiLabel ? 'Subset accuracy' : metric;
  const name = title.toLowerCase();
  return (
    <LineChart
      title={title}
      yLabel={name}
      yRange={metric === 'Accuracy' ? [0, 1] : undefined}
      x={points.map((p) => p.epoch)}
      series={curves(points, metric, name)}
      height={props.height}
      testId={props.testId}
    />
  );
}
