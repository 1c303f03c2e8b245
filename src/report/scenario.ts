/**
 * The result of `kafka-spec check --scenario`, for people and for programs: whether the shortest
 * behaviour through every milestone breaks an invariant, and when none was found, how far the
 * search got (which milestones were reached, at which depth first) and whether that is proof
 * (the product of the model and the scenario was exhausted) or only as far as it looked.
 */
import type { Action, Model } from '../model.ts';
import { type ExploreResult, milestoneGoal } from '../explore/index.ts';
import { replay } from '../trace/replay.ts';
import { renderTraceText } from './text.ts';
import { plural } from './verdict.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any, Action>;

/**
 * What a scenario search may claim: `violated` with a counterexample through every milestone;
 * `holds` when the product was exhausted, every milestone reached, and nothing broke; `cannot-complete`
 * when it was exhausted without passing every milestone; `no-violation-found` otherwise (a bound or
 * a limit stopped it).
 */
export type ScenarioVerdict = 'violated' | 'holds' | 'cannot-complete' | 'no-violation-found';

/** What the report needs to know of the scenario besides the search's result. */
export interface ScenarioReportInput {
  readonly name: string;
  readonly source: string;
  readonly milestones: readonly string[];
  /** Milestones already passed in the initial state. */
  readonly passedAtStart: number;
  readonly checked: readonly string[];
  readonly result: ExploreResult<Action>;
  readonly out?: string;
}

/** Each milestone's fewest steps to reach it (0: at the start), or null when no behaviour searched reached it. */
export function milestoneDepths(r: ScenarioReportInput): (number | null)[] {
  return r.milestones.map((_, i) => (i < r.passedAtStart ? 0 : r.result.coverage.goals[milestoneGoal(i + 1)]?.firstDepth ?? null));
}

export function scenarioVerdict(r: ScenarioReportInput): ScenarioVerdict {
  if (r.result.violations.length > 0) return 'violated';
  if (!r.result.complete) return 'no-violation-found';
  return milestoneDepths(r).every((d) => d !== null) ? 'holds' : 'cannot-complete';
}

const WHY_STOPPED: Record<string, string> = {
  depth: 'within depth', time: 'before the time limit, at depth', states: 'before the state limit, at depth', memory: 'before the memory limit, at depth',
};

/** The closing sentence: what was found, or how far the search got and why it stopped. */
export function scenarioSummary(r: ScenarioReportInput): string {
  const depths = milestoneDepths(r);
  const n = r.milestones.length;
  const reached = depths.findIndex((d) => d === null);
  const upTo = reached < 0 ? n : reached;
  const states = `${plural(r.result.stats.states, 'state')}`;
  const verdict = scenarioVerdict(r);
  const v = r.result.violations[0];
  if (verdict === 'violated') {
    return `violated: ${v.invariant} after ${plural(v.length, 'step')}, every milestone passed (the shortest such behaviour; ${states})${r.out === undefined ? '' : `; trace written to ${r.out}`}`;
  }
  const how = upTo === 0 ? `no milestone of ${n} reached` : `milestones 1${upTo > 1 ? `-${upTo}` : ''} of ${n} reached`;
  const next = upTo < n ? `milestone ${upTo + 1} (${r.milestones[upTo]})` : '';
  if (verdict === 'holds') return `holds: every behaviour within the bounds that passes all ${n} milestones keeps ${r.checked.join(', ')} (the product was exhausted: ${states})`;
  if (verdict === 'cannot-complete') return `the scenario cannot be completed within the bounds: ${how}; ${next} is never reached (the product was exhausted: ${states})`;
  const stop = `${WHY_STOPPED[r.result.stopReason] ?? `(${r.result.stopReason}) at depth`} ${r.result.stats.depth}`;
  return upTo < n
    ? `no violation found: ${how}; ${next} not reached ${stop}, ${states}`
    : `no violation found: all ${n} milestones reached, no violation of ${r.checked.join(', ')} ${stop}, ${states}`;
}

/** The report for people: the scenario, its milestones with the depth each was first reached, the counterexample, and the summary. */
export function scenarioText(model: AnyModel, r: ScenarioReportInput): string {
  const depths = milestoneDepths(r);
  const lines = [
    `kafka-spec check --scenario (breadth-first through the milestones): ${r.name} (${r.source})`,
    ...(model.presentation?.configuration?.lines ?? []).map((l) => `  ${l}`),
    `  checking: ${r.checked.join(', ')}`,
    '',
    'Milestones:',
    ...r.milestones.map((m, i) => `  ${String(i + 1).padStart(2)}. ${m}  ${depths[i] === null ? '(not reached)' : depths[i] === 0 ? '(at the start)' : `(first after ${plural(depths[i]!, 'step')})`}`),
  ];
  const v = r.result.violations[0];
  if (v !== undefined) {
    const replayed = replay(model, v.trace, { invariants: [v.invariant] });
    lines.push('', `Counterexample (${plural(v.length, 'step')}), replayed without the scenario:`, renderTraceText(model, v.trace, replayed.states, replayed.violation));
  }
  lines.push('', scenarioSummary(r));
  return lines.join('\n');
}

/** The machine-readable result; wall-clock figures only with `timings`. */
export function scenarioJson(r: ScenarioReportInput, trace: unknown, timings = false): unknown {
  const depths = milestoneDepths(r);
  const s = r.result.stats;
  return {
    scenario: r.name,
    source: r.source,
    verdict: scenarioVerdict(r),
    summary: scenarioSummary(r),
    checked: r.checked,
    milestones: r.milestones.map((label, i) => ({ milestone: i + 1, label, reached: depths[i] !== null, firstDepth: depths[i] })),
    ...(trace === undefined ? {} : { trace }),
    ...(r.out === undefined || trace === undefined ? {} : { out: r.out }),
    explored: {
      states: s.states, transitions: s.transitions, depth: s.depth, complete: r.result.complete, stopReason: r.result.stopReason,
      ...(timings ? { elapsedMs: s.elapsedMs, ...(s.threads === undefined ? {} : { threads: s.threads }) } : {}),
    },
  };
}
