/**
 * Per-epoch line charts drawn with uPlot (canvas: cheap to redraw on every `run.epoch` event).
 * The plot is built once per series layout and then only fed new data, and it follows its
 * container's width.
 */
import { useEffect, useRef, type ReactElement } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  color: string;
  values: (number | null)[];
  dashed?: boolean;
}

export interface LineChartProps {
  title: string;
  x: number[];
  series: Series[];
  yLabel: string;
  /** Fixed y range, e.g. [0, 1] for accuracy; absent: fit the data. */
  yRange?: [number, number];
  height?: number;
  testId?: string;
}

function options(props: LineChartProps, width: number): uPlot.Options {
  return {
    title: props.title,
    width,
    height: props.height ?? 220,
    scales: {
      x: { time: false },
      y: props.yRange ? { range: props.yRange } : {},
    },
    axes: [
      { label: 'epoch', incrs: [1, 2, 5, 10, 20, 50, 100] },
      { label: props.yLabel, size: 60 },
    ],
    series: [
      { label: 'epoch' },
      ...props.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        dash: s.dashed ? [6, 4] : undefined,
        spanGaps: true,
        points: { show: props.x.length <= 30 },
      })),
    ],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
  };
}

function data(props: LineChartProps): uPlot.AlignedData {
  return [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData;
}

export function LineChart(props: LineChartProps): ReactElement {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Rebuild only when the layout changes; new points go through setData.
  const labels = props.series.map((s) => s.label).join(',');
  const layout = `${props.title}|${labels}|${props.x.length <= 30}`;

  useEffect(() => {
    const el = container.current;
    if (!el) return;

    const chart = new uPlot(options(props, el.clientWidth || 480), data(props), el);
    plot.current = chart;

    const resize = new ResizeObserver(() => {
      chart.setSize({ width: el.clientWidth, height: props.height ?? 220 });
    });
    resize.observe(el);

    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Deliberately keyed on the layout only: data updates go through setData below.
  }, [layout]);

  useEffect(() => {
    plot.current?.setData(data(props));
  });

  return (
    <figure className="chart" data-testid={props.testId}>
      <div ref={container} className="chart-canvas" />
      {props.x.length === 0 && <figcaption className="chart-empty">No epochs yet</figcaption>}
    </figure>
  );
}
