/**
 * What defining a kind of step takes. Every part is required, so the type checker refuses a step
 * that lacks one: its parameters (the action type), when it is enabled, what it does, how it reads,
 * its fairness, its footprint, its picture, what it did in Kafka's words, and why a configuration
 * rules it out, and whether it is a late delivery. The tables the
 * rest of the model reads (the action union, the enumeration, `describeAction`, `stepKinds`,
 * `fairnessOf`, the footprints, the pictures) are derived from the definitions in `index.ts`.
 *
 * A step that takes a message off the network is defined with `delivers` or `loses`, which give
 * its enumeration, its effect, its fairness, its picture and its headline from the message it takes.
 */
import type { Bounds } from '../config.ts';
import type { Cluster, ClusterState } from '../cluster.ts';
import type { Fairness } from '../fairness.ts';
import type { Rules } from '../rules.ts';
import type { BrokerId, Message, MessageKind } from '../types.ts';
import { formatMessage } from '../summary.ts';
import { lifeline, says, who } from '../words.ts';
import type { Footprint } from './footprint.ts';

/** An action: the step's name and the parameters that say who takes it. */
export interface Named {
  readonly step: string;
}

/** What a sequence diagram shows of one step: messages between participants, and notes. */
export interface StepPicture {
  readonly arrows: readonly { readonly from: string; readonly to: string; readonly label: string }[];
  readonly notes: readonly { readonly over: string; readonly text: string }[];
}

/** The budget a delivery step spends, if any. */
type DeliveryBudget = 'maxMessageLosses' | null;

/**
 * A step that takes the oldest message of a connection off the network: its kind, the action
 * parameter naming the receiver (none for the controller) and the sender, and whether the
 * network loses the message instead of delivering it (which spends a budget).
 */
export interface Delivery {
  readonly kind: MessageKind;
  readonly receiver: 'broker' | null;
  readonly sender: 'from' | 'leader';
  readonly lost: boolean;
  readonly budget: DeliveryBudget;
}

/** A delivery with the connection it takes a message from (`to` 0: the controller). */
export type Connection = Delivery & { readonly from: number; readonly to: number };

/**
 * When a step is enabled, as the enumeration asks: for each broker, once per state, or (for a
 * delivery) for each connection's oldest message of its kind. `actions` appends the enabled
 * actions to `out` in a fixed order; `index.ts` says in which order the steps are asked.
 */
export type Enabled<A extends Named> =
  | { readonly each: 'broker'; actions(cl: Cluster, s: ClusterState, b: BrokerId, out: A[]): void }
  | { readonly each: 'state'; actions(cl: Cluster, s: ClusterState, out: A[]): void }
  | { readonly each: 'message'; readonly delivery: Delivery };

/** The reasons several steps share for being ruled out, computed once per configuration (null: no such reason). */
export interface Reasons {
  readonly rules: Rules;
  readonly bounds: Bounds;
  readonly permanentFailures: number;
  readonly noFollowers: string | null;
  readonly noLoss: string | null;
  readonly noCrash: string | null;
  readonly noConsumer: string | null;
  readonly noNewEpoch: string | null;
  /** Whether the producer may resend (P8). */
  readonly retries: boolean;
}

/** One kind of step, defined once. */
export interface StepDefinition<A extends Named> {
  readonly enabled: Enabled<A>;
  /** The cluster step: a pure function of (state, action), through the helpers of `Cluster`. */
  readonly apply: (cl: Cluster, s: ClusterState, a: A) => ClusterState;
  /** One line for people. */
  readonly describe: (a: A) => string;
  /** A fault, weakly fair, or neither (spec/fairness.ts); a function where it depends on the state. */
  readonly fairness: Fairness | ((s: ClusterState, a: A) => Fairness);
  /** The parts of the state the step reads and writes (spec/independence.ts). */
  readonly footprint: (f: Footprint, s: ClusterState, a: A) => void;
  /** How the step shows in a sequence diagram. */
  readonly picture: (prev: ClusterState, a: A, next: ClusterState) => StepPicture;
  /**
   * What the one who acts did, in Kafka's words, read from the states before and after: the first
   * line of the step's narration (spec/narrate.ts adds what followed from it), or null when what
   * followed says it all (a fetch sent, say).
   */
  readonly tell: (before: ClusterState, a: A, after: ClusterState) => string | null;
  /** Why a configuration rules the step out, or null when it can happen. */
  readonly ruledOut: (why: Reasons) => string | null;
  /**
   * Why taking the step now is a late delivery (spec/steps/timing.ts, W1-W6): a message handled
   * after a restart or session expiry that ended its sender; null when the step is on time. Read
   * from the state before the step, so a trace's count is a pure function of the trace.
   */
  readonly late: (before: ClusterState, a: A) => string | null;
}

