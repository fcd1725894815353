/**
 * A small picture of a strategy: the encoder as a stack (embeddings at the bottom, layers above,
 * each layer's slice proportional to one layer), what reads from it, and the head on top.
 * Frozen blocks are grey with a padlock, trained blocks are blue, data and fixed operations are
 * outlined. Drawn from the run's own numbers (layers, top k, student layers) where known.
 */
import { useId, type ReactElement } from 'react';
import type { StrategyName } from '../../shared/contract';
import { defaultConcatLayers, defaultStudentLayers } from './strategies';

type Kind = 'frozen' | 'trained' | 'data' | 'op';

interface Block {
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
  kind: Kind;
}

interface Arrow {
  from: [number, number];
  to: [number, number];
  dashed?: boolean;
}

export interface DiagramOptions {
  layers: number;
  /** Feature extraction's layer (-1 = last, 0 = embeddings). */
  layer?: number;
  concatLayers?: number[] | null;
  studentLayers?: number[] | null;
  unfreezeTopK?: number;
  distill?: boolean;
  wordVectors?: boolean;
  tfidf?: boolean;
}

const COL_X = 16;
const COL_W = 100;
const RIGHT_X = 176;
const RIGHT_W = 108;
const TOP = 40;
const BOTTOM = 138;
const EMB_Y = 142;
const TEXT_Y = 166;
const HEAD: Omit<Block, 'kind'> = { x: RIGHT_X, y: 6, w: RIGHT_W, h: 22, label: 'head' };

const mid = (b: Block): [number, number] => [b.x + b.w / 2, b.y + b.h / 2];
const right = (b: Block): [number, number] => [b.x + b.w, b.y + b.h / 2];
const left = (b: Block): [number, number] => [b.x, b.y + b.h / 2];
const top = (b: Block): [number, number] => [b.x + b.w / 2, b.y];
const bottom = (b: Block): [number, number] => [b.x + b.w / 2, b.y + b.h];

/**
 * Layers 1..n as blocks, consecutive layers with the same look merged into one; `look(l)`
 * gives a layer's kind and whether something reads from it.
 */
function stack(
  n: number,
  look: (layer: number) => { kind: Kind; tapped: boolean },
  x = COL_X,
  name = 'layer',
): { blocks: Block[]; tapped: Block[]; ofLayer: (l: number) => Block } {
  const slice = (BOTTOM - TOP) / Math.max(1, n);
  const blocks: Block[] = [];
  const tapped: Block[] = [];
  const owner: Block[] = [];
  let start = 1;
  for (let l = 1; l <= n; l++) {
    const a = look(l);
    const next = l < n ? look(l + 1) : null;
    if (next && next.kind === a.kind && next.tapped === a.tapped && !a.tapped) continue;
    const label = start === l ? `${name} ${l}` : `${name}s ${start}\u2013${l}`;
    const block = {
      x,
      y: BOTTOM - l * slice + 1,
      w: COL_W,
      h: (l - start + 1) * slice - 2,
      label,
      kind: a.kind,
    };
    blocks.push(block);
    if (a.tapped) tapped.push(block);
    for (let i = start; i <= l; i++) owner[i] = block;
    start = l + 1;
  }
  return { blocks, tapped, ofLayer: (l) => owner[l] };
}

function base(embKind: Kind = 'frozen', x = COL_X): { text: Block; emb: Block; arrows: Arrow[] } {
  const text: Block = { x, y: TEXT_Y, w: COL_W, h: 18, label: 'text', kind: 'data' };
  const emb: Block = { x, y: EMB_Y, w: COL_W, h: 18, label: 'embeddings', kind: embKind };
  return { text, emb, arrows: [{ from: top(text), to: bottom(emb) }] };
}

