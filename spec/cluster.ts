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
 * Each kind of step is defined in spec/steps/, whose definitions call the helpers here by name.
 */
import type { Bounds, ClusterConfig } from './config.ts';
import { BOUNDS, ConfigError, optionalBounds } from './config.ts';
import type { BrokerId, FetchRequest, FetchResponse, Message, MetadataImage, Outgoing } from './types.ts';
import { NO_LEADER } from './types.ts';
import { type ReplicaContext, leo } from './replica-context.ts';
import { type ReplicaEvent, type ReplicaRole, type SendEvent, createReplicaMachine } from './replica.ts';
import { type ControllerContext, type ControllerEvent, createControllerMachine, imageOf } from './controller.ts';
import { type Ghost, EMPTY_GHOST, exposeHighWatermark, recordAck } from './ghost.ts';
import { compileMachine } from './xstate/compile.ts';
import { UnknownGuardError, guardNamesOf, withForcedGuard } from './xstate/force.ts';
import type { GuardedMachine } from './guards.ts';
import { copyState, withField } from './state.ts';
import { type ClusterAction, enumerateActions, stepDefinition } from './actions.ts';
import { type Connection, oldestOn } from './steps/define.ts';
import { type ConsumerState, startConsumer } from './client.ts';
import { type Rules, resolveRules } from './rules.ts';
import { type ProducerState, NEW_PRODUCER, acknowledged, afterError, batchOf, sendNew, spendRetry } from './producer.ts';

export interface ReplicaSlot {
  readonly role: ReplicaRole;
  readonly context: ReplicaContext;
}

/** Budgets spent so far (the bounds are in the configuration; `withinBounds` compares them). */
export interface Spent {
  readonly crashes: number;
  readonly lossyCrashes: number;
  readonly heartbeatLosses: number;
  readonly messageLosses: number;
  /** Elections of a new leader after a failure (a leader-epoch bump to a broker, not to "none"). */
  readonly leaderChanges: number;
  /** Leader moves without a failure: preferred-leader elections and controlled shutdowns (M1, M2). */
  readonly leaderMoves: number;
  readonly controllerFailovers: number;
}

export interface ClusterState {
  /** Index broker-1. */
  readonly replicas: readonly ReplicaSlot[];
  readonly controller: ControllerContext;
  readonly network: readonly Message[];
  /** The next value the producer sends (1, 2, …). */
  readonly nextValue: number;
  /** The consumer's position, the leader it knows and what it is doing (spec/client.ts); position -1 without a consumer. */
  readonly consumer: ConsumerState;
  readonly spent: Spent;
  readonly ghost: Ghost;
  /**
   * M4: the metadata a deposed ZooKeeper controller still holds and may send, with its offset;
   * null when there is none (no failover yet, or KRaft, whose deposed controller commits nothing).
   */
  readonly deposed: { readonly image: MetadataImage; readonly offset: number } | null;
  /**
   * Brokers that crashed for good (`permanentFailures`); present only in configurations that
   * allow such failures, so every other configuration's states are as they were.
   */
  readonly permanentlyDown?: readonly BrokerId[];
  /** Live followers dropped from the ISR for lagging so far; present only when `maxLagShrinks` bounds them. */
  readonly lagShrinks?: number;
  /**
   * The producer's outstanding batches, epoch and retries (spec/producer.ts); present only when it
   * may retry (`maxRetries`), so every other configuration's states are as they were.
   */
  readonly producer?: ProducerState;
  /**
   * Late deliveries so far (spec/steps/timing.ts); present only when `maxLateDeliveries` bounds
   * them. Absent, nothing counts them and no state differs by them, so configurations without the
   * bound have the states (and fingerprints) they had before late deliveries were defined.
   */
  readonly lateDeliveries?: number;
  /** Times the operator changed min.insync.replicas so far (R7); present only when `maxMinIsrChanges` allows it. */
  readonly minIsrChanges?: number;
}

/** A state's fields, writable: a fresh copy a step sets before it returns it. */
export type StateDraft = { -readonly [K in keyof ClusterState]: ClusterState[K] };

/** A copy of the budgets spent, written out as one literal, for a step to add to. */
function copySpent(p: Spent): { -readonly [K in keyof Spent]: number } {
  return {
    crashes: p.crashes, lossyCrashes: p.lossyCrashes, heartbeatLosses: p.heartbeatLosses, messageLosses: p.messageLosses,
    leaderChanges: p.leaderChanges, leaderMoves: p.leaderMoves, controllerFailovers: p.controllerFailovers,
  };
}

