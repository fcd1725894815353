import { createGraph } from '../../src/main/engine/graph-impl';
import { createSession, f64, i64 } from '../../src/main/engine/session';
import type { GraphBuilder } from '../../src/main/engine/graph';
import type { TensorRef } from '../../src/main/engine/types';
const ops: Record<string, (g: GraphBuilder, x: TensorRef) => TensorRef> = {
  erf: (g, x) => g.erf(x), tanh: (g, x) => g.tanh(x), sigmoid: (g, x) => g.sigmoid(x),
  softplus: (g, x) => g.softplus(x), relu: (g, x) => g.relu(x), exp: (g, x) => g.exp(x),
  log: (g, x) => g.log(x), sqrt: (g, x) => g.sqrt(x), abs: (g, x) => g.abs(x), neg: (g, x) => g.neg(x),
  pow: (g, x) => g.pow(x, g.scalar(2, 'float64')), max: (g, x) => g.max(x, g.scalar(0, 'float64')),
  softmax: (g, x) => g.softmax(x), lsm: (g, x) => g.logSoftmax(x),
  ln: (g, x) => g.layerNorm(x, g.constant([1, 1, 1], 'float64', [3]), g.constant([0, 0, 0], 'float64', [3])),
  rsum: (g, x) => g.reduceSum(x, [1]), rmean: (g, x) => g.reduceMean(x, [1]), rmax: (g, x) => g.reduceMax(x, [1]),
  gemm: (g, x) => g.gemm(x, g.constant([1, 2, 3], 'float64', [3, 1])),
  matmul: (g, x) => g.matMul(x, g.constant([1, 2, 3], 'float64', [3, 1])),
  sign: (g, x) => g.node('Sign', [x], {}, [{ dtype: 'float64', shape: x.shape }])[0],
  where: (g, x) => g.where(g.less(x, g.scalar(0, 'float64')), x, g.scalar(0, 'float64')),
  expand: (g, x) => g.expand(x, [2, 2, 3]),
  pad: (g, x) => g.node('Pad', [x, g.constant([0, 1, 0, 1], 'int64', [4])], {}, [{ dtype: 'float64', shape: [2, 5] }])[0],
  scatter: (g, x) => g.node('ScatterND', [g.constant(new Array(6).fill(0), 'float64', [3, 2]), g.constant([0, 0], 'int64', [2, 1]), g.reshape(x, [2, 3]).name ? g.slice(x, [0], [2], [1]) : x], { reduction: { kind: 'string', value: 'add' } }, [{ dtype: 'float64', shape: [3, 2] }])[0],
};
for (const [name, f] of Object.entries(ops)) {
  try {
    const g = createGraph(name);
    const x = g.input('x', 'float64', [2, 3]);
    g.output(f(g, x), 'y');
    const s = await createSession(g.toModelProto());
    const r = await s.run({ x: f64([0.5, 1, 2, 0.1, 0.2, 0.3], [2, 3]) });
    console.log(name, 'ok', Array.from(r.y.data as Float64Array).slice(0, 6).join(','));
  } catch (e) { console.log(name, 'FAIL', String((e as Error).message).slice(0, 150)); }
}
