/**
 * A check as the explorer runs it, in its Web Worker or (for the benchmark) in Node: the same
 * engines and the same report as `kafka-spec check`, with the parts the page shows (violations
 * with their traces, goals, kinds of step never taken) as plain data that crosses `postMessage`.
 */
import type { Action } from '../src/model.ts';
import {
  exploreCombined, exploreExhaustive, exploreRandom, type ExploreResult, type Progress, type SearchVerdict, selectInvariants, stepKindsNeverTaken,
} from '../src/explore/index.ts';
import { checkText, progressLine, type CheckEngine } from '../src/report/check.ts';
import { checkSummary } from '../src/report/verdict.ts';
import { type ClusterConfig, kafkaModel } from './kafka.ts';

/** What the page asks the worker to check. */
export interface CheckRequest {
  readonly config: ClusterConfig;
  readonly engine: CheckEngine;
  /** Seconds the whole check may take (undefined: only `depth` bounds breadth-first search). */
  readonly timeLimitS?: number;
  readonly depth?: number;
  /** Invariant names; all when empty. */
  readonly invariants: readonly string[];
  /** Stop at the first violation (breadth-first: a shortest one). */
  readonly first: boolean;
  readonly seed?: number;
}

/** What the worker answers when the check is done. */
export interface CheckOutcome {
  /** `holds` only when every reachable state was explored. */
  readonly verdict: SearchVerdict;
  /** The sentence the report ends with: the configuration, then the verdict with its extent. */
  readonly summary: string;
  readonly violations: readonly { readonly invariant: string; readonly statement: string; readonly steps: readonly Action[] }[];
  readonly goals: readonly { readonly name: string; readonly count: number; readonly firstDepth: number | null }[];
  readonly goalsImpossible: Readonly<Record<string, string>>;
  readonly neverTaken: readonly string[];
  readonly stats: { readonly states: number; readonly transitions: number; readonly depth: number; readonly elapsedMs: number; readonly complete: boolean };
  /** The report `kafka-spec check` prints for the same result. */
  readonly report: string;
}

/** Messages from the worker to the page. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly line: string; readonly progress: Progress }
  | { readonly type: 'done'; readonly outcome: CheckOutcome }
  | { readonly type: 'error'; readonly message: string };

/** Steps per random run, as `kafka-spec check` defaults them. */
const MAX_STEPS = 60;

/** Runs the check `request` describes; `onProgress` hears from the engine about twice a second. */
export function runExplorerCheck(request: CheckRequest, onProgress?: (p: Progress) => void): CheckOutcome {
  const model = kafkaModel(request.config);
  const checked = selectInvariants(model, request.invariants).map((i) => i.name);
  const timeLimitMs = request.timeLimitS === undefined ? undefined : request.timeLimitS * 1000;
  const common = { invariants: request.invariants, onProgress, timeLimitMs };
  const certify = { maxStates: 300_000, timeLimitMs: 10_000 };
  const result: ExploreResult<Action> = request.engine === 'exhaustive'
    ? exploreExhaustive(model, { ...common, maxDepth: request.depth, stopAtFirst: request.first })
    : request.engine === 'random'
      ? exploreRandom(model, { ...common, runs: timeLimitMs === undefined ? 10_000 : Number.MAX_SAFE_INTEGER, maxSteps: MAX_STEPS, seed: request.seed, certify })
      : exploreCombined(model, { ...common, maxDepth: request.depth, stopAtFirst: request.first, maxSteps: MAX_STEPS, seed: request.seed, certify,
        runs: timeLimitMs === undefined ? 10_000 : undefined });
  return {
    verdict: result.verdict,
    summary: checkSummary(model, result, checked),
    violations: result.violations.map((v) => ({ invariant: v.invariant, statement: v.statement, steps: v.trace })),
    goals: Object.entries(result.coverage.goals).map(([name, g]) => ({ name, count: g.count, firstDepth: g.firstDepth })),
    goalsImpossible: model.presentation?.goalsImpossible ?? {},
    neverTaken: stepKindsNeverTaken(model, result.coverage),
    stats: { states: result.stats.states, transitions: result.stats.transitions, depth: result.stats.depth, elapsedMs: result.stats.elapsedMs, complete: result.complete },
    report: checkText(model, result, checked),
  };
}

export { progressLine };
