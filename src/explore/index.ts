/** The exploration engines and what they report. */
export { exploreExhaustive, type ExhaustiveOptions } from './exhaustive.ts';
export { type CertifyBudget, certifyMinimal, type Counted, DistinctStates, exploreRandom, type RandomOptions } from './random.ts';
export { exploreBounded, budgetOf, UnknownBudgetError, type BoundedOptions, type BoundedRound } from './bounded.ts';
export { endsTheCheck, exploreCombined, type CombinedOptions, type CombinedResult } from './combined.ts';
export { shrinkTrace, firstFailure, findEnabled, sameAction } from './shrink.ts';
export { fingerprint, fingerprintInto } from './fingerprint.ts';
export { FingerprintSet } from './fpset.ts';
export { type ModelSource } from './on-threads.ts';
export { mergeShards, shardOf, shortestPerInvariant, type Shard, type SplitReport } from './shard.ts';
export { milestoneGoal, milestonesAlong, type Milestone, type Scenario, scenarioProduct, type ScenarioState } from './scenario.ts';
export { DOES_NOT_COMPOSE, refusal, type Split, type Technique } from './compose.ts';
export * from './result.ts';
