/**
 * A deliberately naive BERT forward pass in plain f64 loops: the independent reference the
 * engine-built encoder is checked against on tiny models (the real model is checked against
 * PyTorch through minilm-golden.json). Written from the BERT paper / HF BertModel maths, with
 * no code shared with bert.ts.
 */
type T = Record<string, { shape: number[]; data: Float32Array }>;

export interface RefConfig {
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  layer_norm_eps: number;
}

/** Returns hidden states [layers + 1][batch * seq * hidden], row-major. */
export function referenceBert(
  w: T,
  c: RefConfig,
  ids: number[][],
  mask: number[][],
  types?: number[][],
): Float64Array[] {
  const H = c.hidden_size;
  const B = ids.length;
  const S = ids[0].length;
  const nh = c.num_attention_heads;
  const d = H / nh;
  const at = (name: string): Float32Array => {
    const t = w[name];
    if (!t) throw new Error(`reference: missing ${name}`);
    return t.data;
  };

  // y[r] = x[r]·Wᵀ + b for each of `rows` rows; W is [out, in].
  const linear = (x: Float64Array, rows: number, name: string, inp: number, out: number) => {
    const W = at(`${name}.weight`);
    const bias = at(`${name}.bias`);
    const y = new Float64Array(rows * out);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < out; o++) {
        let s = bias[o];
        for (let i = 0; i < inp; i++) s += x[r * inp + i] * W[o * inp + i];
        y[r * out + o] = s;
      }
    }
    return y;
  };

  // (x - mean) / sqrt(var + eps) * gamma + beta, per row of H; var is the biased variance.
  const layerNorm = (x: Float64Array, name: string) => {
    const g = at(`${name}.weight`);
    const b = at(`${name}.bias`);
    const y = new Float64Array(x.length);
    for (let r = 0; r < x.length / H; r++) {
      let mean = 0;
      for (let i = 0; i < H; i++) mean += x[r * H + i] / H;
      let v = 0;
      for (let i = 0; i < H; i++) v += (x[r * H + i] - mean) ** 2 / H;
      for (let i = 0; i < H; i++) {
        y[r * H + i] = ((x[r * H + i] - mean) / Math.sqrt(v + c.layer_norm_eps)) * g[i] + b[i];
      }
    }
    return y;
  };

  const erf = (x: number): number => {
    // Abramowitz-Stegun 7.1.26 is only 1e-7 accurate; use a series/continued fraction instead.
    const t = Math.abs(x);
    if (t < 3) {
      let sum = t;
      let term = t;
      for (let n = 1; n < 60; n++) {
        term *= (-t * t) / n;
        sum += term / (2 * n + 1);
      }
      return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
    }
    return (
      Math.sign(x) * (1 - (Math.exp(-t * t) / (t * Math.sqrt(Math.PI))) * (1 - 1 / (2 * t * t)))
    );
  };
  const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));

  // Embeddings.
  const E = at('embeddings.word_embeddings.weight');
  const P = at('embeddings.position_embeddings.weight');
  const Ty = at('embeddings.token_type_embeddings.weight');
  let h = new Float64Array(B * S * H);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < S; s++) {
      const tt = types?.[b][s] ?? 0;
      for (let i = 0; i < H; i++) {
        h[(b * S + s) * H + i] = E[ids[b][s] * H + i] + P[s * H + i] + Ty[tt * H + i];
      }
    }
  }
  h = layerNorm(h, 'embeddings.LayerNorm');
  const states = [h];

  for (let l = 0; l < c.num_hidden_layers; l++) {
    const base = `encoder.layer.${l}`;
    const q = linear(h, B * S, `${base}.attention.self.query`, H, H);
    const k = linear(h, B * S, `${base}.attention.self.key`, H, H);
    const v = linear(h, B * S, `${base}.attention.self.value`, H, H);
    const ctx = new Float64Array(B * S * H);
    for (let b = 0; b < B; b++) {
      for (let n = 0; n < nh; n++) {
        for (let i = 0; i < S; i++) {
          // Scores against real keys only: padded keys get weight exactly 0.
          const scores: number[] = [];
          for (let j = 0; j < S; j++) {
            let s = 0;
            for (let e = 0; e < d; e++) {
              s += q[(b * S + i) * H + n * d + e] * k[(b * S + j) * H + n * d + e];
            }
            scores.push(mask[b][j] ? s / Math.sqrt(d) : -Infinity);
          }
          const m = Math.max(...scores);
          const ex = scores.map((s) => Math.exp(s - m));
          const z = ex.reduce((a, x) => a + x, 0);
          for (let e = 0; e < d; e++) {
            let s = 0;
            for (let j = 0; j < S; j++) s += (ex[j] / z) * v[(b * S + j) * H + n * d + e];
            ctx[(b * S + i) * H + n * d + e] = s;
          }
        }
      }
    }
    const attn = linear(ctx, B * S, `${base}.attention.output.dense`, H, H);
    const a = layerNorm(
      attn.map((x, i) => x + h[i]),
      `${base}.attention.output.LayerNorm`,
    );
    const inner = linear(a, B * S, `${base}.intermediate.dense`, H, c.intermediate_size).map(gelu);
    const out = linear(inner, B * S, `${base}.output.dense`, c.intermediate_size, H);
    h = layerNorm(
      out.map((x, i) => x + a[i]),
      `${base}.output.LayerNorm`,
    );
    states.push(h);
  }
  return states;
}
