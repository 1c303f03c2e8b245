/**
 * What a verdict covers, in words: how far a search went (every behaviour up to a depth, or the
 * whole bounded space, or only sampled runs), whether a counterexample is known to be the
 * shortest and why, and the one sentence a check ends with, naming the configuration and the
 * verdict with its extent. A search that was not complete never says "holds".
 */
import type { Action, Model } from '../model.ts';
import type { CombinedResult, ExploreResult, Violation } from '../explore/index.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any, Action>;
type Result = ExploreResult<Action>;

/** `n thing` or `n things`, with the count written with thousands separators. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** The configuration in one phrase, as the model gives it (its name otherwise). */
export function configPhrase(model: AnyModel): string {
  return model.presentation?.configuration?.brief ?? model.name;
}

/** Whether a counterexample is known to be the shortest of its invariant. */
export type Shortest = 'breadth-first' | 'certified' | 'not-certified';

/** A counterexample's length as far as it is known: shortest or not, and why, in a phrase. */
export interface ShortestStatus {
  readonly shortest: Shortest;
  readonly why: string;
}

const CERTIFY_STOPS: Record<string, string> = {
  time: 'the time limit', states: 'the state limit', memory: 'the memory limit', violation: 'a violation', runs: 'its run limit',
};

/** The two phases of a combined exploration, and whether they ran at once, or null for a single engine's. */
export function phasesOf(r: Result): (CombinedResult<Action>['phases'] & { readonly together: boolean; readonly leftOut?: Result }) | null {
  if (!('phases' in r)) return null;
  const c = r as CombinedResult<Action>;
  return { ...c.phases, together: c.together === true, ...(c.leftOut === undefined ? {} : { leftOut: c.leftOut }) };
}

/** Whether breadth-first search found this violation (alone, or as the first phase of a combined check). */
export function foundBreadthFirst(r: Result, v: Violation<Action>): boolean {
  return r.stats.engine === 'exhaustive' || (phasesOf(r)?.exhaustive.violations.includes(v) ?? false);
}

/**
 * Whether `v` is known to be a shortest counterexample: found by breadth-first search (shortest
 * by construction), certified by a bounded breadth-first search after random search, or not,
 * with the reason (the certification stopped at a limit, was not run, or the search was a shard
 * or a budget round that leaves shorter ones open).
 */
export function shortestStatus(r: Result, v: Violation<Action>): ShortestStatus {
  if (v.fewest !== undefined) {
    return v.certifiedMinimal === true
      ? { shortest: 'breadth-first', why: 'found by breadth-first search in the round at the budget\'s limit, which is the whole graph' }
      : { shortest: 'not-certified', why: `a shortest among the behaviours spending at most ${v.fewest.spent} ${v.fewest.budget}; a shorter one spending more is not ruled out` };
  }
  if (foundBreadthFirst(r, v)) {
    const at = r.stats.breadthFirst?.split?.at;
    return at !== undefined && at !== null && v.length > at.depth
      ? { shortest: 'not-certified', why: `the shortest through this shard's block only; a shorter one through another shard's block is not ruled out (merge the shards)` }
      : { shortest: 'breadth-first', why: 'found by breadth-first search, which tries every shorter behaviour first' };
  }
  const c = v.certification;
  if (v.certifiedMinimal === true) {
    return {
      shortest: 'certified',
      why: c === undefined ? 'it has no steps'
        : c.alongside === true ? `the breadth-first search running beside the random runs covered every behaviour up to ${plural(v.length - 1, 'step')} and found none shorter`
        : `a breadth-first search of every behaviour up to ${plural(v.length - 1, 'step')} found none shorter`,
    };
  }
  if (c === undefined) return { shortest: 'not-certified', why: 'found by random runs, and no breadth-first search was run to certify it' };
  if (c.alongside === true) {
    return {
      shortest: 'not-certified',
      why: `found by random runs; the breadth-first search running beside them ${c.stopReason === 'stopped' ? 'was stopped' : `stopped at ${CERTIFY_STOPS[c.stopReason] ?? c.stopReason}`} after covering every behaviour up to ${plural(c.depth, 'step')} (${plural(c.states, 'state')}), so a behaviour of ${c.depth + 1} to ${v.length - 1} steps may be shorter (--certify asks for a search of them)`,
    };
  }
  return {
    shortest: 'not-certified',
    why: `found by random runs; the breadth-first search certifying it stopped at ${CERTIFY_STOPS[c.stopReason] ?? c.stopReason} after covering every behaviour up to ${plural(c.depth, 'step')} (${plural(c.states, 'state')}), so a behaviour of ${c.depth + 1} to ${v.length - 1} steps may be shorter`,
  };
}

