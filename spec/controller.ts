/**
 * The controller machine: the partition's registration (leader, ISR, ELR, epochs) and the brokers'
 * registrations (broker epoch, fenced), as an xstate v5 machine. It follows the KRaft controller
 * (ReplicationControlManager, PartitionChangeBuilder, ClusterControlManager); switches select the
 * ZooKeeper-era differences that matter here (a restart that leaves the ISR untouched, L7).
 *
 * Every change goes through `applyChange`, which plays PartitionChangeBuilder's part: keep the
 * last ISR member without ELR (S5), maintain the ELR (R2), elect a leader when the current one is
 * gone (L1, L2, R3), bump the epochs (S6) and the metadata offset the brokers replay.
 *
 * Abstracted away: controller failover (one controller that never fails), reassignment,
 * preferred-leader election, leader recovery state (KIP-704) and controlled shutdown.
 */
import { assign, emit, setup } from 'xstate';
import type { ClusterConfig } from './config.ts';
import { brokers, isObserver } from './config.ts';
import type { AlterPartition, BrokerId, MetadataImage, Outgoing, Registration } from './types.ts';
import { NO_LEADER } from './types.ts';
import type { SendEvent } from './replica.ts';

export interface ControllerContext {
  readonly registration: Registration;
  readonly brokerEpochs: readonly number[];
  readonly fenced: readonly boolean[];
  /** Offset of the newest metadata record; brokers replay up to it. */
  readonly metadataOffset: number;
  readonly leaderChanges: number;
  readonly uncleanElections: number;
  readonly outbox: readonly Outgoing[];
}

export type ControllerEvent =
  | { type: 'BrokerFenced'; broker: BrokerId }
  | { type: 'BrokerUnfenced'; broker: BrokerId }
  | { type: 'BrokerRegistered'; broker: BrokerId; incarnation: number }
  | { type: 'AlterPartition'; message: AlterPartition };

/** Broker 1 leads at epoch 0 with every non-observer replica in the ISR. */
export function initialController(c: ClusterConfig): ControllerContext {
  const isr = brokers(c).filter((b) => !isObserver(c, b));
  return {
    registration: { leader: 1, isr, elr: [], lastKnownLeader: NO_LEADER, leaderEpoch: 0, partitionEpoch: 0 },
    brokerEpochs: brokers(c).map(() => 1),
    fenced: brokers(c).map(() => false),
    metadataOffset: 0,
    leaderChanges: 0,
    uncleanElections: 0,
    outbox: [],
  };
}

/** The metadata image brokers replay. */
export function imageOf(ctrl: ControllerContext): MetadataImage {
  return { registration: ctrl.registration, brokerEpochs: ctrl.brokerEpochs, fenced: ctrl.fenced };
}

const without = (xs: readonly BrokerId[], b: BrokerId) => xs.filter((x) => x !== b);
const union = (a: readonly BrokerId[], b: readonly BrokerId[]) => [...new Set([...a, ...b])].sort((x, y) => x - y);

interface Election {
  readonly leader: BrokerId;
  readonly isr: readonly BrokerId[];
  readonly elr: readonly BrokerId[];
  readonly unclean: boolean;
}

/**
 * L1/L2/R3, in PartitionChangeBuilder's order: the first unfenced ISR member in assignment order;
 * with an empty ISR and ELR on, the first unfenced ELR member (it becomes the ISR); with ISR and
 * ELR empty, the last known leader (unclean); with unclean election enabled, the first unfenced
 * replica (unclean, ISR := {leader}); otherwise no leader.
 */
export function electLeader(c: ClusterConfig, ctrl: ControllerContext, isr: readonly BrokerId[], elr: readonly BrokerId[]): Election {
  const ok = (b: BrokerId) => !ctrl.fenced[b - 1];
  const clean = brokers(c).find((b) => isr.includes(b) && ok(b));
  if (clean !== undefined) return { leader: clean, isr, elr, unclean: false };
  if (c.elr && isr.length === 0) {
    const eligible = brokers(c).find((b) => elr.includes(b) && ok(b));
    if (eligible !== undefined) return { leader: eligible, isr: [eligible], elr: without(elr, eligible), unclean: false };
    const last = ctrl.registration.lastKnownLeader;
    if (c.lastKnownLeaderElection && elr.length === 0 && last !== NO_LEADER && ok(last)) {
      return { leader: last, isr: [last], elr: [], unclean: true };
    }
  }
  if (c.unclean) {
    const any = brokers(c).find((b) => ok(b) && !isObserver(c, b));
    if (any !== undefined) return { leader: any, isr: [any], elr: [], unclean: true };
  }
  return { leader: NO_LEADER, isr, elr, unclean: false };
}

