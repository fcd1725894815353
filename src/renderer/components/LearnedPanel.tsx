/**
 * What a strategy learned, drawn rather than listed: the scalar mix's layer weights as bars
 * (which layers the task leaned on), the gate's average opening as a split bar between the
 * contextual and the static side, and the parts feature concatenation put together.
 */
import type { ReactElement } from 'react';
import { fixed, percent } from '../format';
import { mixLabels, type Learned } from '../run/view';

function LayerWeights(props: { weights: number[]; gamma?: number }): ReactElement {
  const { weights } = props;
  const labels = mixLabels(weights.length);
  const uniform = 1 / weights.length;
  // Up to twice the uniform weight at least, so a mix that barely moved looks like one
  const top = Math.max(...weights, 2 * uniform);

  return (
    <figure className="learned-figure" data-testid="layer-weights">
      <figcaption>
        Layer weights (softmax over {weights.length} hidden states
        {props.gamma === undefined ? '' : `, scale γ ${fixed(props.gamma)}`}). The dashed line is
        the uniform start, {fixed(uniform)}.
      </figcaption>
      <div className="bars" role="list">
        {weights.map((w, i) => (
          <div
            key={labels[i]}
            className="bar"
            role="listitem"
            title={`${labels[i] === 'emb' ? 'embeddings' : `layer ${labels[i]}`}: ${fixed(w, 4)}`}
            data-testid="layer-weight"
          >
            <span className="bar-value">{fixed(w, 2)}</span>
            <span className="bar-track">
              <span className="bar-fill" style={{ height: `${(w / top) * 100}%` }} />
              <span className="bar-uniform" style={{ bottom: `${(uniform / top) * 100}%` }} />
            </span>
            <span className="bar-label">{labels[i]}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}

function GateOpening(props: { opening: number; vectors?: Learned['wordVectors'] }): ReactElement {
  const { opening, vectors } = props;
  return (
    <figure className="learned-figure" data-testid="gate-opening">
      <figcaption>
        Average gate opening over the test tokens: {percent(opening)} contextual,{' '}
        {percent(1 - opening)} word vectors
        {vectors ? ` (${vectors.model}, ${percent(vectors.coverage)} of tokens covered)` : ''}.
      </figcaption>
      <div className="split-bar" aria-hidden="true">
        <span className="split-contextual" style={{ width: `${opening * 100}%` }}>
          contextual
        </span>
        <span className="split-static">static</span>
      </div>
    </figure>
  );
}

function ConcatParts(props: { learned: Learned }): ReactElement {
  const { layers, wordVectors, tfidfFeatures } = props.learned;
  const parts = [
    layers ? `hidden states ${layers.join(', ')}` : null,
    wordVectors
      ? `averaged ${wordVectors.model} vectors (${percent(wordVectors.coverage)} of tokens)`
      : null,
    tfidfFeatures ? `${tfidfFeatures} TF-IDF features` : null,
  ].filter((p): p is string => p !== null);
  return <p data-testid="concat-parts">Concatenated into the head: {parts.join(' + ')}.</p>;
}

export function LearnedPanel(props: { learned: Learned }): ReactElement {
  const { learned } = props;
  return (
    <div className="learned">
      {learned.layerWeights && (
        <LayerWeights weights={learned.layerWeights} gamma={learned.gamma} />
      )}
      {learned.gateOpening !== undefined && (
        <GateOpening opening={learned.gateOpening} vectors={learned.wordVectors} />
      )}
      {learned.layers && <ConcatParts learned={learned} />}
    </div>
  );
}
