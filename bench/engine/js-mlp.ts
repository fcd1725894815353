/**
 * The benchmark's plain-JS reference: the same MLP training step as the engine's (dense layers
 * with ReLU, softmax cross-entropy, AdamW), written with Float32Array loops in i-k-j order so the
 * inner loop walks memory contiguously. It is the fair "no ONNX" baseline, not a library.
 */
import { initTensor, Rng } from '../../src/main/engine/init';

interface Layer {
  w: Float32Array; // [in, out]
  b: Float32Array; // [out]
  fi: number;
  fo: number;
  mw: Float32Array;
  vw: Float32Array;
  mb: Float32Array;
  vb: Float32Array;
}

export class JsMlp {
  private readonly layers: Layer[];
  private t = 0;

  constructor(sizes: readonly number[], seed: number) {
    const r = new Rng(seed);
    this.layers = sizes.slice(1).map((fo, i) => {
      const fi = sizes[i];
      const z = (n: number): Float32Array => new Float32Array(n);
      const w = initTensor(r, [fi, fo], { kind: 'kaiming' }) as Float32Array;
      return { w, b: z(fo), fi, fo, mw: z(fi * fo), vw: z(fi * fo), mb: z(fo), vb: z(fo) };
    });
  }

  /** One step on x [n, in] with int64 labels [n]; returns the mean loss. */
  step(x: Float32Array, y: BigInt64Array, lr = 1e-3, wd = 0.01): number {
    const n = y.length;

    // Forward, keeping each layer's input for the backward pass.
    const inputs: Float32Array[] = [];
    let h = x;
    this.layers.forEach((l, i) => {
      inputs.push(h);
      const out = new Float32Array(n * l.fo);
      for (let r = 0; r < n; r++) {
        const row = r * l.fo;
        for (let c = 0; c < l.fo; c++) out[row + c] = l.b[c];
        for (let k = 0; k < l.fi; k++) {
          const a = h[r * l.fi + k];
          const wk = k * l.fo;
          for (let c = 0; c < l.fo; c++) out[row + c] += a * l.w[wk + c];
        }
      }
      const hidden = i < this.layers.length - 1;
      if (hidden) for (let j = 0; j < out.length; j++) out[j] = Math.max(0, out[j]);
      h = out;
    });

    // Softmax cross-entropy: dz = (softmax(z) − onehot) / n.
    const classes = this.layers[this.layers.length - 1].fo;
    let loss = 0;
    let dy = new Float32Array(n * classes);
    for (let r = 0; r < n; r++) {
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, h[r * classes + c]);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(h[r * classes + c] - max);
      const label = Number(y[r]);
      loss += -(h[r * classes + label] - max - Math.log(sum));
      for (let c = 0; c < classes; c++) {
        const p = Math.exp(h[r * classes + c] - max) / sum;
        dy[r * classes + c] = (p - (c === label ? 1 : 0)) / n;
      }
    }

    // Backward and AdamW, last layer first.
    this.t += 1;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      const a = inputs[i];
      const gw = new Float32Array(l.fi * l.fo);
      const gb = new Float32Array(l.fo);
      const dx = new Float32Array(n * l.fi);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < l.fo; c++) gb[c] += dy[r * l.fo + c];
        for (let k = 0; k < l.fi; k++) {
          const ak = a[r * l.fi + k];
          const wk = k * l.fo;
          let s = 0;
          for (let c = 0; c < l.fo; c++) {
            const d = dy[r * l.fo + c];
            gw[wk + c] += ak * d;
            s += d * l.w[wk + c];
          }
          // ReLU' of the previous layer's output (which is this layer's input).
          dx[r * l.fi + k] = i > 0 && ak <= 0 ? 0 : s;
        }
      }
      this.adamw(l.w, gw, l.mw, l.vw, lr, wd);
      this.adamw(l.b, gb, l.mb, l.vb, lr, wd);
      dy = dx;
    }
    return loss / n;
  }

  private adamw(
    p: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    lr: number,
    wd: number,
  ): void {
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    for (let j = 0; j < p.length; j++) {
      m[j] = b1 * m[j] + (1 - b1) * g[j];
      v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
      p[j] -= lr * (m[j] / c1 / (Math.sqrt(v[j] / c2) + eps) + wd * p[j]);
    }
  }
}