/** The budgets spent with one more of `budget`. */
function spendOne(p: Spent, budget: keyof Spent): Spent {
  const next = copySpent(p);
  next[budget]++;
  return next;
}

/**
 * The Kafka instance of one configuration: the rules resolved once, machines compiled once from
 * them, steps as pure functions. The bounds stay here, read only where steps are enumerated
 * (actions.ts) and by `withinBounds`.
 */
export class Cluster {
  readonly rules: Rules;
  readonly bounds: Bounds;
  readonly replica;
  readonly controllerMachine;
  readonly initial: ClusterState;
  /** How many brokers may crash for good (the `permanentFailures` budget). */
  readonly permanentFailures: number;
  /** How many times a live follower may be dropped from the ISR for lagging (Infinity: no bound). */
  readonly maxLagShrinks: number;
  /** How many resends the producer may make (0: it sends each value once). */
  readonly maxRetries: number;
  /** How many late deliveries a behaviour may contain; null: they are not counted (nor in the state). */
  readonly maxLateDeliveries: number | null;
  /** How many times the operator may change min.insync.replicas (R7). */
  readonly maxMinIsrChanges: number;

  constructor(config: ClusterConfig) {
    this.rules = resolveRules(config);
    this.bounds = Object.fromEntries(Object.keys(BOUNDS).map((k) => [k, config[k as keyof Bounds]])) as unknown as Bounds;
    ({
      permanentFailures: this.permanentFailures, maxLagShrinks: this.maxLagShrinks, maxRetries: this.maxRetries, maxLateDeliveries: this.maxLateDeliveries,
      maxMinIsrChanges: this.maxMinIsrChanges,
    } = optionalBounds(config));
    this.replica = compileMachine(forcing(this.rules, 'replica', createReplicaMachine(this.rules)), { assignReturnsWholeContext: true });
    this.controllerMachine = compileMachine(forcing(this.rules, 'controller', createControllerMachine(this.rules)), { assignReturnsWholeContext: true });
    this.initial = this.start();
  }

  /** Broker 1 leads at epoch 0; every broker has replayed the first metadata image. */
  private start(): ClusterState {
    const controller = this.controllerMachine.initial(undefined).context as ControllerContext;
    const blank: ClusterState = {
      replicas: this.rules.replicas.map((id) => {
        const init = this.replica.initial({ id, rf: this.rules.replicas.length });
        return { role: init.value as ReplicaRole, context: init.context as ReplicaContext };
      }),
      controller,
      network: [],
      nextValue: 1,
      consumer: startConsumer(this.rules, controller.registration),
      spent: { crashes: 0, lossyCrashes: 0, heartbeatLosses: 0, messageLosses: 0, leaderChanges: 0, leaderMoves: 0, controllerFailovers: 0 },
      ghost: EMPTY_GHOST,
      deposed: null,
      ...(this.permanentFailures > 0 ? { permanentlyDown: [] } : {}),
      ...(this.maxLagShrinks !== Infinity ? { lagShrinks: 0 } : {}),
      ...(this.maxRetries > 0 ? { producer: NEW_PRODUCER } : {}),
      ...(this.maxLateDeliveries !== null ? { lateDeliveries: 0 } : {}),
      ...(this.maxMinIsrChanges > 0 ? { minIsrChanges: 0 } : {}),
    };
    return this.rules.replicas.reduce((s, b) => this.applyMetadata(s, b), blank);
  }

  /**
   * Whether a state stays within the budgets that a step cannot check before it is taken (the
   * leader changes an election makes, the late deliveries when counted); the engine explores no
   * further than such a state.
   */
  withinBounds(s: ClusterState): boolean {
    return s.spent.leaderChanges <= this.bounds.maxLeaderChanges && (s.lateDeliveries ?? 0) <= (this.maxLateDeliveries ?? 0);
  }

  enabled(s: ClusterState): ClusterAction[] {
    return enumerateActions(this, s);
  }

  /** Whether the controller machine would handle `event` right now (its guards, not a step). */
  controllerAccepts(s: ClusterState, event: ControllerEvent): boolean {
    return this.controllerMachine.select('active', s.controller, event) >= 0;
  }

  /** Whether `event` would be handled by broker `b`'s replica machine right now. */
  accepts(s: ClusterState, b: BrokerId, event: ReplicaEvent): boolean {
    const slot = s.replicas[b - 1];
    return this.replica.select(slot.role, slot.context, event) >= 0;
  }

