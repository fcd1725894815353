/**
 * Classify texts with an exported bundle: only the bundle's own files are read (tokenizer,
 * labels, graph), so this is what any consumer of a bundle does, and it needs no data directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GraftError } from '../../shared/errors';
import { createSession, i64, readFloat, type EngineSession } from '../engine/session';
import { loadTokenizer, type TextTokenizer } from '../models/tokenizer';
import { BUNDLE_MANIFEST, type BundleManifest } from './manifest';

export interface BundlePrediction {
  /** The most probable label. */
  label: string;
  /** Multi-label bundles: every label at or above its threshold, in label order. */
  labels?: string[];
  probabilities: Record<string, number>;
}

export interface LoadedBundle {
  manifest: BundleManifest;
  tokenizer: TextTokenizer;
  session: EngineSession;
}

const PREDICT_BATCH = 32;

export async function loadBundle(bundleDir: string): Promise<LoadedBundle> {
  const dir = resolve(bundleDir);
  const manifestPath = join(dir, BUNDLE_MANIFEST);
  if (!existsSync(manifestPath)) {
    throw new GraftError(
      'bad-input',
      `"${dir}" is not a Graft bundle: ${BUNDLE_MANIFEST} is missing`,
    );
  }

  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BundleManifest;
  const modelPath = join(dir, manifest.graph);
  if (!existsSync(modelPath)) {
    throw new GraftError('bad-input', `bundle "${dir}" lacks its graph file ${manifest.graph}`);
  }

  const tokenizer = loadTokenizer(dir);
  const session = await createSession(new Uint8Array(readFileSync(modelPath)), {
    provider: 'auto',
  });
  return { manifest, tokenizer, session };
}

/** Class probabilities for each text, as a [texts, classes] row-major array. */
export async function bundleProbabilities(
  bundle: LoadedBundle,
  texts: readonly string[],
): Promise<Float32Array> {
  const classes = bundle.manifest.labels.length;
  const out = new Float32Array(texts.length * classes);

  for (let start = 0; start < texts.length; start += PREDICT_BATCH) {
    const chunk = texts.slice(start, start + PREDICT_BATCH);
    const enc = bundle.tokenizer.encodeBatch(chunk, { maxLength: bundle.manifest.maxLength });
    const dims = [enc.batch, enc.seqLen];
    const result = await bundle.session.run({
      input_ids: i64(enc.inputIds, dims),
      attention_mask: i64(enc.attentionMask, dims),
    });
    out.set(readFloat(result.probabilities, 'probabilities'), start * classes);
  }
  return out;
}

export async function predictWithBundle(
  bundleDir: string,
  texts: readonly string[],
): Promise<BundlePrediction[]> {
  if (texts.length === 0) throw new GraftError('invalid-argument', 'texts: give at least one text');
  const empty = texts.findIndex((t) => t.trim() === '');
  if (empty >= 0) {
    throw new GraftError('invalid-argument', `texts[${empty}] is empty; every text needs words`);
  }

  const bundle = await loadBundle(bundleDir);
  try {
    const probs = await bundleProbabilities(bundle, texts);
    const labels = bundle.manifest.labels;
    return texts.map((_, row) => {
      const probabilities: Record<string, number> = {};
      let best = 0;
      labels.forEach((label, c) => {
        probabilities[label] = probs[row * labels.length + c];
        if (probs[row * labels.length + c] > probs[row * labels.length + best]) best = c;
      });
      if (!bundle.manifest.multiLabel) return { label: labels[best], probabilities };
      const { threshold = 0.5, thresholds } = bundle.manifest;
      const above = labels.filter((l, c) => probabilities[l] >= (thresholds?.[c] ?? threshold));
      return { label: labels[best], labels: above, probabilities };
    });
  } finally {
    await bundle.session.release();
  }
}
