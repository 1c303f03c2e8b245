/**
 * Which of the cluster's steps are independent, for the engine's partial-order reduction: each
 * step's footprint, the parts of the state it reads and writes. Two steps whose footprints do not
 * clash commute and neither disables the other, so the engine may take them in one order only.
 *
 * The parts are each replica's slot, the controller, the ghost, the producer, the consumer, the
 * budgets (with the deposed controller's metadata) and each directed connection of the network.
 * The network is a set of FIFO connections kept in a canonical order (`enqueue` in cluster.ts), so
 * sends on different connections commute. A footprint over-approximates where the exact one would
 * cost more to compute than it saves: a broker that leads may change the ghost and propose an ISR
 * change on any step, and steps that stop or restart a broker touch everything.
 *
 * test/spec/independence.test.ts checks on reachable states of many configurations that every
 * part a step changes is in its footprint, and that steps declared independent commute, keep
 * each other enabled and are judged alike by every transition invariant and goal in either order.
 */
import type { ClusterAction, StepName } from './actions.ts';
import type { Cluster, ClusterState } from './cluster.ts';
import type { BrokerId } from './types.ts';

/** Words per mask: the parts below, then one bit per connection (sender × 6 + receiver). */
const WORDS = 3;
/** A replica's log, HW, fetch state, ISR view, …: everything in its slot but its lifecycle. */
const context = (b: BrokerId): number => 1 << (b - 1);
/**
 * A replica's role and incarnation, which only metadata, crashes, shutdowns and restarts change
 * (the replica machine's only transitions to another state). Other brokers' steps read it: a
 * follower fetches only from a running leader, and a message reaches only the incarnation that
 * asked for it.
 */
const lifecycle = (b: BrokerId): number => 1 << (4 + b);
const slot = (b: BrokerId): number => context(b) | lifecycle(b);
const CONTROLLER = 1 << 10;
const GHOST = 1 << 11;
const PRODUCER = 1 << 12;
const CONSUMER = 1 << 13;
const BUDGETS = 1 << 14;
const ALL = 0xffffffff;

/** Every step name, in a fixed order: an action's key starts with its index here. */
const STEPS: readonly StepName[] = [
  'ProducerSend', 'ConsumerFetch', 'ConsumerRefreshMetadata', 'ConsumerValidatePosition', 'LeaderSelectReadReplica',
  'ConsumerExpireReadReplica', 'FollowerFetch', 'LeaderHandleFetch', 'FollowerHandleFetchResponse', 'LeaderHandleEpochQuery',
  'FollowerHandleEpochResponse', 'NetworkLoseFetchRequest', 'NetworkLoseFetchResponse', 'LeaderShrinkIsr',
  'ControllerHandleAlterPartition', 'LeaderHandleAlterPartitionResponse', 'BrokerApplyMetadata', 'BrokerCrash',
  'BrokerLossyCrash', 'BrokerRestart', 'BrokerFailPermanently', 'ControllerFenceBroker', 'ControllerUnfenceBroker',
  'ControllerElectPreferredLeader', 'BrokerControlledShutdown', 'BrokerCheckpointHw', 'ControllerFailover',
  'DeposedControllerSendMetadata',
];
const STEP_INDEX = new Map(STEPS.map((name, i) => [name, i]));

/** An action as a number: its step, its broker, the other broker it names, and a value or a count kept (each below 256). */
export function actionKey(a: ClusterAction): number {
  const p = a as unknown as Record<string, number | undefined>;
  const other = p.from ?? p.leader ?? p.follower ?? p.replica ?? 0;
  const amount = p.value ?? p.keep ?? 0;
  if (amount > 255) throw new RangeError(`${a.step}: ${amount} is beyond what an action key holds`);
  return ((STEP_INDEX.get(a.step)! * 8 + (p.broker ?? 0)) * 8 + other) * 256 + amount;
}

/** Builds one footprint in place: reads at out[at..at+WORDS), writes at out[at+WORDS..at+2×WORDS). */
class Footprint {
  out!: Uint32Array;
  at = 0;

  constructor(private readonly direct: boolean) {}

  reads(parts: number): this {
    this.out[this.at] |= parts;
    return this;
  }

  writes(parts: number): this {
    this.out[this.at] |= parts;
    this.out[this.at + WORDS] |= parts;
    return this;
  }

  /** The connection from `from` to `to` (0: the controller), read and written. */
  link(from: number, to: number): this {
    const bit = from * 6 + to;
    const word = this.at + 1 + (bit >>> 5);
    this.out[word] |= 1 << (bit & 31);
    this.out[word + WORDS] |= 1 << (bit & 31);
    return this;
  }

