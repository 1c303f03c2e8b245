/**
 * The Kafka cluster: replica machines, the controller machine, a producer, a consumer and the
 * network between them, composed into one state whose steps are pure functions of
 * (state, action). Actions are named in Kafka's words (`FollowerFetch`, `LeaderHandleFetch`,
 * `ControllerFenceBroker`, …); each one hands one event to one machine and delivers what that
 * machine emits. The network is a bag of messages, FIFO per (kind, sender, receiver) like a TCP
 * connection; a crashed broker's inbound messages are lost with its connections (their senders'
 * fetches time out), and responses never reach a later incarnation of the requester.
 *
 * The machines are stepped through reducers compiled from their own xstate definitions
 * (xstate/compile.ts), which a differential property test checks against xstate's `transition`.
 */
import type { ClusterConfig } from './config.ts';
import { brokers } from './config.ts';
import type { BrokerId, FetchRequest, FetchResponse, Message, MessageKind, Outgoing } from './types.ts';
import { type ReplicaContext, EMPTY_OUTBOX, leo } from './replica-context.ts';
import { type ReplicaEvent, type ReplicaRole, type SendEvent, createReplicaMachine } from './replica.ts';
import { type ControllerContext, type ControllerEvent, createControllerMachine, imageOf } from './controller.ts';
import { type Ghost, EMPTY_GHOST, exposeHighWatermark, recordAck } from './ghost.ts';
import { compileMachine } from './xstate/compile.ts';
import { type ClusterAction, enumerateActions } from './actions.ts';
import { consumerFetch } from './client.ts';

export interface ReplicaSlot {
  readonly role: ReplicaRole;
  readonly context: ReplicaContext;
}

/** Fault budgets spent so far (the bounds are in the configuration). */
export interface Spent {
  readonly crashes: number;
  readonly lossyCrashes: number;
  readonly heartbeatLosses: number;
  readonly messageLosses: number;
}

export interface ClusterState {
  /** Index broker-1. */
  readonly replicas: readonly ReplicaSlot[];
  readonly controller: ControllerContext;
  readonly network: readonly Message[];
  /** The next value the producer sends (1, 2, …). */
  readonly nextValue: number;
  /** The consumer's fetch position, or -1 without a consumer. */
  readonly consumerPosition: number;
  readonly spent: Spent;
  readonly ghost: Ghost;
}

/** The Kafka instance of one configuration: machines compiled once, steps as pure functions. */
export class Cluster {
  readonly replica;
  readonly controllerMachine;
  readonly initial: ClusterState;

  constructor(readonly config: ClusterConfig) {
    this.replica = compileMachine(createReplicaMachine(config), { assignReturnsWholeContext: true });
    this.controllerMachine = compileMachine(createControllerMachine(config), { assignReturnsWholeContext: true });
    this.initial = this.start();
  }

  /** Broker 1 leads at epoch 0; every broker has replayed the first metadata image. */
  private start(): ClusterState {
    const controller = this.controllerMachine.initial(undefined).context as ControllerContext;
    const blank: ClusterState = {
      replicas: brokers(this.config).map((id) => {
        const init = this.replica.initial({ id, rf: this.config.rf });
        return { role: init.value as ReplicaRole, context: init.context as ReplicaContext };
      }),
      controller,
      network: [],
      nextValue: 1,
      consumerPosition: this.config.consumer ? 0 : -1,
      spent: { crashes: 0, lossyCrashes: 0, heartbeatLosses: 0, messageLosses: 0 },
      ghost: EMPTY_GHOST,
    };
    return brokers(this.config).reduce((s, b) => this.applyMetadata(s, b), blank);
  }

  enabled(s: ClusterState): ClusterAction[] {
    return enumerateActions(this, s);
  }

  /** Whether `event` would be handled by broker `b`'s replica machine right now. */
  accepts(s: ClusterState, b: BrokerId, event: ReplicaEvent): boolean {
    const slot = s.replicas[b - 1];
    return this.replica.select(slot.role, slot.context, event) >= 0;
  }

  /** The controller after `event`, or null when the controller would not handle it. */
  controllerAfter(s: ClusterState, event: ControllerEvent): ControllerContext | null {
    const r = this.controllerMachine.step('active', s.controller, event);
    return r === null ? null : (r.context as ControllerContext);
  }

