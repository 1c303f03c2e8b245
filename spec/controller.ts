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
import { assign, setup } from 'xstate';
import type { AlterPartition, BrokerId, MetadataImage, Registration } from './types.ts';
import { NO_LEADER } from './types.ts';
import { type Rules, isObserver } from './rules.ts';
import { type Reaction, sending } from './replica-context.ts';
import { type SendEvent, react } from './xstate/react.ts';

export interface ControllerContext {
  readonly registration: Registration;
  readonly brokerEpochs: readonly number[];
  readonly fenced: readonly boolean[];
  /** Offset of the newest metadata record; brokers replay up to it. */
  readonly metadataOffset: number;
  readonly uncleanElections: number;
}

export type ControllerEvent =
  | { type: 'BrokerFenced'; broker: BrokerId }
  | { type: 'BrokerUnfenced'; broker: BrokerId }
  | { type: 'BrokerRegistered'; broker: BrokerId; incarnation: number }
  | { type: 'AlterPartition'; message: AlterPartition };

/** Broker 1 leads at epoch 0 with every non-observer replica in the ISR. */
export function initialController(k: Rules): ControllerContext {
  const isr = k.replicas.filter((b) => !isObserver(k, b));
  return {
    registration: { leader: 1, isr, elr: [], lastKnownLeader: NO_LEADER, leaderEpoch: 0, partitionEpoch: 0 },
    brokerEpochs: k.replicas.map(() => 1),
    fenced: k.replicas.map(() => false),
    metadataOffset: 0,
    uncleanElections: 0,
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
export function electLeader(k: Rules, ctrl: ControllerContext, isr: readonly BrokerId[], elr: readonly BrokerId[]): Election {
  const ok = (b: BrokerId) => !ctrl.fenced[b - 1];
  const clean = k.replicas.find((b) => isr.includes(b) && ok(b));
  if (clean !== undefined) return { leader: clean, isr, elr, unclean: false };
  if (k.election.elr && isr.length === 0) {
    const eligible = k.replicas.find((b) => elr.includes(b) && ok(b));
    if (eligible !== undefined) return { leader: eligible, isr: [eligible], elr: without(elr, eligible), unclean: false };
    const last = ctrl.registration.lastKnownLeader;
    if (k.election.lastKnownLeader && elr.length === 0 && last !== NO_LEADER && ok(last)) {
      return { leader: last, isr: [last], elr: [], unclean: true };
    }
  }
  if (k.election.unclean) {
    const any = k.replicas.find((b) => ok(b) && !isObserver(k, b));
    if (any !== undefined) return { leader: any, isr: [any], elr: [], unclean: true };
  }
  return { leader: NO_LEADER, isr, elr, unclean: false };
}

/** R2: below min ISR, members that leave the ISR join the ELR (unless they shut down uncleanly). */
function nextElr(k: Rules, reg: Registration, isr: readonly BrokerId[], unclean: readonly BrokerId[]): readonly BrokerId[] {
  if (!k.election.elr || isr.length >= k.minIsr) return [];
  return union(reg.elr, reg.isr).filter((b) => !isr.includes(b) && !unclean.includes(b));
}

/**
 * PartitionChangeBuilder: move to `targetIsr` (S5 keeps the last member without ELR), update the
 * ELR, elect if the leader is no longer a valid one, then bump LE on a leader change and PE on
 * any change.
 */
export function applyChange(k: Rules, ctrl: ControllerContext, targetIsr: readonly BrokerId[], unclean: readonly BrokerId[] = []): ControllerContext {
  const reg = ctrl.registration;
  const isr = !k.election.elr && targetIsr.length === 0 ? reg.isr : targetIsr;
  const elr = nextElr(k, reg, isr, unclean);
  const leaderValid = reg.leader !== NO_LEADER && isr.includes(reg.leader) && !ctrl.fenced[reg.leader - 1];
  const e = leaderValid ? { leader: reg.leader, isr, elr, unclean: false } : electLeader(k, ctrl, isr, elr);
  const leaderChanged = e.leader !== reg.leader;
  const next: Registration = {
    leader: e.leader,
    isr: e.isr,
    elr: e.unclean ? [] : e.elr,
    lastKnownLeader: e.leader !== NO_LEADER ? NO_LEADER : k.election.elr && reg.leader !== NO_LEADER ? reg.leader : reg.lastKnownLeader,
    leaderEpoch: reg.leaderEpoch + (leaderChanged ? 1 : 0),
    partitionEpoch: reg.partitionEpoch,
  };
  if (sameRegistration(reg, next)) return ctrl;
  return {
    ...ctrl,
    registration: { ...next, partitionEpoch: reg.partitionEpoch + 1 },
    metadataOffset: ctrl.metadataOffset + 1,
    uncleanElections: ctrl.uncleanElections + (e.unclean ? 1 : 0),
  };
}

function sameRegistration(a: Registration, b: Registration): boolean {
  const same = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.leader === b.leader && same(a.isr, b.isr) && same(a.elr, b.elr) && a.lastKnownLeader === b.lastKnownLeader;
}

/** S4: a broker whose session expired is fenced and leaves the ISR. */
export function fenceBroker(k: Rules, ctrl: ControllerContext, b: BrokerId): ControllerContext {
  const fenced = { ...ctrl, fenced: ctrl.fenced.with(b - 1, true), metadataOffset: ctrl.metadataOffset + 1 };
  return applyChange(k, fenced, without(ctrl.registration.isr, b));
}

/** A live broker's heartbeats are seen again: unfence it and elect if the partition has no leader. */
export function unfenceBroker(k: Rules, ctrl: ControllerContext, b: BrokerId): ControllerContext {
  const unfenced = { ...ctrl, fenced: ctrl.fenced.with(b - 1, false), metadataOffset: ctrl.metadataOffset + 1 };
  return applyChange(k, unfenced, unfenced.registration.isr);
}

/**
 * L7/S4/R4: a restarted broker registers a new incarnation. In KRaft (and ZooKeeper after KIP-380)
 * the old session is fenced first and the new incarnation leaves the ISR and the ELR; before
 * KIP-380 a fast bounce went unnoticed and the broker kept its place in the ISR.
 */
export function registerBroker(k: Rules, ctrl: ControllerContext, b: BrokerId, incarnation: number): ControllerContext {
  const bounced = k.restartKeepsIsr || ctrl.fenced[b - 1] ? ctrl : fenceBroker(k, ctrl, b);
  const registered = {
    ...bounced,
    brokerEpochs: bounced.brokerEpochs.with(b - 1, incarnation),
    fenced: bounced.fenced.with(b - 1, false),
    metadataOffset: bounced.metadataOffset + 1,
  };
  const reg = registered.registration;
  const targetIsr = k.restartKeepsIsr ? reg.isr : without(reg.isr, b);
  const dropped = k.restartKeepsIsr ? registered : { ...registered, registration: { ...reg, elr: without(reg.elr, b) } };
  return applyChange(k, dropped, targetIsr, k.restartKeepsIsr ? [] : [b]);
}

/** S3: the checks the controller makes on AlterPartition, as an error code or null. */
export function alterPartitionError(k: Rules, ctrl: ControllerContext, req: AlterPartition): string | null {
  const reg = ctrl.registration;
  if (req.leaderEpoch < reg.leaderEpoch) return 'FENCED_LEADER_EPOCH';
  if (req.from !== reg.leader) return 'INVALID_REQUEST';
  if (req.partitionEpoch !== reg.partitionEpoch && k.alterPartition.checksPartitionEpoch) return 'INVALID_UPDATE_VERSION';
  if (!req.isr.includes(reg.leader)) return 'INVALID_REQUEST';
  if (req.isr.some((b) => isObserver(k, b))) return 'INELIGIBLE_REPLICA';
  if (!k.alterPartition.checksBrokerState) return null;
  const eligible = req.isr.every((b, i) => !ctrl.fenced[b - 1] && req.memberEpochs[i] === ctrl.brokerEpochs[b - 1]);
  return eligible ? null : 'INELIGIBLE_REPLICA';
}

/** Commit or refuse an AlterPartition and answer the leader. */
export function handleAlterPartition(k: Rules, ctrl: ControllerContext, req: AlterPartition): Reaction<ControllerContext> {
  const error = alterPartitionError(k, ctrl, req);
  const next = error === null ? applyChange(k, ctrl, req.isr) : ctrl;
  const reg = next.registration;
  return sending(next, {
    kind: 'AlterPartitionResponse', from: 0, to: req.from, error,
    leaderEpoch: reg.leaderEpoch, isr: reg.isr, partitionEpoch: reg.partitionEpoch,
    proposedIsr: req.isr, proposedAtEpoch: req.partitionEpoch,
  });
}

type Of<T extends ControllerEvent['type']> = Extract<ControllerEvent, { type: T }>;
type Args = { context: ControllerContext; event: ControllerEvent };
const as = <T extends ControllerEvent['type']>(e: ControllerEvent) => e as Of<T>;

/** The controller machine for one set of rules. */
export function createControllerMachine(k: Rules) {
  return setup({
    types: {} as { context: ControllerContext; events: ControllerEvent; emitted: SendEvent },
    guards: {
      isUnfenced: ({ context, event }: Args) => !context.fenced[as<'BrokerFenced'>(event).broker - 1],
      isFenced: ({ context, event }: Args) => context.fenced[as<'BrokerUnfenced'>(event).broker - 1],
    },
    actions: {
      fenceBroker: assign(({ context, event }: Args) => fenceBroker(k, context, as<'BrokerFenced'>(event).broker)),
      unfenceBroker: assign(({ context, event }: Args) => unfenceBroker(k, context, as<'BrokerUnfenced'>(event).broker)),
      registerBroker: assign(({ context, event }: Args) => {
        const e = as<'BrokerRegistered'>(event);
        return registerBroker(k, context, e.broker, e.incarnation);
      }),
      handleAlterPartition: react((context: ControllerContext, event: ControllerEvent) =>
        handleAlterPartition(k, context, as<'AlterPartition'>(event).message)),
    },
  }).createMachine({
    id: 'controller',
    initial: 'active',
    context: () => initialController(k),
    states: {
      active: {
        on: {
          BrokerFenced: { guard: 'isUnfenced', actions: 'fenceBroker' },
          BrokerUnfenced: { guard: 'isFenced', actions: 'unfenceBroker' },
          BrokerRegistered: { actions: 'registerBroker' },
          AlterPartition: { actions: 'handleAlterPartition' },
        },
      },
    },
  });
}

export type ControllerMachine = ReturnType<typeof createControllerMachine>;
