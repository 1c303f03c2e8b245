/**
 * Scenario-guided search: the product of a model and a scenario, itself a `Model`, so every
 * engine searches it unchanged. A scenario is an ordered list of milestones; the product's state
 * is the model's state and how many milestones the behaviour has passed. While waiting for a
 * milestone only the steps it allows are enabled (any step of the model by default); the
 * invariants count only once every milestone is passed. Breadth-first search of the product so
 * returns the shortest behaviour that passes every milestone in order and then breaks an
 * invariant, and its steps are the model's own: the trace replays without the scenario.
 *
 * The engine never looks inside a model state here either: a milestone is a predicate the caller
 * supplies (the protocol's vocabulary lives with the model).
 */
import type { Action, Goal, Invariant, Model } from '../model.ts';

/**
 * A milestone met by one step (`step`: judged on the step `prev --action--> next`) or by a state
 * (`state`: judged on the state a step reaches, and on the initial state). A step passes at most
 * one step milestone; after it, the state milestones that follow in a row and hold in the state it
 * reached are passed too, so an observation of several facts at once can be written as several
 * milestones.
 */
export type Milestone<S, A extends Action> = StepMilestone<S, A> | StateMilestone<S, A>;

interface MilestoneCore<S, A extends Action> {
  /** What it waits for, in a few words, e.g. `leader is broker 2`. */
  readonly label: string;
  /** Optional: the only steps that may be taken while waiting for it (all the model's steps without). */
  allows?(state: S, action: A): boolean;
}

export interface StepMilestone<S, A extends Action> extends MilestoneCore<S, A> {
  readonly kind: 'step';
  reached(prev: S, action: A, next: S): boolean;
}

export interface StateMilestone<S, A extends Action> extends MilestoneCore<S, A> {
  readonly kind: 'state';
  holds(state: S): boolean;
}

export interface Scenario<S, A extends Action> {
  readonly milestones: readonly Milestone<S, A>[];
  /** Optional: the only steps that may be taken once every milestone is passed (all without). */
  allowsAfter?(state: S, action: A): boolean;
}

/** A state of the product: the model's state and the number of milestones passed so far. */
export interface ScenarioState<S> {
  readonly state: S;
  readonly passed: number;
}

/** The goal the product reaches on the step that passes milestone `k` (from 1): `milestone-k`. */
export const milestoneGoal = (k: number): string => `milestone-${k}`;

/** The number of milestones passed after `from` of them, on reaching `next` by `prev --action--> next` (no step: the initial state). */
function advance<S, A extends Action>(milestones: readonly Milestone<S, A>[], from: number, prev: S | undefined, action: A | undefined, next: S): number {
  let m = from;
  if (m < milestones.length && action !== undefined) {
    const ms = milestones[m];
    if (ms.kind === 'step' ? ms.reached(prev!, action, next) : ms.holds(next)) m++;
  }
  while (m < milestones.length) {
    const ms = milestones[m];
    if (ms.kind !== 'state' || !ms.holds(next)) break;
    m++;
  }
  return m;
}

/**
 * Where a behaviour (`states[0]` the initial state, `states[i + 1]` after `actions[i]`) passes each
 * milestone of `scenario`, in order: for each milestone passed, the number of steps taken when it
 * was (0: in the initial state). The steps a milestone allows are not asked: a behaviour found by
 * any search is judged by its milestones alone, which is how a find is told to be a known shape.
 */
export function milestonesAlong<S, A extends Action>(scenario: Scenario<S, A>, states: readonly S[], actions: readonly A[]): number[] {
  const ms = scenario.milestones;
  const at: number[] = [];
  let m = advance(ms, 0, undefined, undefined, states[0]);
  for (let k = 0; k < m; k++) at.push(0);
  for (let i = 0; i < actions.length && m < ms.length; i++) {
    const next = advance(ms, m, states[i], actions[i], states[i + 1]);
    for (let k = m; k < next; k++) at.push(i + 1);
    m = next;
  }
  return at;
}

/** The invariant `inv` of the model, judged on the product only once every milestone is passed. */
function afterLast<S>(inv: Invariant<S>, last: number): Invariant<ScenarioState<S>> {
  const { name, statement, requires, anomaly } = inv;
  const named = { name, statement, ...(requires === undefined ? {} : { requires }), ...(anomaly === undefined ? {} : { anomaly }) };
  if (inv.kind === 'state') return { ...named, kind: 'state', holds: (p) => p.passed < last || inv.holds(p.state) };
  return { ...named, kind: 'transition', holds: (p, n) => n.passed < last || inv.holds(p.state, n.state) };
}

/**
 * The product of `model` and `scenario`. Its actions are the model's; its fingerprint is the
 * model's with the number of milestones passed; its goals are the model's, and `milestone-k` for
 * each milestone (so coverage says how far a search got, and at which depth first). The
 * capabilities that read states (liveness, reduction, guidance, presentation) are left out:
 * a scenario is searched for safety, breadth-first.
 */
export function scenarioProduct<S, A extends Action>(model: Model<S, A>, scenario: Scenario<S, A>): Model<ScenarioState<S>, A> {
  const ms = scenario.milestones;
  const last = ms.length;
  const view = model.fingerprintView ?? ((s: S) => s);
  const inBounds = model.withinBounds;
  const goals: Goal<ScenarioState<S>, A>[] = [
    ...model.goals.map((g) => ({ name: g.name, statement: g.statement, reached: (p: ScenarioState<S>, a: A, n: ScenarioState<S>) => g.reached(p.state, a, n.state) })),
    ...ms.map((m, i) => ({
      name: milestoneGoal(i + 1),
      statement: `The behaviour passed milestone ${i + 1} (${m.label}).`,
      reached: (p: ScenarioState<S>, _a: A, n: ScenarioState<S>) => p.passed <= i && n.passed > i,
    })),
  ];
  return {
    name: model.name,
    initial: { state: model.initial, passed: advance(ms, 0, undefined, undefined, model.initial) },
    enabled: (p) => {
      const all = model.enabled(p.state);
      const allows = p.passed < last ? ms[p.passed].allows?.bind(ms[p.passed]) : scenario.allowsAfter?.bind(scenario);
      return allows === undefined ? all : all.filter((a) => allows(p.state, a));
    },
    step: (p, a) => {
      const next = model.step(p.state, a);
      return { state: next, passed: advance(ms, p.passed, p.state, a, next) };
    },
    ...(inBounds === undefined ? {} : { withinBounds: (p: ScenarioState<S>) => inBounds.call(model, p.state) }),
    describe: (a) => model.describe(a),
    summarize: (p) => `${model.summarize(p.state)}\nmilestones passed: ${p.passed} of ${last}`,
    fingerprintView: (p) => [p.passed, view(p.state)],
    invariants: model.invariants.map((inv) => afterLast(inv, last)),
    goals,
  };
}
