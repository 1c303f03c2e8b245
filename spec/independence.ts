/**
 * Which of the cluster's steps are independent, for the engine's partial-order reduction: each
 * step's footprint, the parts of the state it reads and writes. Two steps whose footprints do not
 * clash commute and neither disables the other, so the engine may take them in one order only.
 *
 * The parts are each replica's slot, the controller, the ghost, the producer, the consumer, the
 * budgets (with the deposed controller's metadata) and each directed connection of the network
 * (spec/steps/footprint.ts names them); each step's definition in spec/steps/ gives its footprint.
 * The network is a set of FIFO connections kept in a canonical order (`enqueue` in cluster.ts), so
 * sends on different connections commute. A footprint over-approximates where the exact one would
 * cost more to compute than it saves: a broker that leads may change the ghost and propose an ISR
 * change on any step, and steps that stop or restart a broker touch everything.
 *
 * test/spec/independence.test.ts checks on reachable states of many configurations that every
 * part a step changes is in its footprint, and that steps declared independent commute, keep
 * each other enabled and are judged alike by every transition invariant and goal in either order.
 */
import { type ClusterAction, type StepName, deliveryOf, stepDefinition } from './actions.ts';
import type { Cluster, ClusterState } from './cluster.ts';
import { STEPS } from './steps/index.ts';
import { BUDGETS, CONTROLLER, Footprint, WORDS, lifecycle } from './steps/footprint.ts';

/** Every step name, in the order of the definitions: an action's key starts with its index here. */
const STEP_INDEX = new Map((Object.keys(STEPS) as StepName[]).map((name, i) => [name, i]));

/** An action as a number: its step, its broker, the other broker it names, and a value or a count kept (each below 256). */
export function actionKey(a: ClusterAction): number {
  const p = a as unknown as Record<string, number | undefined>;
  const other = p.from ?? p.leader ?? p.follower ?? p.replica ?? 0;
  const amount = p.value ?? p.keep ?? 0;
  if (amount > 255) throw new RangeError(`${a.step}: ${amount} is beyond what an action key holds`);
  return ((STEP_INDEX.get(a.step)! * 8 + (p.broker ?? 0)) * 8 + other) * 256 + amount;
}

/**
 * The footprints of the cluster's steps, in the shape the engine's partial-order reduction asks of
 * a model (`reduction.independence`, wired in properties/kafka-model.ts): a key per action, and per action and
 * state the parts it reads (writes included) at `out[at .. at + words)` and writes after them.
 */
export interface StepFootprints {
  readonly words: number;
  key(action: ClusterAction): number;
  footprint(state: ClusterState, action: ClusterAction, out: Uint32Array, at: number): void;
}

/**
 * The footprints of a cluster's steps (see the file comment). When late deliveries are counted
 * (`maxLateDeliveries`), whether a delivery is late depends on its sender's lifecycle and on the
 * controller's fencing (spec/steps/timing.ts), and a late one adds to the count, a budget.
 */
export function clusterIndependence(cl: Cluster): StepFootprints {
  const f = new Footprint(cl.rules.isrWrites === 'direct', cl.rules.producer.retries);
  const countsLate = cl.maxLateDeliveries !== null;
  return {
    words: WORDS,
    key: actionKey,
    footprint(s, a, out, at) {
      out.fill(0, at, at + 2 * WORDS);
      f.out = out;
      f.at = at;
      stepDefinition(a.step).footprint(f, s, a);
      const d = countsLate ? deliveryOf(a) : null;
      if (d !== null) f.reads(CONTROLLER | (d.from > 0 ? lifecycle(d.from) : 0)).writes(BUDGETS);
    },
  };
}