  /**
   * Takes step `a`: its definition in spec/steps/ names the helpers below that it calls. When late
   * deliveries are counted, a late one adds one to the count: the count only grows along a step,
   * which is what fewest-first search by it needs (src/explore/bounded.ts).
   */
  step(s: ClusterState, a: ClusterAction): ClusterState {
    const definition = stepDefinition(a.step);
    const next = definition.apply(this, s, a);
    if (s.lateDeliveries === undefined || definition.late(s, a) === null) return next;
    return withField(next, 'lateDeliveries', s.lateDeliveries + 1);
  }

  /**
   * P1/P8: the producer sends `value` to broker `b`, a new batch or (`resend`) one it holds no ack
   * for, which spends a retry. A producer that may retry keeps the batch outstanding and, when
   * idempotent, stamps it with its epoch and sequence (P9).
   */
  produce(s: ClusterState, b: BrokerId, value: number, resend: boolean): ClusterState {
    const p = s.producer;
    const event = { type: 'Produce' as const, value, acks: this.rules.acks };
    if (p === undefined) return this.toReplica(withField(s, 'nextValue', s.nextValue + 1), b, event);
    const batch = batchOf(this.rules, p, value);
    const next = copyState(s);
    if (resend) next.producer = spendRetry(p);
    else {
      next.producer = sendNew(p, value);
      next.nextValue = s.nextValue + 1;
    }
    return this.toReplica(next, b, batch === undefined ? event : { ...event, batch });
  }

  /** Hands the oldest message on connection `d` to its receiver, or loses it. */
  deliver(s: ClusterState, d: Connection): ClusterState {
    const i = oldestOn(s.network, d);
    const message = s.network[i];
    if (d.lost) return this.loseFetch(s, i, message as FetchRequest | FetchResponse);
    const rest = withField(s, 'network', s.network.toSpliced(i, 1));
    if (message.kind === 'AlterPartition') return this.toController(rest, { type: 'AlterPartition', message });
    return this.toReplica(rest, message.to, { type: message.kind, message } as ReplicaEvent);
  }

  /** Steps broker `b`'s replica machine and delivers what it sends; an unhandled event is dropped. */
  toReplica(s: ClusterState, b: BrokerId, event: ReplicaEvent): ClusterState {
    const slot = s.replicas[b - 1];
    const r = this.replica.step(slot.role, slot.context, event);
    if (r === null) return s;
    const next = withField(s, 'replicas', s.replicas.with(b - 1, { role: r.value as ReplicaRole, context: r.context as ReplicaContext }));
    const exposed = exposeIfLeader(next, b);
    return this.route(exposed, r.emitted as SendEvent[]);
  }

  /**
   * Steps the controller; an election of a new leader after a failure spends one leader change
   * (`countsElections`), one made by a leader move spends the move instead.
   */
  toController(s: ClusterState, event: ControllerEvent, countsElections = true): ClusterState {
    const r = this.controllerMachine.step('active', s.controller, event);
    if (r === null) return s;
    const controller = r.context as ControllerContext;
    const elected = countsElections && elects(s.controller, controller);
    const next = copyState(s);
    next.controller = controller;
    if (elected) next.spent = spendOne(s.spent, 'leaderChanges');
    return this.route(next, r.emitted as SendEvent[]);
  }

  /** Delivers emitted messages: acks to the ghost, ISR writes synchronously before KIP-497. */
  private route(s: ClusterState, emitted: readonly SendEvent[]): ClusterState {
    let next = s;
    for (const e of emitted) for (const m of e.messages) next = this.send(next, m);
    return next;
  }

  private send(s: ClusterState, m: Outgoing): ClusterState {
    if (m.kind === 'ProduceAck') {
      const acked = withField(s, 'ghost', recordAck(s.ghost, { value: m.value, offset: m.offset, acks: m.acks, sentAfter: s.nextValue }));
      return s.producer === undefined ? acked : withField(acked, 'producer', acknowledged(s.producer, m.value));
    }
    if (m.kind === 'ProduceError') return s.producer === undefined ? s : withField(s, 'producer', afterError(s.producer, m.value, m.error));
    if (m.kind === 'AlterPartition' && this.rules.isrWrites === 'direct') return this.toController(s, { type: 'AlterPartition', message: m });
    if (m.kind === 'AlterPartitionResponse' && this.rules.isrWrites === 'direct') {
      return this.toReplica(s, m.to, { type: 'AlterPartitionResponse', message: m });
    }
    if (m.to !== 0 && s.replicas[m.to - 1].role === 'offline') return s;
    if ((m.kind === 'FetchResponse' || m.kind === 'EpochResponse' || m.kind === 'AlterPartitionResponse') &&
      m.toIncarnation !== s.replicas[m.to - 1].context.incarnation) {
      return s; // the request came from an earlier incarnation whose connection is gone
    }
    return withField(s, 'network', enqueue(s.network, m));
  }

