/**
 * Value types shared by the graph builder, autodiff, trainer and session.
 *
 * A `TensorRef` is a build-time handle: the name of a value in the ONNX graph plus the dtype and
 * the shape inferred when the op was added. Nothing here holds data.
 */
import { GraftError } from '../../shared/errors';
import { OnnxDataType } from './onnx-proto';

/** Name of a value in an ONNX graph; branded so a raw string cannot pass for one. */
export type TensorName = string & { readonly __brand: 'TensorName' };

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

/** A static size, or a symbolic one such as 'batch' that is only known at run time. */
export type Dim = number | string;

export interface TensorRef {
  readonly name: TensorName;
  readonly dtype: DType;
  readonly shape: readonly Dim[];
}

/** Typed arrays the engine accepts for each dtype (bool is one byte per element, 0 or 1). */
export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int64', 'int32', 'bool'];

export function tensorName(name: string): TensorName {
  return name as TensorName;
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function onnxDataType(dtype: DType): number {
  switch (dtype) {
    case 'float32':
      return OnnxDataType.FLOAT;
    case 'float64':
      return OnnxDataType.DOUBLE;
    case 'int64':
      return OnnxDataType.INT64;
    case 'int32':
      return OnnxDataType.INT32;
    case 'bool':
      return OnnxDataType.BOOL;
  }
}

/** Element count of a fully static shape, or null when a dim is symbolic. */
export function staticSize(shape: readonly Dim[]): number | null {
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return null;
    size *= d;
  }
  return size;
}

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.join(', ')}]`;
}

/** Check that a typed array matches a dtype, naming the argument when it does not. */
export function checkData(what: string, data: TensorData, dtype: DType): void {
  const ok =
    (dtype === 'float32' && data instanceof Float32Array) ||
    (dtype === 'float64' && data instanceof Float64Array) ||
    (dtype === 'int64' && data instanceof BigInt64Array) ||
    (dtype === 'int32' && data instanceof Int32Array) ||
    (dtype === 'bool' && data instanceof Uint8Array);
  if (!ok) {
    throw new GraftError(
      'invalid-argument',
      `${what}: a ${dtype} tensor needs a ${arrayNameFor(dtype)}, got ${data.constructor.name}`,
    );
  }
}

export function arrayNameFor(dtype: DType): string {
  const names: Record<DType, string> = {
    float32: 'Float32Array',
    float64: 'Float64Array',
    int64: 'BigInt64Array',
    int32: 'Int32Array',
    bool: 'Uint8Array',
  };
  return names[dtype];
}