/** A step definition whose action type is `A`; a missing part is a type error. */
export function defineStep<A extends Named>(definition: StepDefinition<A>): StepDefinition<A> {
  return definition;
}

/** The index of the oldest message on connection `d` (-1 when there is none): the one a delivery takes. */
export function oldestOn(network: readonly Message[], d: Connection): number {
  for (let i = 0; i < network.length; i++) {
    const m = network[i];
    if (m.from === d.from && m.to === d.to && m.kind === d.kind) return i;
  }
  return -1;
}

/** The oldest message on connection `d`, or undefined. */
export function oldestMessage(network: readonly Message[], d: Connection): Message | undefined {
  const i = oldestOn(network, d);
  return i < 0 ? undefined : network[i];
}

/** The connection a delivery action takes its message from. */
export function connectionOf(d: Delivery, a: Named): Connection {
  const params = a as unknown as Record<string, number>;
  const to = d.receiver === null ? 0 : params[d.receiver];
  // The delivery's fields written out rather than spread: one object shape for every connection.
  return { kind: d.kind, receiver: d.receiver, sender: d.sender, lost: d.lost, budget: d.budget, from: params[d.sender], to };
}

/** The picture of a local step: a note naming it over the broker that takes it, or the controller. */
export function noteOfStep(_prev: ClusterState, a: Named): StepPicture {
  const who = 'broker' in a ? `b${(a as { broker: number }).broker}` : 'controller';
  return { arrows: [], notes: [{ over: who, text: a.step }] };
}

type DeliveryParts<A extends Named> = Pick<StepDefinition<A>, 'enabled' | 'apply' | 'fairness' | 'picture' | 'tell'>;

/** The headline of a delivery or a loss: who handles, receives or loses whose message, and what it says. */
function tellDelivery(delivery: Delivery): (before: ClusterState, a: Named) => string {
  return (before, a) => {
    const d = connectionOf(delivery, a);
    const m = oldestMessage(before.network, d);
    const what = m === undefined ? d.kind : says(m);
    if (d.lost) return `the network loses ${who(d.from)}'s ${what} to ${who(d.to)}`;
    return d.kind.endsWith('Response') ? `${who(d.to)} receives ${who(d.from)}'s answer: ${what}` : `${who(d.to)} handles ${who(d.from)}'s ${what}`;
  };
}

/** A step that hands the oldest message of a connection to its receiver: weakly fair, an arrow from sender to receiver. */
export function delivers<A extends Named>(
  kind: MessageKind, receiver: Delivery['receiver'] = 'broker', sender: Delivery['sender'] = 'from',
): DeliveryParts<A> {
  const delivery: Delivery = { kind, receiver, sender, lost: false, budget: null };
  return {
    enabled: { each: 'message', delivery },
    apply: (cl, s, a) => cl.deliver(s, connectionOf(delivery, a)),
    fairness: 'fair',
    picture(prev, a) {
      const d = connectionOf(delivery, a);
      const m = oldestMessage(prev.network, d);
      return { arrows: [{ from: lifeline(d.from), to: lifeline(d.to), label: m ? formatMessage(m) : d.kind }], notes: [] };
    },
    tell: tellDelivery(delivery),
  };
}

/** A step in which the network loses the oldest message of a connection: a fault that spends the loss budget. */
export function loses<A extends Named>(kind: MessageKind, sender: Delivery['sender']): DeliveryParts<A> {
  const delivery: Delivery = { kind, receiver: 'broker', sender, lost: true, budget: 'maxMessageLosses' };
  return {
    enabled: { each: 'message', delivery },
    apply: (cl, s, a) => cl.deliver(s, connectionOf(delivery, a)),
    fairness: 'fault',
    picture: noteOfStep,
    tell: tellDelivery(delivery),
  };
}

/** Whether broker `b` is up (its replica is not offline). */
export function running(s: ClusterState, b: BrokerId): boolean {
  return s.replicas[b - 1].role !== 'offline';
}