/** R2: below min ISR, members that leave the ISR join the ELR (unless they shut down uncleanly). */
function nextElr(c: ClusterConfig, reg: Registration, isr: readonly BrokerId[], unclean: readonly BrokerId[]): readonly BrokerId[] {
  if (!c.elr || isr.length >= c.minIsr) return [];
  return union(reg.elr, reg.isr).filter((b) => !isr.includes(b) && !unclean.includes(b));
}

/**
 * PartitionChangeBuilder: move to `targetIsr` (S5 keeps the last member without ELR), update the
 * ELR, elect if the leader is no longer a valid one, then bump LE on a leader change and PE on
 * any change.
 */
export function applyChange(c: ClusterConfig, ctrl: ControllerContext, targetIsr: readonly BrokerId[], unclean: readonly BrokerId[] = []): ControllerContext {
  const reg = ctrl.registration;
  const isr = !c.elr && targetIsr.length === 0 ? reg.isr : targetIsr;
  const elr = nextElr(c, reg, isr, unclean);
  const leaderValid = reg.leader !== NO_LEADER && isr.includes(reg.leader) && !ctrl.fenced[reg.leader - 1];
  const e = leaderValid ? { leader: reg.leader, isr, elr, unclean: false } : electLeader(c, ctrl, isr, elr);
  const leaderChanged = e.leader !== reg.leader;
  const next: Registration = {
    leader: e.leader,
    isr: e.isr,
    elr: e.unclean ? [] : e.elr,
    lastKnownLeader: e.leader !== NO_LEADER ? NO_LEADER : c.elr && reg.leader !== NO_LEADER ? reg.leader : reg.lastKnownLeader,
    leaderEpoch: reg.leaderEpoch + (leaderChanged ? 1 : 0),
    partitionEpoch: reg.partitionEpoch,
  };
  if (sameRegistration(reg, next)) return ctrl;
  return {
    ...ctrl,
    registration: { ...next, partitionEpoch: reg.partitionEpoch + 1 },
    metadataOffset: ctrl.metadataOffset + 1,
    leaderChanges: ctrl.leaderChanges + (leaderChanged && e.leader !== NO_LEADER ? 1 : 0),
    uncleanElections: ctrl.uncleanElections + (e.unclean ? 1 : 0),
  };
}

function sameRegistration(a: Registration, b: Registration): boolean {
  const same = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.leader === b.leader && same(a.isr, b.isr) && same(a.elr, b.elr) && a.lastKnownLeader === b.lastKnownLeader;
}

/** S4: a broker whose session expired is fenced and leaves the ISR. */
export function fenceBroker(c: ClusterConfig, ctrl: ControllerContext, b: BrokerId): ControllerContext {
  const fenced = { ...ctrl, fenced: ctrl.fenced.with(b - 1, true), metadataOffset: ctrl.metadataOffset + 1 };
  return applyChange(c, fenced, without(ctrl.registration.isr, b));
}

/** A live broker's heartbeats are seen again: unfence it and elect if the partition has no leader. */
export function unfenceBroker(c: ClusterConfig, ctrl: ControllerContext, b: BrokerId): ControllerContext {
  const unfenced = { ...ctrl, fenced: ctrl.fenced.with(b - 1, false), metadataOffset: ctrl.metadataOffset + 1 };
  return applyChange(c, unfenced, unfenced.registration.isr);
}

/**
 * L7/S4/R4: a restarted broker registers a new incarnation. In KRaft (and ZooKeeper after KIP-380)
 * the old session is fenced first and the new incarnation leaves the ISR and the ELR; before
 * KIP-380 a fast bounce went unnoticed and the broker kept its place in the ISR.
 */