function layout(strategy: StrategyName, o: DiagramOptions): { blocks: Block[]; arrows: Arrow[] } {
  const n = Math.max(1, o.layers);
  const head: Block = { ...HEAD, kind: 'trained' };
  const pool: Block = { x: RIGHT_X, y: 50, w: RIGHT_W, h: 20, label: 'pool', kind: 'op' };
  const { text, emb, arrows } = base();

  if (strategy === 'feature-extraction' || strategy === 'fine-tune') {
    const k = strategy === 'fine-tune' ? Math.min(n, o.unfreezeTopK ?? n) : 0;
    const layer = o.layer ?? -1;
    const tap = strategy === 'fine-tune' ? n : Math.max(0, layer < 0 ? n + 1 + layer : layer);
    const tapped = (l: number): boolean => strategy === 'feature-extraction' && l === tap;
    const s = stack(n, (l) => ({ kind: l > n - k ? 'trained' : 'frozen', tapped: tapped(l) }));
    if (strategy === 'fine-tune' && o.unfreezeTopK === undefined) emb.kind = 'trained';
    const from = tap === 0 ? emb : s.ofLayer(tap);
    return {
      blocks: [text, emb, ...s.blocks, pool, head],
      arrows: [
        ...arrows,
        { from: right(from), to: left(pool) },
        { from: top(pool), to: bottom(head) },
      ],
    };
  }

  if (strategy === 'scalar-mix' || strategy === 'feature-concat') {
    const chosen = new Set(o.concatLayers ?? defaultConcatLayers(n));
    const all = strategy === 'scalar-mix';
    const s = stack(n, (l) => ({ kind: 'frozen', tapped: all || chosen.has(l) }));
    const joint: Block = all
      ? { ...HEAD, y: 78, label: 'mix \u03a3 s\u2c7c h\u2c7c', kind: 'trained' }
      : { ...HEAD, y: 78, label: 'pool + concat', kind: 'op' };
    const sources = [...s.tapped, ...(all || chosen.has(0) ? [emb] : [])];
    const extra: Block[] = [];
    if (!all && o.wordVectors) {
      extra.push({ x: RIGHT_X, y: 118, w: 52, h: 30, label: 'word vec', kind: 'frozen' });
    }
    if (!all && o.tfidf) {
      extra.push({ x: RIGHT_X + 56, y: 118, w: 52, h: 30, label: 'TF-IDF', kind: 'op' });
    }
    return {
      blocks: [text, emb, ...s.blocks, joint, ...extra, head],
      arrows: [
        ...arrows,
        ...sources.map((b) => ({ from: right(b), to: left(joint) })),
        ...extra.map((b) => ({ from: top(b), to: bottom(joint) })),
        { from: top(joint), to: bottom(head) },
      ],
    };
  }

  if (strategy === 'gated-fusion') {
    const s = stack(n, (l) => ({ kind: 'frozen', tapped: l === n }));
    const words: Block = { ...HEAD, y: 132, label: 'word vectors', kind: 'frozen' };
    const gate: Block = { ...HEAD, y: 88, label: 'gate g', kind: 'trained' };
    return {
      blocks: [text, emb, ...s.blocks, words, gate, pool, head],
      arrows: [
        ...arrows,
        { from: top(text), to: bottom(words) },
        { from: right(s.ofLayer(n)), to: left(gate) },
        { from: top(words), to: bottom(gate) },
        { from: top(gate), to: bottom(pool) },
        { from: top(pool), to: bottom(head) },
      ],
    };
  }

  // Layer transfer: the teacher on the left, the shallower student on the right.
  const sources = o.studentLayers ?? defaultStudentLayers(n);
  const teacher = stack(n, (l) => ({ kind: 'frozen', tapped: sources.includes(l - 1) }));
  const student = stack(sources.length, () => ({ kind: 'trained', tapped: true }), RIGHT_X);
  const studentBase = base('trained', RIGHT_X);
  const studentHead: Block = { ...head, x: RIGHT_X };
  const blocks = [text, emb, ...teacher.blocks, studentBase.emb, ...student.blocks, studentHead];
  const copies: Arrow[] = sources.map((s, i) => ({
    from: right(teacher.ofLayer(s + 1)),
    to: left(student.ofLayer(i + 1)),
    dashed: true,
  }));
  copies.push({ from: right(emb), to: left(studentBase.emb), dashed: true });
  if (o.distill) {
    const logits: Block = { ...HEAD, x: COL_X, w: COL_W, label: 'teacher logits', kind: 'frozen' };
    blocks.push(logits);
    copies.push({ from: right(logits), to: left(studentHead), dashed: true });
  }
  return {
    blocks,
    arrows: [
      ...arrows,
      ...copies,
      { from: top(student.ofLayer(sources.length)), to: bottom(studentHead) },
    ],
  };
}

