/**
 * Strategy dispatch: maps a run's strategy name to the module that trains it.
 */
import type { TrainConfig } from '../../shared/contract';
import { GraftError } from '../../shared/errors';
import type { DataLayout } from '../data-dir';
import type { RunContext, RunExecutor, RunOutcome } from '../runs/run-manager';
import type { Store } from '../store';
import { runFeatureConcat } from './feature-concat';
import { runFeatureExtraction } from './feature-extraction';
import { runGatedFusion } from './gated-fusion';
import { runScalarMix } from './scalar-mix';
import { runFineTune } from './fine-tune';
import { runLayerTransfer } from './layer-transfer';

export interface StrategyDeps {
  store: Store;
  layout: DataLayout;
}

type Strategy = (ctx: RunContext, deps: StrategyDeps) => Promise<RunOutcome>;

/** The strategies this build trains; the contract names every strategy Graft plans. */
const STRATEGIES: Partial<Record<TrainConfig['strategy'], Strategy>> = {
  'feature-extraction': runFeatureExtraction,
  'scalar-mix': runScalarMix,
  'feature-concat': runFeatureConcat,
  'gated-fusion': runGatedFusion,
  'fine-tune': runFineTune,
  'layer-transfer': runLayerTransfer,
};

export function availableStrategies(): TrainConfig['strategy'][] {
  return Object.keys(STRATEGIES) as TrainConfig['strategy'][];
}

export function createRunExecutor(deps: StrategyDeps): RunExecutor {
  return async (ctx) => {
    const strategy = STRATEGIES[ctx.config.strategy];
    if (!strategy) {
      const known = Object.keys(STRATEGIES).join(', ');
      throw new GraftError(
        'unsupported',
        `strategy "${ctx.config.strategy}" is not available; available: ${known}`,
      );
    }
    return strategy(ctx, deps);
  };
}
