/**
 * `kafka-spec check`: explore one configuration with the chosen engine and report the verdict,
 * the first counterexample, how much was explored and which reachability goals were reached.
 */
import { writeFileSync } from 'node:fs';
import { kafkaModel, MODEL_NAME, type KafkaModel } from '../../properties/kafka-model.ts';
import { exploreCombined, exploreExhaustive, exploreRandom, possibleStepKinds, stepKindsNeverTaken, type CombinedResult, type ExploreResult, type Progress, UnknownInvariantError, selectInvariants } from '../explore/index.ts';
import { makeTrace } from '../trace/schema.ts';
import { replay } from '../trace/replay.ts';
import { renderTraceText } from '../report/text.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import { configFromFlags, type ModelFlags, UsageError } from './options.ts';
import { describeConfig } from './describe.ts';
import { impossibleGoals } from '../../properties/goals.ts';

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

export interface Output {
  out(text: string): void;
  progress(text: string): void;
}

const whole = (flag: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} expects a whole number, got '${text}'`);
  return Number(text);
};

const ENGINE_TITLES: Record<string, string> = {
  both: 'breadth-first, then random runs', exhaustive: 'exhaustive, breadth-first', random: 'random runs',
};

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
  const engine = flags.engine ?? 'both';
  if (!(engine in ENGINE_TITLES)) throw new UsageError(`--engine must be both, exhaustive or random, got '${engine}'`);
  const timeLimitMs = whole('--time-limit', flags.timeLimit, 60) * 1000;
  if (!flags.json) io.out([`kafka-spec check (${ENGINE_TITLES[engine]})`, ...describeConfig(config).map((l) => `  ${l}`)].join('\n'));
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
  io.out(flags.json ? JSON.stringify(jsonResult(model, result, traces)) : humanResult(model, result, checked, flags.out));
  return result.verdict === 'violated' ? 1 : 0;
}

function progressLine(p: Progress): string {
  const runs = p.runs === undefined ? '' : `${p.runs.toLocaleString('en')} runs, `;
  return `  … ${runs}${p.states.toLocaleString('en')} states, ${p.transitions.toLocaleString('en')} transitions, depth ${p.depth}, ${(p.elapsedMs / 1000).toFixed(0)} s`;
}

function jsonResult(model: KafkaModel, r: ExploreResult<ClusterAction>, traces: unknown[]): unknown {
  return {
    verdict: r.verdict,
    config: model.config,
    violations: r.violations.map((v, i) => ({
      invariant: v.invariant, step: v.length, length: v.length, certifiedMinimal: v.certifiedMinimal ?? null,
      ...(v.seed === undefined ? {} : { seed: v.seed, path: v.path, shrunkFrom: v.shrunkFrom }), trace: traces[i],
    })),
    stats: { engine: r.stats.engine, steps: r.stats.transitions, states: r.stats.states, depth: r.stats.depth,
      runs: r.stats.runs, elapsedMs: r.stats.elapsedMs, complete: r.complete, stopReason: r.stopReason,
      ...(phasesOf(r) === null ? {} : { phases: phasesJson(phasesOf(r)!) }) },
    coverage: Object.fromEntries(Object.entries(r.coverage.goals).map(([k, g]) => [k, g.count])),
    stepCoverage: stepCoverage(model, r),
  };
}

/** The two phases of a combined exploration, or null for a single engine's. */
function phasesOf(r: ExploreResult<ClusterAction>): CombinedResult<ClusterAction>['phases'] | null {
  return 'phases' in r ? (r as CombinedResult<ClusterAction>).phases : null;
}

function phasesJson(phases: CombinedResult<ClusterAction>['phases']): unknown {
  const phase = (p: ExploreResult<ClusterAction>) => ({
    steps: p.stats.transitions, states: p.stats.states, depth: p.stats.depth, runs: p.stats.runs, elapsedMs: p.stats.elapsedMs,
    stopReason: p.stopReason, violations: p.violations.map((v) => v.invariant),
  });
  return { exhaustive: phase(phases.exhaustive), random: phases.random === null ? null : phase(phases.random) };
}

/** Transitions by kind of step, with 0 for each kind that can happen here but was never taken. */
function stepCoverage(model: KafkaModel, r: ExploreResult<ClusterAction>): Record<string, number> {
  return { ...Object.fromEntries(possibleStepKinds(model).map((k) => [k, 0])), ...r.coverage.steps };
}

/** Which kinds of step were never taken, and which cannot happen here (grouped by reason). */
function stepLines(model: KafkaModel, r: ExploreResult<ClusterAction>): string[] {
  const kinds = Object.entries(model.stepKinds ?? {});
  if (kinds.length === 0) return [];
  const possible = possibleStepKinds(model);
  const never = stepKindsNeverTaken(model, r.coverage);
  const byReason = new Map<string, string[]>();
  for (const [k, why] of kinds) if (why !== null) byReason.set(why, [...(byReason.get(why) ?? []), k]);
  return [
    '',
    never.length === 0
      ? `Every kind of step that can happen here was taken (${possible.length} kinds).`
      : `Kinds of step never taken (${never.length} of the ${possible.length} that can happen here): ${never.join(', ')}.`,
    ...[...byReason].map(([why, ks]) => `  cannot happen here (${why}): ${ks.join(', ')}`),
  ];
}

/** What one engine explored, in words. */
function scopeOf(r: ExploreResult<ClusterAction>): string {
  const s = r.stats;
  const scope = s.engine === 'exhaustive'
    ? `${s.states.toLocaleString('en')} distinct states, ${s.transitions.toLocaleString('en')} transitions, all behaviours up to depth ${s.depth}` +
      (r.stopReason === 'time' || r.stopReason === 'states' ? ` and some of depth ${s.depth + 1}` : '')
    : `${(s.runs ?? 0).toLocaleString('en')} random runs, ${s.transitions.toLocaleString('en')} steps, ${s.states.toLocaleString('en')} distinct states, runs up to ${s.depth} steps`;
  return `${scope} in ${(s.elapsedMs / 1000).toFixed(1)} s (${STOPS[r.stopReason]})`;
}

function foundBreadthFirst(r: ExploreResult<ClusterAction>, v: ExploreResult<ClusterAction>['violations'][number]): boolean {
  return r.stats.engine === 'exhaustive' || (phasesOf(r)?.exhaustive.violations.includes(v) ?? false);
}

function combinedLines({ exhaustive, random }: CombinedResult<ClusterAction>['phases']): string[] {
  const lines = [`Explored breadth-first: ${scopeOf(exhaustive)}.`];
  if (random !== null) {
    const skipped = exhaustive.violations.length > 0 ? ' (on the invariants not already violated)' : '';
    lines.push(`Then at random${skipped}: ${scopeOf(random)}.`);
  } else if (!exhaustive.complete) {
    lines.push('No random runs: the breadth-first phase already stopped at its first violation or violated every invariant checked.');
  }
  return lines;
}

const STOPS: Record<string, string> = {
  exhausted: 'every reachable state within the bounds was explored',
  depth: 'stopped at the depth limit',
  time: 'stopped at the time limit',
  states: 'stopped at the state limit',
  runs: 'all runs done',
  violation: 'stopped at the first violation',
};

function humanResult(model: KafkaModel, r: ExploreResult<ClusterAction>, checked: readonly string[], out?: string): string {
  const phases = phasesOf(r);
  const lines = phases === null ? [`Explored ${scopeOf(r)}.`] : combinedLines(phases);
  for (const v of r.violations) {
    const minimal = v.certifiedMinimal === true ? ', certified minimal by breadth-first search' : foundBreadthFirst(r, v) ? ' (shortest: breadth-first)' : '';
    const shrunk = v.shrunkFrom === undefined ? '' : `, shrunk from ${v.shrunkFrom} steps`;
    lines.push('', `VIOLATED ${v.invariant}: ${v.statement}`, `Counterexample: ${v.length} steps${minimal}${shrunk}`, '');
    const replayed = replay(model, v.trace, { invariants: [v.invariant] });
    lines.push(renderTraceText(model, v.trace, replayed.states, replayed.violation));
    if (out !== undefined) lines.push('', `Trace written to ${out}; replay it with: kafka-spec replay ${out}`);
  }
  if (r.verdict === 'holds') {
    lines.push(checked.length === model.invariants.length
      ? `No invariant violated (${checked.length} checked).`
      : `No invariant violated (checked ${checked.join(', ')}; ${model.invariants.length - checked.length} others not checked).`);
  }
  lines.push('', 'Reachability goals (transitions that reached each):');
  for (const [name, g] of Object.entries(r.coverage.goals)) {
    lines.push(`  ${name.padEnd(28)} ${g.count === 0 ? 'NOT REACHED' : `${g.count.toLocaleString('en')} (earliest after ${g.firstDepth} steps)`}`);
  }
  for (const [name, why] of Object.entries(impossibleGoals(model.config))) lines.push(`  ${name.padEnd(28)} cannot happen here: ${why}`);
  lines.push(...stepLines(model, r));
  if (r.verdict === 'holds' && Object.values(r.coverage.goals).some((g) => g.count === 0)) {
    lines.push('', 'Goals marked NOT REACHED are states this search never visited, so the pass says nothing about them;',
      r.stats.engine === 'exhaustive'
        ? 'look deeper with --engine both or random (runs of up to --max-steps) or a longer --time-limit.'
        : 'look deeper with a longer --time-limit or --max-steps, or wider bounds (--set maxLeaderChanges=3, …).');
  }
  return lines.join('\n');
}