  step(s: ClusterState, a: ClusterAction): ClusterState {
    const c = this.config;
    switch (a.step) {
      case 'ProducerSend':
        return this.toReplica({ ...s, nextValue: s.nextValue + 1 }, a.broker, { type: 'Produce', value: a.value, acks: c.acks });
      case 'ConsumerFetch':
        return consumerFetch(s, a.broker);
      case 'FollowerFetch':
        return this.toReplica(s, a.broker, { type: 'FetchTick' });
      case 'LeaderShrinkIsr':
        return this.toReplica(s, a.broker, { type: 'LagElapsed', follower: a.follower });
      case 'BrokerApplyMetadata':
        return this.applyMetadata(s, a.broker);
      case 'BrokerCrash':
      case 'BrokerLossyCrash':
        return this.crash(s, a.broker, a.step === 'BrokerLossyCrash' ? a.keep : Number.MAX_SAFE_INTEGER);
      case 'BrokerRestart':
        return this.restart(s, a.broker);
      case 'ControllerFenceBroker':
        return this.fence(s, a.broker);
      case 'ControllerUnfenceBroker':
        return this.toController(s, { type: 'BrokerUnfenced', broker: a.broker });
      case 'NetworkLoseFetchRequest':
        return this.loseFetch(s, 'FetchRequest', a.from, a.broker, a.from);
      case 'NetworkLoseFetchResponse':
        return this.loseFetch(s, 'FetchResponse', a.leader, a.broker, a.broker);
      default:
        return this.deliver(s, a);
    }
  }

  /** Hands the oldest matching message to its receiver. */
  private deliver(s: ClusterState, a: ClusterAction): ClusterState {
    const kind = DELIVERY_KIND[a.step];
    const from = a.step === 'ControllerHandleAlterPartition' ? a.leader : (a as { from: number }).from;
    const to = a.step === 'ControllerHandleAlterPartition' ? 0 : a.broker;
    const i = s.network.findIndex((m) => m.kind === kind && m.from === from && m.to === to);
    const message = s.network[i];
    const rest = { ...s, network: s.network.toSpliced(i, 1) };
    if (message.kind === 'AlterPartition') return this.toController(rest, { type: 'AlterPartition', message });
    return this.toReplica(rest, message.to, { type: message.kind, message } as ReplicaEvent);
  }

  /** Steps broker `b`'s replica machine and delivers what it sends; an unhandled event is dropped. */
  toReplica(s: ClusterState, b: BrokerId, event: ReplicaEvent): ClusterState {
    const slot = s.replicas[b - 1];
    const r = this.replica.step(slot.role, slot.context, event);
    if (r === null) return s;
    const context = r.context as ReplicaContext;
    const stored = context.outbox.length === 0 ? context : { ...context, outbox: EMPTY_OUTBOX };
    const next = { ...s, replicas: s.replicas.with(b - 1, { role: r.value as ReplicaRole, context: stored }) };
    const exposed = exposeIfLeader(next, b);
    return this.route(exposed, r.emitted as SendEvent[]);
  }

  private toController(s: ClusterState, event: ControllerEvent): ClusterState {
    const r = this.controllerMachine.step('active', s.controller, event);
    if (r === null) return s;
    const context = r.context as ControllerContext;
    const stored = context.outbox.length === 0 ? context : { ...context, outbox: EMPTY_OUTBOX };
    return this.route({ ...s, controller: stored }, r.emitted as SendEvent[]);
  }

  /** Delivers emitted messages: acks to the ghost, ISR writes synchronously before KIP-497. */
  private route(s: ClusterState, emitted: readonly SendEvent[]): ClusterState {
    let next = s;
    for (const e of emitted) for (const m of e.messages) next = this.send(next, m);
    return next;
  }

  private send(s: ClusterState, m: Outgoing): ClusterState {
    if (m.kind === 'ProduceAck') return { ...s, ghost: recordAck(s.ghost, { value: m.value, offset: m.offset, acks: m.acks }) };
    if (m.kind === 'AlterPartition' && !this.config.maximalIsr) return this.toController(s, { type: 'AlterPartition', message: m });
    if (m.kind === 'AlterPartitionResponse' && !this.config.maximalIsr) {
      return this.toReplica(s, m.to, { type: 'AlterPartitionResponse', message: m });
    }
    if (m.to !== 0 && s.replicas[m.to - 1].role === 'offline') return s;
    if ((m.kind === 'FetchResponse' || m.kind === 'EpochResponse') && m.toIncarnation !== s.replicas[m.to - 1].context.incarnation) {
      return s; // the request came from an earlier incarnation whose connection is gone
    }
    return { ...s, network: s.network.concat(m) };
  }

