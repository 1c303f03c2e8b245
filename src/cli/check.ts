/**
 * `kafka-spec check`: explore one configuration with the chosen engine and report the verdict,
 * the first counterexample, how much was explored and which reachability goals were reached
 * (rendered by src/report/check.ts).
 */
import { writeFileSync } from 'node:fs';
import { kafkaModel, MODEL_NAME } from '../../properties/kafka-model.ts';
import { exploreCombined, exploreExhaustive, exploreRandom, type ExploreResult, type Progress, UnknownInvariantError, selectInvariants } from '../explore/index.ts';
import { makeTrace } from '../trace/schema.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import { configFromFlags, type ModelFlags, UsageError } from './options.ts';
import { checkHeader, checkJson, checkText, progressLine, type CheckEngine } from '../report/check.ts';

export interface CheckFlags extends ModelFlags {
  engine?: string;
  runs?: string;
  maxSteps?: string;
  seed?: string;
  depth?: string;
  timeLimit?: string;
  invariant?: string[];
  out?: string;
  json?: boolean;
  first?: boolean;
}

/** Where the CLI writes: results to `out`, progress and one-line errors (`kafka-spec: …`) to `progress`. */
export interface Output {
  out(text: string): void;
  progress(text: string): void;
}

const ENGINES: readonly CheckEngine[] = ['both', 'exhaustive', 'random'];

const whole = (flag: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} expects a whole number, got '${text}'`);
  return Number(text);
};

/** Runs `kafka-spec check` with the parsed flags; returns the exit code (0 holds, 1 violated); throws UsageError for bad input. */
export function runCheck(flags: CheckFlags, io: Output): number {
  const config = configFromFlags(flags);
  const model = kafkaModel(config);
  let checked: string[];
  try {
    checked = selectInvariants(model, flags.invariant).map((i) => i.name);
  } catch (e) {
    if (e instanceof UnknownInvariantError) throw new UsageError(e.message);
    throw e;
  }
  const engine = (flags.engine ?? 'both') as CheckEngine;
  if (!ENGINES.includes(engine)) throw new UsageError(`--engine must be both, exhaustive or random, got '${engine}'`);
  const timeLimitMs = whole('--time-limit', flags.timeLimit, 60) * 1000;
  if (!flags.json) io.out(checkHeader(engine, config));
  const onProgress = flags.json ? undefined : (p: Progress) => io.progress(progressLine(p));
  const maxDepth = whole('--depth', flags.depth, 1000);
  const maxSteps = whole('--max-steps', flags.maxSteps, 60);
  const seed = flags.seed === undefined ? undefined : whole('--seed', flags.seed, 0);
  const certify = { timeLimitMs: 30_000, maxStates: 3_000_000 };
  const result: ExploreResult<ClusterAction> = engine === 'exhaustive'
    ? exploreExhaustive(model, { maxDepth, timeLimitMs, invariants: flags.invariant, onProgress, stopAtFirst: flags.first })
    : engine === 'random'
      ? exploreRandom(model, { runs: whole('--runs', flags.runs, 10_000), maxSteps, seed, timeLimitMs, invariants: flags.invariant, onProgress, certify })
      : exploreCombined(model, {
          timeLimitMs, maxDepth, invariants: flags.invariant, stopAtFirst: flags.first, maxSteps, seed, certify, onProgress,
          runs: flags.runs === undefined ? undefined : whole('--runs', flags.runs, 0),
        });
  const traces = result.violations.map((v) => makeTrace({
    model: MODEL_NAME, config: { ...config }, steps: v.trace,
    violation: { invariant: v.invariant, statement: v.statement, step: v.length },
  }));
  if (flags.out !== undefined && traces.length > 0) writeFileSync(flags.out, JSON.stringify(traces[0], null, 2) + '\n');
  // The first trace is the shortest counterexample found (exhaustive search finds them in order).
  io.out(flags.json ? JSON.stringify(checkJson(model, result, traces)) : checkText(model, result, checked, flags.out));
  return result.verdict === 'violated' ? 1 : 0;
}