  /**
   * What a step of broker `b`'s replica machine may touch besides its slot when the broker leads:
   * the ghost (its HW exposes records, acks name the producer's next value) and an ISR proposal,
   * which before KIP-497 the controller handles within the step.
   */
  leading(b: BrokerId): this {
    this.writes(context(b) | GHOST).reads(lifecycle(b) | PRODUCER).link(b, 0);
    return this.direct ? this.writes(CONTROLLER | BUDGETS) : this;
  }

  /** A controller step: the controller, the budgets its elections spend, the ghost the election goals read. */
  controller(): this {
    return this.writes(CONTROLLER | BUDGETS).reads(GHOST);
  }

  everything(): this {
    this.out.fill(ALL, this.at, this.at + 2 * WORDS);
    return this;
  }
}

/**
 * The footprints of the cluster's steps, in the shape the engine's partial-order reduction asks of
 * a model (`independence`, wired in properties/kafka-model.ts): a key per action, and per action and
 * state the parts it reads (writes included) at `out[at .. at + words)` and writes after them.
 */
export interface StepFootprints {
  readonly words: number;
  key(action: ClusterAction): number;
  footprint(state: ClusterState, action: ClusterAction, out: Uint32Array, at: number): void;
}

/** The footprints of a cluster's steps (see the file comment). */
export function clusterIndependence(cl: Cluster): StepFootprints {
  const f = new Footprint(cl.rules.isrWrites === 'direct');
  const leads = (s: ClusterState, b: BrokerId) => s.replicas[b - 1].role === 'leader';
  /** A step of broker `b`'s machine, with what it may do as a leader when it leads now or may be made one. */
  const onReplica = (s: ClusterState, b: BrokerId, mayLead = leads(s, b)) =>
    (mayLead ? f.leading(b) : f.writes(context(b)).reads(lifecycle(b)));
  /** Metadata naming `b` leader may make it one; any metadata may change its role. */
  const onMetadata = (s: ClusterState, b: BrokerId, leader: BrokerId) => onReplica(s, b, leads(s, b) || leader === b).writes(lifecycle(b));
  return {
    words: WORDS,
    key: actionKey,
    footprint(s, a, out, at) {
      out.fill(0, at, at + 2 * WORDS);
      f.out = out;
      f.at = at;
      switch (a.step) {
        case 'ProducerSend':
          // The controller is read for the goal that asks whether a deposed leader appended.
          onReplica(s, a.broker, true).writes(PRODUCER).reads(CONTROLLER);
          return;
        case 'ConsumerFetch':
        case 'ConsumerRefreshMetadata':
        case 'ConsumerValidatePosition':
        case 'ConsumerExpireReadReplica':
        case 'LeaderSelectReadReplica':
          f.writes(CONSUMER | GHOST).reads(slot(a.broker));
          return;
        case 'FollowerFetch': {
          const leader = s.replicas[a.broker - 1].context.leader;
          onReplica(s, a.broker);
          if (leader > 0) f.reads(lifecycle(leader)).link(a.broker, leader);
          return;
        }
        case 'LeaderHandleFetch':
        case 'LeaderHandleEpochQuery':
          onReplica(s, a.broker).reads(lifecycle(a.from)).link(a.from, a.broker).link(a.broker, a.from);
          return;
        case 'FollowerHandleFetchResponse':
        case 'FollowerHandleEpochResponse':
          onReplica(s, a.broker).link(a.from, a.broker);
          return;
        case 'NetworkLoseFetchRequest':
          onReplica(s, a.from).writes(BUDGETS).link(a.from, a.broker);
          return;
        case 'NetworkLoseFetchResponse':
          onReplica(s, a.broker).writes(BUDGETS).link(a.leader, a.broker);
          return;
        case 'LeaderShrinkIsr':
          onReplica(s, a.broker).reads(lifecycle(a.follower)).writes(BUDGETS);
          return;
        case 'ControllerHandleAlterPartition':
          f.controller().reads(lifecycle(a.leader)).link(a.leader, 0).link(0, a.leader);
          return;
        case 'LeaderHandleAlterPartitionResponse':
          onReplica(s, a.broker).link(0, a.broker);
          return;
        case 'BrokerApplyMetadata':
          onMetadata(s, a.broker, s.controller.registration.leader).reads(CONTROLLER);
          return;
        case 'DeposedControllerSendMetadata':
          onMetadata(s, a.broker, s.deposed!.image.registration.leader).reads(BUDGETS);
          return;
        case 'BrokerCheckpointHw':
          onReplica(s, a.broker);
          return;
        case 'ControllerFenceBroker':
        case 'ControllerUnfenceBroker':
          f.controller().reads(lifecycle(a.broker));
          return;
        case 'ControllerElectPreferredLeader':
        case 'ControllerFailover':
          f.controller();
          return;
        case 'BrokerCrash':
        case 'BrokerLossyCrash':
        case 'BrokerRestart':
        case 'BrokerFailPermanently':
        case 'BrokerControlledShutdown':
          f.everything();
          return;
      }
    },
  };
}
