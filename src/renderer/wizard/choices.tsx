/**
 * The first three steps: radio cards for the dataset, the model and the strategy. Native radio
 * inputs, so the arrow keys move between cards and Enter submits the step.
 */
import type { ReactElement, ReactNode } from 'react';
import { datasetTitle, type Dataset, type Model, type StrategyName } from '../../shared/contract';
import { Empty } from '../components/common';
import { count } from '../format';
import { href } from '../router';
import { DiagramLegend, StrategyDiagram, type DiagramOptions } from './StrategyDiagram';
import { STRATEGIES, STRATEGY_ORDER } from './strategies';

export interface Choice {
  value: string;
  title: ReactNode;
  detail?: ReactNode;
  aside?: ReactNode;
  disabled?: boolean;
  badge?: string;
}

export function ChoiceList(props: {
  legend: string;
  name: string;
  choices: Choice[];
  value: string;
  onChange(value: string): void;
  testId: string;
  wide?: boolean;
}): ReactElement {
  return (
    <fieldset className={`choices${props.wide ? ' wide' : ''}`} data-testid={props.testId}>
      <legend className="sr-only">{props.legend}</legend>
      {props.choices.map((c) => (
        <label
          key={c.value}
          className={`choice${c.disabled ? ' disabled' : ''}`}
          data-testid={`${props.testId}-${c.value}`}
        >
          <input
            type="radio"
            name={props.name}
            value={c.value}
            checked={props.value === c.value}
            disabled={c.disabled}
            onChange={() => props.onChange(c.value)}
          />
          <span className="choice-body">
            <span className="choice-title">
              {c.title}
              {c.badge && <span className="pill">{c.badge}</span>}
            </span>
            {c.detail && <span className="choice-detail">{c.detail}</span>}
          </span>
          {c.aside && <span className="choice-aside">{c.aside}</span>}
        </label>
      ))}
    </fieldset>
  );
}

export function totalRows(dataset: Dataset): number {
  return Object.values(dataset.splits).reduce((a, b) => a + b, 0);
}

export function DatasetStep(props: {
  datasets: Dataset[];
  value: string;
  onChange(id: string): void;
}): ReactElement {
  if (props.datasets.length === 0) {
    return (
      <Empty testId="new-run-missing">
        No dataset yet: <a href={href({ page: 'datasets' })}>import one</a> first.
      </Empty>
    );
  }
  return (
    <ChoiceList
      legend="Dataset"
      name="dataset"
      value={props.value}
      onChange={props.onChange}
      testId="run-dataset"
      choices={props.datasets.map((d) => ({
        value: d.id,
        title: datasetTitle(d),
        detail:
          `${totalRows(d).toLocaleString()} rows (` +
          Object.entries(d.splits)
            .map(([s, n]) => `${s} ${n.toLocaleString()}`)
            .join(', ') +
          `), ${d.labels.length} labels${d.multiLabel ? ', multi-label' : ''}`,
      }))}
    />
  );
}

export function ModelStep(props: {
  models: Model[];
  value: string;
  onChange(id: string): void;
}): ReactElement {
  const encoders = props.models.filter((m) => m.kind !== 'word-vectors');
  if (encoders.length === 0) {
    return (
      <Empty testId="new-run-missing">
        No pre-trained model yet: <a href={href({ page: 'models' })}>import one</a> first.
      </Empty>
    );
  }
  return (
    <ChoiceList
      legend="Model"
      name="model"
      value={props.value}
      onChange={props.onChange}
      testId="run-model"
      choices={encoders.map((m) => ({
        value: m.id,
        title: m.name,
        detail:
          `${m.architecture}, ${m.layers} layers, hidden ${m.hiddenSize}, ` +
          `${count(m.parameters)} parameters`,
      }))}
    />
  );
}

export function StrategyStep(props: {
  value: StrategyName;
  available: StrategyName[];
  hasWordVectors: boolean;
  diagram(strategy: StrategyName): DiagramOptions;
  onChange(strategy: StrategyName): void;
}): ReactElement {
  return (
    <>
      <ChoiceList
        legend="Transfer strategy"
        name="strategy"
        value={props.value}
        onChange={(v) => props.onChange(v as StrategyName)}
        testId="run-strategy"
        wide
        choices={STRATEGY_ORDER.map((name) => {
          const info = STRATEGIES[name];
          const available = props.available.includes(name);
          const note =
            info.needsWordVectors && !props.hasWordVectors
              ? ' Needs a word-vectors model in the library.'
              : '';
          return {
            value: name,
            title: info.title,
            badge: available ? info.cost : 'coming',
            disabled: !available,
            detail: (
              <>
                {info.explanation}
                {note && <strong className="warn-text">{note}</strong>}
                <span className="trains">
                  <strong>Trains:</strong> {info.trains}. <strong>Keeps:</strong> {info.keeps}.
                </span>
              </>
            ),
            aside: (
              <StrategyDiagram
                strategy={name}
                options={props.diagram(name)}
                testId={`diagram-${name}`}
              />
            ),
          };
        })}
      />
      <DiagramLegend />
    </>
  );
}
