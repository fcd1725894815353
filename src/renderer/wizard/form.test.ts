/** The wizard's form model: per-strategy defaults, the request it sends, and its checks. */
import { describe, expect, it } from 'vitest';
import { STRATEGY_NAMES, TrainRequest } from '../../shared/contract';
import { changedFields, defaultValues, FIELDS, initialForm, PANELS } from './form';
import { toRequest, validate } from './form';
import { defaultConcatLayers, defaultStudentLayers } from './strategies';

function form(strategy: (typeof STRATEGY_NAMES)[number]): ReturnType<typeof initialForm> {
  return { ...initialForm(strategy), datasetId: 'ds_1', modelId: 'md_1' };
}

describe('the wizard form', () => {
  it('starts every strategy from defaults the contract accepts', () => {
    for (const strategy of STRATEGY_NAMES) {
      const f = { ...form(strategy), wordVectorsId: 'md_wv' };
      const parsed = TrainRequest.safeParse(toRequest(f, 6));
      expect(parsed.success, strategy).toBe(true);
      expect(validate(f, 6), strategy).toEqual({});
    }
  });

  it('gives encoder training a rate a hundred times smaller than a head', () => {
    expect(Number(defaultValues('fine-tune').learningRate)).toBeLessThan(1e-4);
    expect(Number(defaultValues('feature-extraction').learningRate)).toBe(0.001);
    expect(Number(defaultValues('fine-tune').epochs)).toBeLessThan(
      Number(defaultValues('feature-extraction').epochs),
    );
    expect(defaultValues('fine-tune').unfreezeTopK).toBe('2');
  });

  it('sends only the options the strategy reads', () => {
    const request = toRequest(form('feature-extraction'), 6) as Record<string, unknown>;
    expect(request).toMatchObject({ strategy: 'feature-extraction', epochs: 20, layer: -1 });
    expect(request).not.toHaveProperty('unfreezeTopK');
    expect(request).not.toHaveProperty('distillTemperature');
    expect(toRequest(form('fine-tune'), 6)).not.toHaveProperty('layer');
  });

  it('lists every field in some panel and each field once per strategy', () => {
    const shown = new Set(Object.values(PANELS).flatMap((p) => [...p.basic, ...p.advanced]));
    expect([...shown].sort()).toEqual(Object.keys(FIELDS).sort());
    for (const panel of Object.values(PANELS)) {
      const keys = [...panel.basic, ...panel.advanced];
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('sends chosen layers only when they differ from the main process defaults', () => {
    expect(defaultConcatLayers(6)).toEqual([3, 4, 5, 6]);
    expect(defaultStudentLayers(6)).toEqual([1, 3, 5]);
    const concat = { ...form('feature-concat'), layers: [3, 4, 5, 6] };
    expect(toRequest(concat, 6)).not.toHaveProperty('layers');
    expect(toRequest({ ...concat, layers: [0, 6] }, 6)).toMatchObject({ layers: [0, 6] });
    const student = { ...form('layer-transfer'), studentLayers: [0, 5] };
    expect(toRequest(student, 6)).toMatchObject({ studentLayers: [0, 5] });
  });

  it('blank optional numbers mean absent; blank required ones are errors naming the field', () => {
    const whole = form('fine-tune');
    whole.values = { ...whole.values, unfreezeTopK: '', clipNorm: '' };
    const request = toRequest(whole, 6);
    expect(request).not.toHaveProperty('unfreezeTopK');
    expect(request).not.toHaveProperty('clipNorm');

    const broken = form('feature-extraction');
    broken.values = { ...broken.values, epochs: '', learningRate: '-1' };
    const errors = validate(broken, 6);
    expect(errors.epochs).toBe('Epochs needs a number.');
    expect(errors.learningRate).toBeTruthy();
  });

  it('checks what the contract cannot: word vectors, layer counts, empty pickers', () => {
    expect(validate(form('gated-fusion'), 6).wordVectorsId).toMatch(/word-vectors model/);
    const tooDeep = form('fine-tune');
    tooDeep.values = { ...tooDeep.values, unfreezeTopK: '9' };
    expect(validate(tooDeep, 6).unfreezeTopK).toBe('The model has 6 layers.');
    expect(validate({ ...form('feature-concat'), layers: [] }, 6).layers).toBeTruthy();
  });

  it('reports which options the user changed', () => {
    const f = form('fine-tune');
    f.values = { ...f.values, epochs: '5' };
    expect(changedFields(f)).toEqual(['epochs']);
  });
});
