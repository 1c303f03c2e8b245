/**
 * A safety check of one configuration of the Kafka model, from options already read and
 * validated: which engine runs, on how many threads, with which defaults, and the trace file of
 * each violation. `kafka-spec check` (src/cli/check.ts) reads its flags into these options and
 * the library's `check` (api/index.ts) its arguments, so both run the same search.
 */
import '../src/explore/node.ts';
import { availableParallelism } from 'node:os';
import { type KafkaModel, MODEL_NAME } from '../properties/kafka-model.ts';
import {
  type DistinctStates, exploreBounded, exploreCombined, exploreExhaustive, exploreRandom, type ExploreResult, type Progress, type Shard,
} from '../src/explore/index.ts';
import type { ModelSource } from '../src/explore/on-threads.ts';
import type { CheckEngine } from '../src/report/check.ts';
import { makeTrace, type Trace } from '../src/trace/schema.ts';
import type { ClusterConfig } from '../spec/config.ts';
import type { ClusterAction } from '../spec/actions.ts';

/** The time limit, in seconds, of a check that nothing else bounds. */
export const DEFAULT_TIME_LIMIT_S = 60;
/** Breadth-first search stops at this depth unless told otherwise. */
export const DEFAULT_MAX_DEPTH = 1000;
/** Steps per random run unless told otherwise. */
export const DEFAULT_MAX_STEPS = 60;
/** Steps per random run at most: a run is generated whole, so a huge bound would exhaust memory. */
export const MAX_STEPS_LIMIT = 10_000;
/** Random runs of the random engine alone, unless told otherwise. */
export const DEFAULT_RANDOM_RUNS = 10_000;
/** Worker threads at most: more than the cores only adds switching. */
export const MAX_WORKERS = 64;
/** Certifying a random counterexample minimal: a breadth-first search of at most this many states (and 30 s, under a time limit). */
const CERTIFY_MAX_STATES = 3_000_000;
const CERTIFY_TIME_LIMIT_MS = 30_000;
/** A certification asked for with no time of its own (`--certify` alone) may take this long. */
export const CERTIFY_ASKED_MS = 60_000;

/**
 * The time limit of a check given none: a check whose every phase has its own bound
 * (breadth-first: a depth; random runs: a number of runs; both engines: both) runs to those
 * bounds with no clock, so its result is the same on every machine and every run; any other
 * check stops after 60 s.
 */
export function defaultTimeLimitMs(engine: CheckEngine, bounds: { readonly depth?: unknown; readonly runs?: unknown }): number | undefined {
  const bounded = engine === 'exhaustive' ? bounds.depth !== undefined
    : engine === 'random' ? bounds.runs !== undefined
    : bounds.depth !== undefined && bounds.runs !== undefined;
  return bounded ? undefined : DEFAULT_TIME_LIMIT_S * 1000;
}

/** Threads for each engine, and how a worker thread rebuilds the configuration's model. */
export interface Threads {
  /** Breadth-first search (absent: this thread alone). */
  readonly workers?: number;
  /** Random runs (absent or 1: this thread alone). */
  readonly randomWorkers?: number;
  readonly source?: ModelSource;
}

/** How a worker thread rebuilds the model of `config`: `kafkaModel(config)` from properties/kafka-model. */
export function kafkaModelSource(config: ClusterConfig): ModelSource {
  const module = new URL(import.meta.url.endsWith('.ts') ? '../properties/kafka-model.ts' : '../properties/kafka-model.js', import.meta.url);
  return { module: module.href, exportName: 'kafkaModel', args: [config] };
}

/** How a worker thread rebuilds the product of `config`'s model and a scenario file: `kafkaScenarioModel(config, file)` from properties/scenarios. */
export function scenarioModelSource(config: ClusterConfig, file: unknown): ModelSource {
  const module = new URL(import.meta.url.endsWith('.ts') ? '../properties/scenarios.ts' : '../properties/scenarios.js', import.meta.url);
  return { module: module.href, exportName: 'kafkaScenarioModel', args: [config, file] };
}

/**
 * The threads of a check given `workers` (undefined: not given). Given, both engines use that
 * many. Not given, breadth-first search uses every core, since its result does not depend on the
 * threads, unless `oneThread` (a random shard); random runs do too, unless
 * `randomAlone`: given a seed, since sharding changes which runs a seed makes (a seed gives the
 * same runs on every machine), or a state limit, which each shard would apply on its own.
 */
export function threadsFor(config: ClusterConfig, workers: number | undefined, how: { readonly oneThread?: boolean; readonly randomAlone?: boolean } = {}): Threads {
  const n = workers ?? (how.oneThread === true ? 1 : Math.min(availableParallelism(), MAX_WORKERS));
  if (n <= 1) return {};
  return { workers: n, randomWorkers: workers === undefined && how.randomAlone === true ? 1 : n, source: kafkaModelSource(config) };
}