  /** The broker replays the controller's metadata up to its newest record. */
  applyMetadata(s: ClusterState, b: BrokerId): ClusterState {
    const image = imageOf(s.controller);
    return this.toReplica(s, b, { type: 'MetadataUpdate', image, offset: s.controller.metadataOffset });
  }

  /** A crash keeps `keep` records (all of them unless lossy); the broker's inbound messages are lost. */
  crash(s: ClusterState, b: BrokerId, keep: number): ClusterState {
    const lossy = keep < leo(s.replicas[b - 1].context);
    const spent = copySpent(s.spent);
    spent.crashes++;
    if (lossy) spent.lossyCrashes++;
    return this.dropConnections(this.toReplica(withField(s, 'spent', spent), b, { type: 'Crash', keep }), b);
  }

  /**
   * A broker crashes for good (its disk is gone with it, so what it kept does not matter): it
   * spends the `permanentFailures` budget, not the crash budget, and is never offered a restart.
   */
  failPermanently(s: ClusterState, b: BrokerId): ClusterState {
    const down = withField(s, 'permanentlyDown', [...(s.permanentlyDown ?? []), b].sort((x, y) => x - y));
    return this.dropConnections(this.toReplica(down, b, { type: 'Crash', keep: Number.MAX_SAFE_INTEGER }), b);
  }

  /**
   * M4/M5: another controller takes over and sends its state to every broker. A ZooKeeper
   * controller that lost its session does not know it yet and keeps what it had, to send.
   */
  failOver(s: ClusterState): ClusterState {
    const deposed = this.rules.controller.kind === 'zk' ? { image: imageOf(s.controller), offset: s.controller.metadataOffset } : null;
    const next = copyState(s);
    next.spent = spendOne(s.spent, 'controllerFailovers');
    next.deposed = deposed;
    return this.toController(next, { type: 'Failover' });
  }

  /** Dropping a live follower spends the `maxLagShrinks` budget when there is one. */
  spendLagShrink(s: ClusterState, follower: BrokerId): ClusterState {
    if (s.lagShrinks === undefined || s.replicas[follower - 1].role === 'offline') return s;
    return withField(s, 'lagShrinks', s.lagShrinks + 1);
  }

  /** R7: the operator sets min.insync.replicas; the controller writes the change (and clears the ELR). */
  alterMinIsr(s: ClusterState, minIsr: number): ClusterState {
    const counted = withField(s, 'minIsrChanges', (s.minIsrChanges ?? 0) + 1);
    return this.toController(counted, { type: 'IncrementalAlterConfigs', minIsr });
  }

  spendMove(s: ClusterState): ClusterState {
    return withField(s, 'spent', spendOne(s.spent, 'leaderMoves'));
  }

  /**
   * M2/D2: a controlled shutdown. The controller moves leadership off the broker and takes it out
   * of the ISR; the broker flushes its log, writes its HW checkpoint and stops.
   */
  controlledShutdown(s: ClusterState, b: BrokerId): ClusterState {
    const handedOver = this.toController(this.spendMove(s), { type: 'BrokerShutDown', broker: b }, false);
    return this.dropConnections(this.toReplica(handedOver, b, { type: 'ShutDown' }), b);
  }

  /** A stopped broker's inbound messages are lost with its connections. */
  private dropConnections(crashed: ClusterState, b: BrokerId): ClusterState {
    const network = crashed.network;
    const kept: Message[] = [];
    for (let i = 0; i < network.length; i++) if (network[i].to !== b) kept.push(network[i]);
    let after = withField(crashed, 'network', kept);
    // A fetcher whose request died with the connection times out and may fetch again.
    for (let i = 0; i < network.length; i++) {
      const m = network[i];
      if (m.to === b && (m.kind === 'FetchRequest' || m.kind === 'EpochRequest')) {
        after = this.toReplica(after, m.from, { type: 'FetchTimedOut', leader: b, sentInEpoch: m.sentInEpoch, incarnation: m.brokerEpoch });
      }
    }
    return after;
  }