  /** The broker replays the controller's metadata up to its newest record. */
  applyMetadata(s: ClusterState, b: BrokerId): ClusterState {
    const image = imageOf(s.controller);
    return this.toReplica(s, b, { type: 'MetadataUpdate', image, offset: s.controller.metadataOffset });
  }

  /** A crash keeps `keep` records (all of them unless lossy); the broker's inbound messages are lost. */
  private crash(s: ClusterState, b: BrokerId, keep: number): ClusterState {
    const lossy = keep < leo(s.replicas[b - 1].context);
    const spent = { ...s.spent, crashes: s.spent.crashes + 1, lossyCrashes: s.spent.lossyCrashes + (lossy ? 1 : 0) };
    const crashed = this.toReplica({ ...s, spent }, b, { type: 'Crash', keep });
    const lost = crashed.network.filter((m) => m.to === b);
    const after: ClusterState = { ...crashed, network: crashed.network.filter((m) => m.to !== b) };
    // A fetcher whose request died with the connection times out and may fetch again.
    return lost.reduce<ClusterState>((acc, m) => (m.kind === 'FetchRequest' || m.kind === 'EpochRequest'
      ? this.toReplica(acc, m.from, { type: 'FetchTimedOut', leader: b, sentInEpoch: m.sentInEpoch })
      : acc), after);
  }

  /** A restarted broker registers a new incarnation with the controller, then replays metadata. */
  private restart(s: ClusterState, b: BrokerId): ClusterState {
    const incarnation = s.controller.brokerEpochs[b - 1] + 1;
    const restarted = this.toReplica(s, b, { type: 'Restart', incarnation });
    return this.toController(restarted, { type: 'BrokerRegistered', broker: b, incarnation });
  }

  /** Session expiry: a crashed broker, or a live one whose heartbeats stopped arriving. */
  private fence(s: ClusterState, b: BrokerId): ClusterState {
    const alive = s.replicas[b - 1].role !== 'offline';
    const spent = alive ? { ...s.spent, heartbeatLosses: s.spent.heartbeatLosses + 1 } : s.spent;
    return this.toController({ ...s, spent }, { type: 'BrokerFenced', broker: b });
  }

  /** The network loses the oldest fetch request or response on a connection; the fetch times out. */
  private loseFetch(s: ClusterState, kind: MessageKind, from: BrokerId, to: BrokerId, follower: BrokerId): ClusterState {
    const i = s.network.findIndex((m) => m.kind === kind && m.from === from && m.to === to);
    const lost = s.network[i] as FetchRequest | FetchResponse;
    const spent = { ...s.spent, messageLosses: s.spent.messageLosses + 1 };
    const leader = kind === 'FetchRequest' ? to : from;
    return this.toReplica({ ...s, spent, network: s.network.toSpliced(i, 1) }, follower, {
      type: 'FetchTimedOut', leader, sentInEpoch: lost.sentInEpoch,
    });
  }
}

/** Which message kind each delivery step hands over. */
export const DELIVERY_KIND: Readonly<Record<string, MessageKind>> = {
  LeaderHandleFetch: 'FetchRequest',
  FollowerHandleFetchResponse: 'FetchResponse',
  LeaderHandleEpochQuery: 'EpochRequest',
  FollowerHandleEpochResponse: 'EpochResponse',
  ControllerHandleAlterPartition: 'AlterPartition',
  LeaderHandleAlterPartitionResponse: 'AlterPartitionResponse',
};

/** A replica that believes it leads and raised its HW has exposed records: they are committed. */
function exposeIfLeader(s: ClusterState, b: BrokerId): ClusterState {
  const slot = s.replicas[b - 1];
  if (slot.role !== 'leader' || slot.context.hw <= s.ghost.committed.length) return s;
  return { ...s, ghost: exposeHighWatermark(s.ghost, slot.context.log, slot.context.hw) };
}
