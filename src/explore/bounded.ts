/**
 * Fewest-first bounded search (after CHESS's iterative context bounding): breadth-first search
 * over the behaviours that spend at most k of one budget the model declares (`Model.guidance.budgets`,
 * e.g. leader changes), for k = 0, 1, 2, … up to the budget's limit. A counterexample that needs
 * little of the budget is found in the graph of the behaviours spending at most that much, and
 * it comes with two facts:
 *
 * - it spends the fewest units of the budget any counterexample of its invariant spends, when
 *   every earlier round finished (nothing spending less violates the invariant within the
 *   model's other bounds and the depth bound);
 * - among the counterexamples spending at most that much, it is a shortest one.
 *
 * It is a shortest counterexample overall only when found in the round at the budget's limit
 * (that round is the full graph), and is marked `certifiedMinimal` then.
 *
 * Spending must never decrease along a step (see `Budget`): then a behaviour spends at most k
 * exactly when its every state does, so round k is plain breadth-first search with the cap
 * `spent(s) <= k` added to the model's bounds, and the rounds' graphs nest. Each round explores again what
 * the round before did; that costs at most the sum of the rounds' sizes.
 */
import type { Action, Model } from '../model.ts';
import { refusal } from './compose.ts';
import { type ExhaustiveOptions, exploreExhaustive } from './exhaustive.ts';
import { type Coverage, type ExploreResult, type StopReason, type Violation, searchVerdict, selectInvariants } from './result.ts';

export interface BoundedOptions extends ExhaustiveOptions {
  /** The budget to bound, by its name in `model.guidance.budgets`. */
  readonly budget: string;
}

/** One round of the bounded search: all behaviours spending at most `spent`. */
export interface BoundedRound {
  readonly spent: number;
  readonly states: number;
  readonly depth: number;
  readonly stopReason: StopReason;
  /** The invariants this round found violated. */
  readonly violations: readonly string[];
}

/** Thrown for a budget the model does not declare; the message is one line. */
export class UnknownBudgetError extends Error {
  override name = 'UnknownBudgetError';
}

/** The named budget of the model, or an error naming those it has. */
export function budgetOf<S, A extends Action>(model: Model<S, A>, name: string) {
  const budget = model.guidance?.budgets?.[name];
  if (budget === undefined) {
    const known = Object.keys(model.guidance?.budgets ?? {});
    throw new UnknownBudgetError(`unknown budget '${name}' (${known.length === 0 ? 'the model declares none' : `known: ${known.join(', ')}`})`);
  }
  if (budget.unavailable !== undefined) throw new UnknownBudgetError(`budget '${name}' ${budget.unavailable}`);
  return budget;
}

/**
 * Rounds of breadth-first search with the budget raised by one each time, on the invariants
 * not yet violated, until every invariant failed, a round stopped at a limit (time, states,
 * memory), the first violation (`stopAtFirst`), or the round at the budget's limit ended.
 */
export function exploreBounded<S, A extends Action>(model: Model<S, A>, options: BoundedOptions): ExploreResult<A> & { readonly rounds: BoundedRound[] } {
  const started = Date.now();
  const refused = refusal('fewest-first', { threads: (options.workers ?? 1) > 1, shards: options.shard !== undefined });
  if (refused !== null) throw new Error(refused);
  const budget = budgetOf(model, options.budget);
  let standing = selectInvariants(model, options.invariants).map((i) => i.name);
  const violations: Violation<A>[] = [];
  const rounds: BoundedRound[] = [];
  const results: ExploreResult<A>[] = [];
  let everyRoundFinished = true;
  // With nothing to check, one round at the limit: the plain search, for its coverage.
  for (let k = standing.length === 0 ? budget.limit : 0; k <= budget.limit && (standing.length > 0 || rounds.length === 0); k++) {
    const remaining = options.timeLimitMs === undefined ? undefined : Math.max(0, options.timeLimitMs - (Date.now() - started));
    const r = exploreExhaustive(model, { ...options, cap: { budget: options.budget, spent: k }, invariants: standing, timeLimitMs: remaining });
    const finished = r.stopReason === 'exhausted' || r.stopReason === 'depth' || (r.stopReason === 'violation' && r.violations.length === standing.length);
    for (const v of r.violations) {
      violations.push({ ...v, certifiedMinimal: k === budget.limit, fewest: { budget: options.budget, spent: k, proven: everyRoundFinished } });
    }
    rounds.push({ spent: k, states: r.stats.states, depth: r.stats.depth, stopReason: r.stopReason, violations: r.violations.map((v) => v.invariant) });
    results.push(r);
    standing = standing.filter((n) => !r.violations.some((v) => v.invariant === n));
    everyRoundFinished &&= finished;
    if (!finished || (options.stopAtFirst === true && r.violations.length > 0)) break;
  }
  const last = results[results.length - 1];
  const atLimit = rounds[rounds.length - 1].spent === budget.limit;
  const complete = atLimit && last.complete;
  return {
    verdict: searchVerdict(violations, complete),
    complete,
    violations,
    stats: {
      ...last.stats, transitions: results.reduce((sum, r) => sum + r.stats.transitions, 0), elapsedMs: Date.now() - started,
      // All behaviours of the whole graph: up to where the last round's cap first left a state out.
      depth: Math.min(last.stats.depth, (last.stats.breadthFirst?.capCut ?? Infinity) - 1),
    },
    coverage: widestCoverage(results.map((r) => r.coverage)),
    stopReason: violations.length > 0 && (standing.length === 0 || options.stopAtFirst === true) ? 'violation' : last.stopReason,
    rounds,
  };
}

/**
 * The coverage of nested rounds: the widest round's transitions by kind and goal counts, and
 * each goal's earliest depth over every round (a later round that stopped early may not have
 * reached the depth an earlier one did).
 */
function widestCoverage(coverages: readonly Coverage[]): Coverage {
  const widest = coverages[coverages.length - 1];
  const goals: Coverage['goals'] = {};
  for (const [name, g] of Object.entries(widest.goals)) {
    const depths = coverages.map((c) => c.goals[name]?.firstDepth).filter((d): d is number => d !== null && d !== undefined);
    const count = Math.max(...coverages.map((c) => c.goals[name]?.count ?? 0));
    goals[name] = { count, firstDepth: depths.length === 0 ? g.firstDepth : Math.min(...depths) };
  }
  return { goals, steps: widest.steps };
}
