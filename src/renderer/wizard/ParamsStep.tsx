/**
 * Hyperparameters: the few options that matter for the chosen strategy first, with the
 * strategy's defaults filled in, and an advanced panel with every other option it reads.
 */
import type { ReactElement } from 'react';
import type { Model } from '../../shared/contract';
import { FIELDS, PANELS, type FieldKey, type FieldSpec, type WizardForm } from './form';
import { defaultConcatLayers, defaultStudentLayers, STRATEGIES } from './strategies';
import { DiagramLegend, StrategyDiagram, type DiagramOptions } from './StrategyDiagram';

export function testIdOf(key: string): string {
  return `run-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function FieldInput(props: {
  spec: FieldSpec;
  value: string;
  error?: string;
  onChange(value: string): void;
}): ReactElement {
  const { spec, value, error } = props;
  const id = testIdOf(spec.key);
  const described = error ? `${id}-error` : `${id}-hint`;
  let control: ReactElement;
  if (spec.type === 'choice') {
    control = (
      <select
        id={id}
        value={value}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={id}
        aria-describedby={described}
      >
        {spec.choices?.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    );
  } else if (spec.type === 'bool') {
    control = (
      <input
        id={id}
        type="checkbox"
        checked={value === 'true'}
        onChange={(e) => props.onChange(String(e.target.checked))}
        data-testid={id}
        aria-describedby={described}
      />
    );
  } else {
    control = (
      <input
        id={id}
        type="number"
        value={value}
        min={spec.min}
        max={spec.max}
        step={spec.type === 'int' ? 1 : 'any'}
        required={!spec.optional}
        placeholder={spec.optional ? 'none' : undefined}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        data-testid={id}
      />
    );
  }
  return (
    <div className={`field${spec.type === 'bool' ? ' field-bool' : ''}`}>
      <label htmlFor={id}>{spec.label}</label>
      {control}
      {error ? (
        <small className="field-error" id={`${id}-error`}>
          {error}
        </small>
      ) : (
        <small className="hint" id={`${id}-hint`}>
          {spec.hint}
        </small>
      )}
    </div>
  );
}

/** Checkboxes over layer indices, for feature-concat's layers and the student's sources. */
function LayerPicker(props: {
  legend: string;
  hint: string;
  indices: number[];
  label(index: number): string;
  value: number[];
  onChange(value: number[]): void;
  error?: string;
  testId: string;
}): ReactElement {
  const toggle = (i: number): void => {
    const next = props.value.includes(i) ? props.value.filter((v) => v !== i) : [...props.value, i];
    props.onChange(next.sort((a, b) => a - b));
  };
  return (
    <fieldset className="layer-picker" data-testid={props.testId}>
      <legend>{props.legend}</legend>
      <div className="layer-boxes">
        {props.indices.map((i) => (
          <label key={i} className="layer-box">
            <input
              type="checkbox"
              checked={props.value.includes(i)}
              onChange={() => toggle(i)}
              data-testid={`${props.testId}-${i}`}
            />
            {props.label(i)}
          </label>
        ))}
      </div>
      {props.error ? (
        <small className="field-error" role="alert">
          {props.error}
        </small>
      ) : (
        <small className="hint">{props.hint}</small>
      )}
    </fieldset>
  );
}

export function ParamsStep(props: {
  form: WizardForm;
  model: Model | undefined;
  wordVectors: Model[];
  errors: Record<string, string>;
  diagram: DiagramOptions;
  onChange(patch: Partial<WizardForm>): void;
  onReset(): void;
}): ReactElement {
  const { form, errors } = props;
  const layers = props.model?.layers ?? 0;
  const panel = PANELS[form.strategy];
  const setValue =
    (key: FieldKey) =>
    (value: string): void =>
      props.onChange({ values: { ...form.values, [key]: value } });
  const fields = (keys: FieldKey[]): ReactElement[] =>
    keys.map((key) => (
      <FieldInput
        key={key}
        spec={FIELDS[key]}
        value={form.values[key]}
        error={errors[key]}
        onChange={setValue(key)}
      />
    ));
  const usesWordVectors = form.strategy === 'feature-concat' || form.strategy === 'gated-fusion';
  const range = (from: number, to: number): number[] =>
    Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

  return (
    <div data-testid="run-params">
      <p className="muted">
        Defaults for {STRATEGIES[form.strategy].title.toLowerCase()} are filled in.{' '}
        <button type="button" className="link" onClick={props.onReset} data-testid="run-reset">
          Reset to defaults
        </button>
      </p>
      <div className="params-grid">
        <div className="form-grid">{fields(panel.basic)}</div>
        <div>
          <StrategyDiagram
            strategy={form.strategy}
            options={props.diagram}
            testId="params-diagram"
          />
          <DiagramLegend />
        </div>
      </div>

      {usesWordVectors && (
        <div className="form-grid">
          <div className="field">
            <label htmlFor="run-word-vectors">
              Word vectors{form.strategy === 'gated-fusion' ? '' : ' (optional)'}
            </label>
            <select
              id="run-word-vectors"
              value={form.wordVectorsId}
              onChange={(e) => props.onChange({ wordVectorsId: e.target.value })}
              aria-invalid={errors.wordVectorsId ? true : undefined}
              data-testid="run-word-vectors"
            >
              <option value="">{form.strategy === 'gated-fusion' ? 'choose…' : 'none'}</option>
              {props.wordVectors.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} ({m.hiddenSize} dims)
                </option>
              ))}
            </select>
            {errors.wordVectorsId ? (
              <small className="field-error" role="alert">
                {errors.wordVectorsId}
              </small>
            ) : (
              <small className="hint">Static vectors (word2vec or GloVe) from Models.</small>
            )}
          </div>
        </div>
      )}

      {form.strategy === 'feature-concat' && layers > 0 && (
        <LayerPicker
          legend="Layers to concatenate"
          testId="run-layers"
          hint="Hidden states side by side; the default is the last four."
          indices={range(0, layers)}
          label={(i) => (i === 0 ? 'embeddings' : `layer ${i}`)}
          value={form.layers ?? defaultConcatLayers(layers)}
          error={errors.layers}
          onChange={(v) => props.onChange({ layers: v })}
        />
      )}
      {form.strategy === 'layer-transfer' && layers > 0 && (
        <LayerPicker
          legend="Teacher layers copied into the student"
          testId="run-student-layers"
          hint="In order; the default is every other layer, ending at the top."
          indices={range(0, layers - 1)}
          label={(i) => `layer ${i + 1}`}
          value={form.studentLayers ?? defaultStudentLayers(layers)}
          error={errors.studentLayers}
          onChange={(v) => props.onChange({ studentLayers: v })}
        />
      )}

      <details
        className="more"
        data-testid="run-advanced"
        open={panel.advanced.some((k) => errors[k]) ? true : undefined}
      >
        <summary>Advanced: every option of this strategy</summary>
        <div className="form-grid four">{fields(panel.advanced)}</div>
      </details>
    </div>
  );
}