/** A check of the invariants, every option read and validated. */
export interface SafetyPlan {
  readonly engine: CheckEngine;
  readonly maxDepth: number;
  /** Undefined: no clock (see `defaultTimeLimitMs`). */
  readonly timeLimitMs?: number;
  /** Random runs (undefined: the random engine's default, or as many as the time allows after breadth-first search). */
  readonly runs?: number;
  readonly maxSteps: number;
  readonly seed?: number;
  /** Invariant names (all when empty or absent). */
  readonly invariants?: readonly string[];
  readonly stopAtFirst?: boolean;
  readonly threads: Threads;
  readonly maxStates?: number;
  readonly maxMemoryBytes?: number;
  /** Breadth-first search bounded by this budget of the model, fewest first. */
  readonly budget?: string;
  readonly shard?: Shard;
  /** Random runs guided by the model's sketches (default true). */
  readonly guide?: boolean;
  /** Random engine: the distinct states met are counted into this table. */
  readonly distinct?: DistinctStates;
  /**
   * A certification asked for (`--certify`): each random counterexample not already known to be
   * shortest gets a breadth-first search up to one step shorter, of at most `timeLimitMs` (none:
   * `CERTIFY_ASKED_MS`). Random runs on one thread certify as before without it, and with it for this long.
   */
  readonly certify?: { readonly timeLimitMs?: number; readonly onProgress?: (p: Progress) => void };
  /** Breadth-first engine: hands over its visited-state table at the end. */
  readonly keepStates?: (slots: { readonly hi: Uint32Array; readonly lo: Uint32Array }) => void;
  readonly onProgress?: (p: Progress) => void;
}

/** What a safety check found: the engine's result and the trace file of each violation, in the same order. */
export interface SafetyOutcome {
  readonly result: ExploreResult<ClusterAction>;
  readonly traces: Trace[];
}

/** Runs the engine `plan` chooses on `model`; the first trace is the shortest counterexample found. */
export function searchSafety(model: KafkaModel, plan: SafetyPlan): SafetyOutcome {
  const { threads, timeLimitMs, invariants, onProgress, maxStates, maxMemoryBytes } = plan;
  const limits = { maxStates, maxMemoryBytes };
  const breadthFirstThreads = { workers: threads.workers, source: threads.source };
  // Certifying is breadth-first search, so it uses the threads breadth-first search does; without
  // a time limit it is bounded by states alone, so it too does not depend on the clock.
  const certify = plan.certify === undefined
    ? { maxStates: CERTIFY_MAX_STATES, ...(timeLimitMs === undefined ? {} : { timeLimitMs: CERTIFY_TIME_LIMIT_MS }), ...breadthFirstThreads }
    : { timeLimitMs: plan.certify.timeLimitMs ?? CERTIFY_ASKED_MS, ...breadthFirstThreads };
  const certifyProgress = plan.certify?.onProgress ?? onProgress;
  // Both engines at once (with two threads or more) certify only when asked: shown progress, not a wait no one chose.
  const together = (threads.workers ?? 1) > 1;
  const combinedCertify = !together ? certify : plan.certify === undefined ? undefined : { ...certify, onProgress: certifyProgress };
  const common = { timeLimitMs, invariants, onProgress, ...limits };
  const result: ExploreResult<ClusterAction> = plan.engine === 'exhaustive'
    ? plan.budget === undefined
      ? exploreExhaustive(model, {
        ...common, maxDepth: plan.maxDepth, stopAtFirst: plan.stopAtFirst, shard: plan.shard, keepStates: plan.keepStates, ...breadthFirstThreads,
      })
      : exploreBounded(model, { ...common, budget: plan.budget, maxDepth: plan.maxDepth, stopAtFirst: plan.stopAtFirst, ...breadthFirstThreads })
    : plan.engine === 'random'
      ? exploreRandom(model, {
        ...common, runs: plan.runs ?? DEFAULT_RANDOM_RUNS, maxSteps: plan.maxSteps, seed: plan.seed, guide: plan.guide, certify,
        workers: threads.randomWorkers, source: threads.source, shard: plan.shard, distinct: plan.distinct,
      })
      : exploreCombined(model, {
        ...common, maxDepth: plan.maxDepth, budget: plan.budget, stopAtFirst: plan.stopAtFirst, maxSteps: plan.maxSteps, seed: plan.seed, guide: plan.guide,
        certify: combinedCertify, runs: plan.runs, ...threads, recordFound: true,
      });
  const traces = result.violations.map((v) => makeTrace({
    model: MODEL_NAME, config: { ...model.config }, steps: v.trace,
    violation: { invariant: v.invariant, statement: v.statement, step: v.length },
  }));
  return { result, traces };
}