/** The extent of a search that found no violation, as a phrase following "in" or "no … violated". */
export function extentPhrase(r: Result): string {
  if (r.complete) return `in any behaviour within these bounds (every reachable state explored: ${plural(r.stats.states, 'state')})`;
  const phases = phasesOf(r);
  const bfs = phases?.exhaustive ?? (r.stats.engine === 'exhaustive' ? r : null);
  const random = phases === null ? (r.stats.engine === 'random' ? r : null) : phases.random;
  const sampled = random === null ? '' : `${plural(random.stats.random?.runs ?? 0, 'random run')} of up to ${plural(random.stats.depth, 'step')}`;
  if (bfs === null) return `in ${sampled} (${plural(random!.stats.states, 'state')}); the behaviours they missed are not proven`;
  const upTo = bfs.stats.depth === 0 ? 'in the initial state only, not in every 1-step behaviour' : `in any behaviour up to ${plural(bfs.stats.depth, 'step')}`;
  const split = bfs.stats.breadthFirst?.split;
  const covered = `${upTo} (${plural(bfs.stats.states, 'state')}${split === undefined ? '' : `, shard ${split.index} of ${split.count}`}${roundsOf(bfs)})`;
  return random === null ? `${covered}; longer behaviours were not explored` : `${covered}; longer behaviours were sampled (${sampled}), not proven`;
}

/** Fewest-first search: how far its last round went, among the behaviours spending at most that round's budget. */
function roundsOf(r: Result): string {
  const rounds = (r as { rounds?: readonly { spent: number; depth: number }[] }).rounds;
  const last = rounds?.[rounds.length - 1];
  return last === undefined ? '' : `; those spending at most ${last.spent} of the budget up to ${plural(last.depth, 'step')}`;
}

/** What was checked, as the subject of the closing sentence. */
function checkedPhrase(model: AnyModel, checked: readonly string[]): string {
  return checked.length === model.invariants.length ? `the ${plural(checked.length, 'invariant')} checked` : checked.join(', ');
}

/** 'an' before a number read aloud with a vowel first (an 8-step, an 11-step, an 18-step behaviour), else 'a'. */
function article(n: number): 'a' | 'an' {
  return /^8/.test(String(n)) || n === 11 || n === 18 ? 'an' : 'a';
}

/**
 * The sentence a check ends with: the configuration in Kafka's terms, then the verdict with its
 * extent, e.g. `Kafka 4.1, rf 3, …: no invariant violated in any behaviour up to 8 steps (991,088
 * states); longer behaviours were sampled (74,193 random runs of up to 60 steps), not proven.`
 */
export function checkSummary(model: AnyModel, r: Result, checked: readonly string[], out?: string): string {
  const head = configPhrase(model);
  if (r.violations.length > 0) {
    // The first violation is the one whose trace `check --out` writes (breadth-first search finds them shortest first).
    const v = r.violations[0];
    const anomaly = model.invariants.find((i) => i.name === v.invariant)?.anomaly;
    const others = r.violations.length === 1 ? '' : ` (${plural(r.violations.length - 1, 'other invariant')} also fail)`;
    const status = shortestStatus(r, v);
    const length = status.shortest === 'not-certified' ? 'not certified shortest' : 'the shortest';
    const where = out === undefined ? '' : `; trace in ${out}`;
    return `${head}: ${v.invariant} fails${anomaly === undefined ? '' : ` (${anomaly})`} in ${article(v.length)} ${v.length}-step behaviour (${length}${where})${others}.`;
  }
  const subject = checkedPhrase(model, checked);
  return r.complete
    ? `${head}: ${subject} ${checked.length === 1 ? 'holds' : 'hold'} ${extentPhrase(r)}.`
    : `${head}: no violation of ${subject} found ${extentPhrase(r)}.`;
}
