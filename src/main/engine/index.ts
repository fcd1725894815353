/**
 * The engine's public surface for the rest of the main process (transfer strategies, export,
 * runs). Engine files import each other directly, never this barrel.
 */
export type {
  AttrValue,
  Attrs,
  DropoutOptions,
  GemmOptions,
  GeluOptions,
  GraphBuilder,
  LayerNormOptions,
  ModelOptions,
  OpNode,
  OutputSpec,
  ParamOptions,
  TrainableParam,
} from './graph';
export { createGraph, IR_VERSION, OPSET } from './graph-impl';
export type { CreateGraphOptions } from './graph-impl';
export type { DType, Dim, TensorData, TensorName, TensorRef } from './types';
export { tensorName } from './types';

export { gradients } from './autodiff';
export {
  binaryCrossEntropyWithLogits,
  distillationKL,
  meanSquaredError,
  softmaxCrossEntropy,
} from './losses';
export type { CrossEntropyOptions, DistillOptions } from './losses';
export { scheduleFactor } from './optimizers';
export type { AdamWSpec, OptimizerSpec, ParamGroup, Schedule, SgdSpec } from './optimizers';
export { initTensor, Rng } from './init';
export type { InitKind, InitSpec } from './init';

export { createTrainer } from './trainer';
export type {
  Batch,
  BatchSpec,
  BuildFn,
  BuildMode,
  BuildResult,
  HostTensor,
  StepResult,
  Trainer,
  TrainerOptions,
  TrainerSnapshot,
} from './trainer';
export { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint';

export {
  availableProviders,
  boolTensor,
  createSession,
  cudaUnavailableReason,
  f32,
  f64,
  i64,
  readFloat,
  tensorOf,
} from './session';
export type { EngineSession, Provider, SessionOptions } from './session';