  /** A restarted broker registers a new incarnation with the controller, then replays metadata. */
  restart(s: ClusterState, b: BrokerId): ClusterState {
    const incarnation = s.controller.brokerEpochs[b - 1] + 1;
    const clean = s.replicas[b - 1].context.cleanShutdown;
    const restarted = this.toReplica(s, b, { type: 'Restart', incarnation });
    return this.toController(restarted, { type: 'BrokerRegistered', broker: b, incarnation, clean });
  }

  /** Session expiry: a crashed broker, or a live one whose heartbeats stopped arriving. */
  fence(s: ClusterState, b: BrokerId): ClusterState {
    const alive = s.replicas[b - 1].role !== 'offline';
    const spent = alive ? spendOne(s.spent, 'heartbeatLosses') : s.spent;
    return this.toController(withField(s, 'spent', spent), { type: 'BrokerFenced', broker: b });
  }

  /** The network loses message `i`, a fetch request or response: the follower's fetch times out. */
  private loseFetch(s: ClusterState, i: number, lost: FetchRequest | FetchResponse): ClusterState {
    const [follower, leader] = lost.kind === 'FetchRequest' ? [lost.from, lost.to] : [lost.to, lost.from];
    const next = copyState(s);
    next.spent = spendOne(s.spent, 'messageLosses');
    next.network = s.network.toSpliced(i, 1);
    return this.toReplica(next, follower, {
      type: 'FetchTimedOut', leader, sentInEpoch: lost.sentInEpoch, incarnation: lost.kind === 'FetchRequest' ? lost.brokerEpoch : lost.toIncarnation,
    });
  }
}

/** The named guards of each machine the cluster is built from (the names do not depend on the rules). */
export function machineGuards(k: Rules): Record<GuardedMachine, string[]> {
  return { replica: guardNamesOf(createReplicaMachine(k)), controller: guardNamesOf(createControllerMachine(k)) };
}

/** `machine` with the rules' forced guard applied when it belongs to this machine (a guard mutant). */
function forcing<M>(k: Rules, name: GuardedMachine, machine: M): M {
  const f = k.forcedGuard;
  if (f === null || f.machine !== name) return machine;
  try {
    return withForcedGuard(machine, f.guard, f.value);
  } catch (e) {
    if (e instanceof UnknownGuardError) throw new ConfigError(`forcedGuard: the ${name} machine has ${e.message}`);
    throw e;
  }
}

/**
 * Whether a controller step elected a leader: a broker other than the last one, or the same one
 * again after the partition went leaderless within the step (two leader-epoch bumps).
 */
function elects(before: ControllerContext, after: ControllerContext): boolean {
  const [a, b] = [before.registration, after.registration];
  if (b.leader === NO_LEADER || b.leaderEpoch === a.leaderEpoch) return false;
  return b.leader !== a.leader || b.leaderEpoch - a.leaderEpoch >= 2;
}

/**
 * The network after `m` is sent. Messages are kept sorted by connection (receiver, sender, kind)
 * and in sending order within one, so two sends on different connections give the same state in
 * either order: the network is a set of FIFO connections, and its order carries nothing else. The
 * engine's partial-order reduction relies on it (spec/independence.ts).
 */
function enqueue(network: readonly Message[], m: Message): readonly Message[] {
  let i = network.length;
  while (i > 0 && connectionOrder(network[i - 1], m) > 0) i--;
  return i === network.length ? network.concat(m) : network.toSpliced(i, 0, m);
}

const KIND_ORDER: Readonly<Record<Message['kind'], number>> = {
  FetchRequest: 0, FetchResponse: 1, EpochRequest: 2, EpochResponse: 3, AlterPartition: 4, AlterPartitionResponse: 5,
};

function connectionOrder(a: Message, b: Message): number {
  return a.to - b.to || a.from - b.from || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
}

/**
 * A replica that believes it leads exposes the records below its HW: they are committed. The
 * committed history grows, or is replaced when that log disagrees with it (spec/ghost.ts, T-2).
 */
function exposeIfLeader(s: ClusterState, b: BrokerId): ClusterState {
  const slot = s.replicas[b - 1];
  if (slot.role !== 'leader') return s;
  const ghost = exposeHighWatermark(s.ghost, slot.context.log, slot.context.hw);
  return ghost === s.ghost ? s : withField(s, 'ghost', ghost);
}