export function registerBroker(c: ClusterConfig, ctrl: ControllerContext, b: BrokerId, incarnation: number): ControllerContext {
  const bounced = c.restartLeavesIsr || ctrl.fenced[b - 1] ? ctrl : fenceBroker(c, ctrl, b);
  const registered = {
    ...bounced,
    brokerEpochs: bounced.brokerEpochs.with(b - 1, incarnation),
    fenced: bounced.fenced.with(b - 1, false),
    metadataOffset: bounced.metadataOffset + 1,
  };
  const reg = registered.registration;
  const targetIsr = c.restartLeavesIsr ? reg.isr : without(reg.isr, b);
  const dropped = c.restartLeavesIsr ? registered : { ...registered, registration: { ...reg, elr: without(reg.elr, b) } };
  return applyChange(c, dropped, targetIsr, c.restartLeavesIsr ? [] : [b]);
}

/** S3: the checks the controller makes on AlterPartition, as an error code or null. */
export function alterPartitionError(c: ClusterConfig, ctrl: ControllerContext, req: AlterPartition): string | null {
  const reg = ctrl.registration;
  if (req.leaderEpoch < reg.leaderEpoch) return 'FENCED_LEADER_EPOCH';
  if (req.from !== reg.leader) return 'INVALID_REQUEST';
  if (req.partitionEpoch !== reg.partitionEpoch && c.mutation !== 'alter-partition-ignores-partition-epoch') return 'INVALID_UPDATE_VERSION';
  if (!req.isr.includes(reg.leader)) return 'INVALID_REQUEST';
  if (req.isr.some((b) => isObserver(c, b))) return 'INELIGIBLE_REPLICA';
  if (!c.isrEligibilityChecksBrokerState) return null;
  const eligible = req.isr.every((b, i) => !ctrl.fenced[b - 1] && req.memberEpochs[i] === ctrl.brokerEpochs[b - 1]);
  return eligible ? null : 'INELIGIBLE_REPLICA';
}

/** Commit or refuse an AlterPartition and answer the leader. */
export function handleAlterPartition(c: ClusterConfig, ctrl: ControllerContext, req: AlterPartition): ControllerContext {
  const error = alterPartitionError(c, ctrl, req);
  const next = error === null ? applyChange(c, ctrl, req.isr) : ctrl;
  const reg = next.registration;
  const response: Outgoing = {
    kind: 'AlterPartitionResponse', from: 0, to: req.from, error,
    leaderEpoch: reg.leaderEpoch, isr: reg.isr, partitionEpoch: reg.partitionEpoch,
    proposedIsr: req.isr, proposedAtEpoch: req.partitionEpoch,
  };
  return { ...next, outbox: [response] };
}

type Of<T extends ControllerEvent['type']> = Extract<ControllerEvent, { type: T }>;
type Args = { context: ControllerContext; event: ControllerEvent };
const as = <T extends ControllerEvent['type']>(e: ControllerEvent) => e as Of<T>;

/** The controller machine for one configuration. */
export function createControllerMachine(c: ClusterConfig) {
  return setup({
    types: {} as { context: ControllerContext; events: ControllerEvent; emitted: SendEvent },
    guards: {
      isUnfenced: ({ context, event }: Args) => !context.fenced[as<'BrokerFenced'>(event).broker - 1],
      isFenced: ({ context, event }: Args) => context.fenced[as<'BrokerUnfenced'>(event).broker - 1],
    },
    actions: {
      fenceBroker: assign(({ context, event }: Args) => fenceBroker(c, context, as<'BrokerFenced'>(event).broker)),
      unfenceBroker: assign(({ context, event }: Args) => unfenceBroker(c, context, as<'BrokerUnfenced'>(event).broker)),
      registerBroker: assign(({ context, event }: Args) => {
        const e = as<'BrokerRegistered'>(event);
        return registerBroker(c, context, e.broker, e.incarnation);
      }),
      handleAlterPartition: assign(({ context, event }: Args) =>
        handleAlterPartition(c, context, as<'AlterPartition'>(event).message)),
      send: emit(({ context }: Args) => ({ type: 'Send' as const, messages: context.outbox })),
    },
  }).createMachine({
    id: 'controller',
    initial: 'active',
    context: () => initialController(c),
    states: {
      active: {
        on: {
          BrokerFenced: { guard: 'isUnfenced', actions: 'fenceBroker' },
          BrokerUnfenced: { guard: 'isFenced', actions: 'unfenceBroker' },
          BrokerRegistered: { actions: 'registerBroker' },
          AlterPartition: { actions: ['handleAlterPartition', 'send'] },
        },
      },
    },
  });
}

export type ControllerMachine = ReturnType<typeof createControllerMachine>;
