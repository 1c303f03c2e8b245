/**
 * The cluster's actions: every step that can happen next, named in Kafka's words, with the
 * parameters that say who does it. A trace is a list of these, so it explains itself and replays
 * anywhere. Each kind of step is defined once in spec/steps/; this file derives from the
 * definitions the action union, the enumeration (`enumerateActions`, the enabled actions in a
 * fixed order, where the fault budgets are read), `describeAction`, `stepKinds`, and `DELIVERIES`,
 * the table of the steps that take a message off the network.
 */
import type { Bounds } from './config.ts';
import type { MessageKind } from './types.ts';
import type { Cluster, ClusterState } from './cluster.ts';
import type { Rules } from './rules.ts';
import { type ClusterAction, type StepName, STEPS } from './steps/index.ts';
import { type Connection, type Delivery, type Enabled, type Reasons, type StepDefinition, connectionOf } from './steps/define.ts';

export type { ClusterAction, StepName } from './steps/index.ts';
export type { Delivery } from './steps/define.ts';

/**
 * The definitions as the derived tables call them: on any action. Each is only ever handed its
 * own step's actions, since every table looks the definition up by `a.step`.
 */
const steps = STEPS as unknown as Readonly<Record<StepName, StepDefinition<ClusterAction>>>;
const NAMES = Object.keys(STEPS) as StepName[];

/**
 * The order in which the enumeration asks the steps, as passes over the state: each broker's own
 * steps and the controller's steps about it; the controller's steps about the partition; the
 * consumer's requests to each broker, and its own step; then each connection's oldest message,
 * offered to the delivery steps of its kind. Every step is in exactly one pass (the type checker
 * refuses a step left out; test/spec/steps.test.ts checks each is asked as its definition says).
 */
export const ENUMERATION = [
  {
    each: 'broker',
    steps: [
      'BrokerRestart', 'ProducerSend', 'ProducerRetry', 'FollowerFetch', 'LeaderShrinkIsr', 'BrokerApplyMetadata', 'BrokerCrash', 'BrokerLossyCrash',
      'ControllerFenceBroker', 'ControllerUnfenceBroker', 'BrokerControlledShutdown', 'BrokerFailPermanently', 'BrokerCheckpointHw',
      'DeposedControllerSendMetadata',
    ],
  },
  { each: 'state', steps: ['ControllerElectPreferredLeader', 'ControllerFailover', 'AdminAlterMinIsr'] },
  { each: 'broker', steps: ['ConsumerFetch', 'ConsumerRefreshMetadata', 'ConsumerValidatePosition', 'LeaderSelectReadReplica'] },
  { each: 'state', steps: ['ConsumerExpireReadReplica'] },
  {
    each: 'message',
    steps: [
      'LeaderHandleFetch', 'FollowerHandleFetchResponse', 'LeaderHandleEpochQuery', 'FollowerHandleEpochResponse', 'NetworkLoseFetchRequest',
      'NetworkLoseFetchResponse', 'ControllerHandleAlterPartition', 'LeaderHandleAlterPartitionResponse',
    ],
  },
] as const satisfies readonly { readonly each: Enabled<ClusterAction>['each']; readonly steps: readonly StepName[] }[];

type Unordered = Exclude<StepName, (typeof ENUMERATION)[number]['steps'][number]>;
/** Every step is in a pass of the enumeration: a step missing from `ENUMERATION` is a type error here. */
export const EVERY_STEP_ENUMERATED: [Unordered] extends [never] ? true : Unordered = true;

type ByBroker = Extract<Enabled<ClusterAction>, { each: 'broker' }>;
type ByState = Extract<Enabled<ClusterAction>, { each: 'state' }>;

/** The passes over brokers and over the state, with each step's enumeration looked up once. */
const PASSES = ENUMERATION.flatMap((p) => {
  if (p.each === 'message') return [];
  const enabled = p.steps.map((name) => {
    const e = steps[name].enabled;
    if (e.each !== p.each) throw new Error(`${name} is enumerated for each ${e.each}, not in a pass over each ${p.each}`);
    return e;
  });
  return [p.each === 'broker' ? { each: 'broker' as const, enabled: enabled as ByBroker[] } : { each: 'state' as const, enabled: enabled as ByState[] }];
});

/** The delivery steps, in the order they are offered a message. */
const MESSAGE_PASS = ENUMERATION[ENUMERATION.length - 1].steps;
type MessageStep = (typeof MESSAGE_PASS)[number];

/** Every delivery step, keyed by name: what it takes off the network and how. */
export const DELIVERIES: Readonly<Record<MessageStep, Delivery>> = Object.fromEntries(MESSAGE_PASS.map((name) => {
  const e = steps[name].enabled;
  if (e.each !== 'message') throw new Error(`${name} is not a delivery, offered messages`);
  return [name, e.delivery];
})) as Record<MessageStep, Delivery>;

/** A delivery step as the enumeration offers it a message: its delivery and how its action is built. */
interface Offer {
  readonly delivery: Delivery;
  /** The step's action for a message from `from` to `to`: its name, then the receiver, then the sender. */
  readonly action: (to: number, from: number) => ClusterAction;
}