function Lock(props: { x: number; y: number }): ReactElement {
  return (
    <g transform={`translate(${props.x} ${props.y})`} className="lock" aria-hidden="true">
      <path d="M2 5 V3.2 a2.5 2.5 0 0 1 5 0 V5" fill="none" />
      <rect x={0.5} y={5} width={8} height={6} rx={1} />
    </g>
  );
}

function BlockShape(props: { block: Block }): ReactElement {
  const b = props.block;
  const showText = b.h >= 11;
  const [cx, cy] = mid(b);
  return (
    <g className={`block block-${b.kind}`}>
      <rect x={b.x} y={b.y} width={b.w} height={b.h} rx={3} />
      {showText && (
        <text x={b.kind === 'frozen' ? cx - 5 : cx} y={cy} dominantBaseline="central">
          {b.label}
        </text>
      )}
      {b.kind === 'frozen' && b.h >= 11 && <Lock x={b.x + b.w - 12} y={cy - 6} />}
    </g>
  );
}

export function describeDiagram(strategy: StrategyName, o: DiagramOptions): string {
  const { blocks } = layout(strategy, o);
  const names = (kind: Kind): string =>
    blocks
      .filter((b) => b.kind === kind)
      .map((b) => b.label)
      .join(', ') || 'nothing';
  return `Frozen: ${names('frozen')}. Trained: ${names('trained')}.`;
}

export function StrategyDiagram(props: {
  strategy: StrategyName;
  options: DiagramOptions;
  testId?: string;
}): ReactElement {
  const { blocks, arrows } = layout(props.strategy, props.options);
  // One marker per picture: several diagrams share a page.
  const marker = `arrow-${useId().replace(/:/g, '')}`;
  return (
    <svg
      className="diagram"
      viewBox="0 0 300 190"
      role="img"
      aria-label={describeDiagram(props.strategy, props.options)}
      data-testid={props.testId}
    >
      <defs>
        <marker
          id={marker}
          viewBox="0 0 6 6"
          refX={5}
          refY={3}
          markerWidth={6}
          markerHeight={6}
          orient="auto"
        >
          <path d="M0 0 L6 3 L0 6 z" className="arrow-head" />
        </marker>
      </defs>
      {arrows.map((a, i) => (
        <line
          key={i}
          x1={a.from[0]}
          y1={a.from[1]}
          x2={a.to[0]}
          y2={a.to[1]}
          className={a.dashed ? 'arrow dashed' : 'arrow'}
          markerEnd={`url(#${marker})`}
        />
      ))}
      {blocks.map((b, i) => (
        <BlockShape key={i} block={b} />
      ))}
    </svg>
  );
}

export function DiagramLegend(): ReactElement {
  return (
    <p className="diagram-legend small muted" aria-hidden="true">
      <svg viewBox="0 0 14 12" className="swatch">
        <rect className="legend-trained" x={0} y={0} width={14} height={12} rx={2} />
      </svg>
      trained
      <svg viewBox="0 0 14 12" className="swatch">
        <rect className="legend-frozen" x={0} y={0} width={14} height={12} rx={2} />
      </svg>
      frozen (locked)
      <svg viewBox="0 0 14 12" className="swatch">
        <rect className="legend-op" x={0.5} y={0.5} width={13} height={11} rx={2} />
      </svg>
      data or fixed step
    </p>
  );
}