/**
 * The action of delivery step `step`, written as one literal per pair of parameter names, so
 * every action of a step is built with the same keys in the same order (the step's name, the
 * receiver when it is a broker, the sender).
 */
function actionOf(step: string, d: Delivery): Offer['action'] {
  const made: (to: number, from: number) => object = d.receiver === null
    ? (d.sender === 'from' ? (_to, from) => ({ step, from }) : (_to, from) => ({ step, leader: from }))
    : (d.sender === 'from' ? (to, from) => ({ step, broker: to, from }) : (to, from) => ({ step, broker: to, leader: from }));
  return made as Offer['action'];
}

/** The delivery steps of each kind of message, in the order they are enumerated for one message. */
const BY_KIND = new Map<MessageKind, Offer[]>();
for (const name of MESSAGE_PASS) {
  const d = DELIVERIES[name];
  BY_KIND.set(d.kind, [...(BY_KIND.get(d.kind) ?? []), { delivery: d, action: actionOf(name, d) }]);
}
const NO_OFFERS: readonly Offer[] = [];

/** A delivery step's message kind and connection, or null for a step that is not a delivery. */
export function deliveryOf(a: ClusterAction): Connection | null {
  const d: Delivery | undefined = (DELIVERIES as Record<string, Delivery>)[a.step];
  return d === undefined ? null : connectionOf(d, a);
}

/** The enabled actions of state `s`, in a fixed order (the passes of `ENUMERATION`). */
export function enumerateActions(cl: Cluster, s: ClusterState): ClusterAction[] {
  const out: ClusterAction[] = [];
  const replicas = cl.rules.replicas;
  for (let p = 0; p < PASSES.length; p++) {
    const pass = PASSES[p];
    if (pass.each === 'state') for (let i = 0; i < pass.enabled.length; i++) pass.enabled[i].actions(cl, s, out);
    else for (let r = 0; r < replicas.length; r++) for (let i = 0; i < pass.enabled.length; i++) pass.enabled[i].actions(cl, s, replicas[r], out);
  }
  networkActions(cl, s, out);
  return out;
}

/**
 * One delivery per connection (its oldest message), and its loss where a budget allows. The
 * network is sorted by connection (`enqueue` in cluster.ts), so a connection's oldest message is
 * the one after a message of another connection.
 */
function networkActions(cl: Cluster, s: ClusterState, out: ClusterAction[]): void {
  for (let i = 0; i < s.network.length; i++) {
    const m = s.network[i];
    const before = i > 0 ? s.network[i - 1] : undefined;
    if (before !== undefined && before.kind === m.kind && before.from === m.from && before.to === m.to) continue;
    const offers = BY_KIND.get(m.kind) ?? NO_OFFERS;
    for (let j = 0; j < offers.length; j++) {
      const d = offers[j].delivery;
      if (d.budget !== null && s.spent.messageLosses >= cl.bounds[d.budget]) continue;
      out.push(offers[j].action(m.to, m.from));
    }
  }
}

/** One line for people. */
export function describeAction(a: ClusterAction): string {
  return steps[a.step].describe(a);
}

/** Why step `a` is a late delivery in state `s` (spec/steps/timing.ts), or null when it is on time. */
export function lateReason(s: ClusterState, a: ClusterAction): string | null {
  return steps[a.step].late(s, a);
}

/** The definition of step `name`, as the tables derived in other files call it (on any action). */
export function stepDefinition(name: StepName): StepDefinition<ClusterAction> {
  return steps[name];
}

/**
 * Whether no leader epoch with a leader can follow the first one: no election and no leader move in
 * the bounds, and no controller that bumps the epoch on an ISR shrink (M3). Then the consumer never
 * learns a new leader epoch (C5).
 */
export function leaderEpochFixed(k: Rules, c: Bounds): boolean {
  return c.maxLeaderChanges === 0 && c.maxLeaderMoves === 0 && !k.controller.shrinkBumpsLeaderEpoch;
}

/**
 * Every kind of step, with the reason a configuration rules it out (null when it can happen), so
 * a report can tell a step that exploration never took from one that cannot be taken at all.
 */
export function stepKinds(k: Rules, c: Bounds, permanentFailures = 0): Record<StepName, string | null> {
  const noFollowers = k.replicas.length === 1 ? 'replication factor 1: no followers' : null;
  const why: Reasons = {
    rules: k,
    bounds: c,
    permanentFailures,
    noFollowers,
    noLoss: c.maxMessageLosses === 0 ? 'no lost fetch messages in the bounds' : null,
    noCrash: c.maxCrashes === 0 ? 'no crash in the bounds' : null,
    noConsumer: k.consumer.enabled ? null : 'no consumer',
    noNewEpoch: leaderEpochFixed(k, c) ? 'no leader-epoch change in the bounds' : null,
    retries: k.producer.retries,
  };
  return Object.fromEntries(NAMES.map((name) => [name, steps[name].ruledOut(why)])) as Record<StepName, string | null>;
}
