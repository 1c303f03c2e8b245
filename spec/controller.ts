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
import { type Rules, hasCaughtUp, isObserver } from './rules.ts';
import { type Reaction, sending } from './replica-context.ts';
import { type SendEvent, react } from './xstate/react.ts';

export interface ControllerContext {
  readonly registration: Registration;
  readonly brokerEpochs: readonly number[];
  readonly fenced: readonly boolean[];
  /**
   * L7: the offset of each broker's registration record (ClusterControlManager's
   * registerBrokerRecordOffsets), kept only where unfencing waits for it (KAFKA-13959); 0 otherwise.
   */
  readonly registeredAt: readonly number[];
  /** The topic's min.insync.replicas (ConfigurationControlManager), which the operator may change (R7). */
  readonly minIsr: number;
  /** Offset of the newest metadata record; brokers replay up to it. */
  readonly metadataOffset: number;
  /** The active controller's epoch (the ZooKeeper controller epoch, or the KRaft quorum's). */
  readonly epoch: number;
  readonly uncleanElections: number;
}

export type ControllerEvent =
  | { type: 'BrokerFenced'; broker: BrokerId }
  /** A fenced broker's heartbeat, reporting how far it has replayed the metadata (currentMetadataOffset). */
  | { type: 'BrokerHeartbeat'; broker: BrokerId; metadataOffset: number }
  /** `clean`: the broker shut down cleanly before (it sends its previous broker epoch, KIP-966). */
  | { type: 'BrokerRegistered'; broker: BrokerId; incarnation: number; clean: boolean }
  | { type: 'BrokerShutDown'; broker: BrokerId }
  /** R7: the operator sets the topic's min.insync.replicas. */
  | { type: 'IncrementalAlterConfigs'; minIsr: number }
  | { type: 'PreferredElection' }
  | { type: 'Failover' }
  | { type: 'AlterPartition'; message: AlterPartition };

/** Broker 1 leads at epoch 0 with every non-observer replica in the ISR. */
export function initialController(k: Rules): ControllerContext {
  const isr = k.replicas.filter((b) => !isObserver(k, b));
  return {
    registration: { leader: 1, isr, elr: [], lastKnownLeader: NO_LEADER, leaderEpoch: 0, partitionEpoch: 0 },
    brokerEpochs: k.replicas.map(() => 1),
    fenced: k.replicas.map(() => false),
    registeredAt: k.replicas.map(() => 0),
    minIsr: k.minIsr,
    metadataOffset: 0,
    epoch: 1,
    uncleanElections: 0,
  };
}

/** A controller context's fields, writable: a fresh copy a change sets before it returns it. */
type ControllerDraft = { -readonly [K in keyof ControllerContext]: ControllerContext[K] };

/**
 * A copy of `ctrl` for a change to set before it returns it, as `{ ...ctrl, epoch }` would: one
 * literal with every key in ControllerContext's order, so every controller context has one hidden class.
 */
function copyController(ctrl: ControllerContext): ControllerDraft {
  return {
    registration: ctrl.registration, brokerEpochs: ctrl.brokerEpochs, fenced: ctrl.fenced, registeredAt: ctrl.registeredAt, minIsr: ctrl.minIsr,
    metadataOffset: ctrl.metadataOffset,
    epoch: ctrl.epoch, uncleanElections: ctrl.uncleanElections,
  };
}

/** The metadata image brokers replay. */
export function imageOf(ctrl: ControllerContext): MetadataImage {
  return { controllerEpoch: ctrl.epoch, registration: ctrl.registration, brokerEpochs: ctrl.brokerEpochs, fenced: ctrl.fenced, minIsr: ctrl.minIsr };
}

const without = (xs: readonly BrokerId[], b: BrokerId) => xs.filter((x) => x !== b);

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
    if (k.election.lastKnownLeader && elr.length === 0 && last !== NO_LEADER && (ok(last) || !k.election.lastKnownLeaderMustBeUnfenced)) {
      return { leader: last, isr: [last], elr: [], unclean: true };
    }
  }
  if (k.election.unclean) {
    const any = k.replicas.find((b) => ok(b) && !isObserver(k, b));
    if (any !== undefined) return { leader: any, isr: [any], elr: [], unclean: true };
  }
  return { leader: NO_LEADER, isr, elr, unclean: false };
}

/** R2: below min ISR (the current value, R7), members that leave the ISR join the ELR (unless they shut down uncleanly). */
function nextElr(k: Rules, minIsr: number, reg: Registration, isr: readonly BrokerId[], unclean: readonly BrokerId[]): readonly BrokerId[] {
  if (!k.election.elr || isr.length >= minIsr) return [];
  const elr: BrokerId[] = [];
  for (let i = 0; i < reg.elr.length; i++) joinElr(elr, reg.elr[i], isr, unclean);
  for (let i = 0; i < reg.isr.length; i++) joinElr(elr, reg.isr[i], isr, unclean);
  return elr;
}

/** Adds `b` to the ascending `elr` unless it is there already, in the new ISR, or shut down uncleanly. */
function joinElr(elr: BrokerId[], b: BrokerId, isr: readonly BrokerId[], unclean: readonly BrokerId[]): void {
  if (isr.includes(b) || unclean.includes(b)) return;
  let i = elr.length;
  while (i > 0 && elr[i - 1] > b) i--;
  if (i === 0 || elr[i - 1] !== b) elr.splice(i, 0, b);
}

/** Who asked for a partition change: the controller itself, or the leader through AlterPartition. */
export interface ChangeOrigin {
  readonly byLeader?: boolean;
  /** Replicas that shut down uncleanly: they do not join the ELR (R4). */
  readonly unclean?: readonly BrokerId[];
}

/**
 * PartitionChangeBuilder: move to `targetIsr` (S5 keeps the last member without ELR), update the
 * ELR, elect if the leader is no longer a valid one, then bump LE on a leader change and, by M3,
 * on an ISR shrink: one the controller makes itself (ZooKeeper; KRaft before KAFKA-15021) or one
 * the leader asks for (KRaft before KAFKA-15021: `triggerLeaderEpochBumpIfNeeded` of 3.3-3.5
 * bumps whenever the target ISR drops a member), and PE on any change.
 */
export function applyChange(k: Rules, ctrl: ControllerContext, targetIsr: readonly BrokerId[], origin: ChangeOrigin = NO_ORIGIN): ControllerContext {
  const reg = ctrl.registration;
  const isr = !k.election.elr && targetIsr.length === 0 ? reg.isr : targetIsr;
  const elr = nextElr(k, ctrl.minIsr, reg, isr, origin.unclean ?? NOBODY);
  const leaderValid = reg.leader !== NO_LEADER && isr.includes(reg.leader) && !ctrl.fenced[reg.leader - 1];
  const e = leaderValid ? null : electLeader(k, ctrl, isr, elr);
  const leader = e === null ? reg.leader : e.leader;
  const nextIsr = e === null ? isr : e.isr;
  const unclean = e !== null && e.unclean;
  const nextElrs = e === null ? elr : unclean ? [] : e.elr;
  const lastKnownLeader = lastKnownLeaderAfter(k, reg, leader, nextIsr);
  if (leader === reg.leader && sameIds(reg.isr, nextIsr) && sameIds(reg.elr, nextElrs) && lastKnownLeader === reg.lastKnownLeader) return ctrl;
  const shrunk = leader !== NO_LEADER && nextIsr.length < reg.isr.length;
  const shrinkBumps = origin.byLeader === true ? k.controller.leaderShrinkBumpsLeaderEpoch : k.controller.shrinkBumpsLeaderEpoch;
  const bump = leader !== reg.leader || (shrunk && shrinkBumps);
  const registration: Registration = {
    leader, isr: nextIsr, elr: nextElrs, lastKnownLeader, leaderEpoch: reg.leaderEpoch + (bump ? 1 : 0), partitionEpoch: reg.partitionEpoch + 1,
  };
  const next = copyController(ctrl);
  next.registration = registration;
  next.metadataOffset = ctrl.metadataOffset + 1;
  next.uncleanElections = ctrl.uncleanElections + (unclean ? 1 : 0);
  return next;
}

/**
 * R3 (PartitionChangeBuilder.maybeUpdateLastKnownLeader, with ELR and the last-known-leader
 * election on): the leader is recorded when a change empties the ISR, unless it is recorded
 * already (a leader the partition had lost before is NO_LEADER, which no election takes), and
 * forgotten once the partition has a leader again.
 */
function lastKnownLeaderAfter(k: Rules, reg: Registration, leader: BrokerId, isr: readonly BrokerId[]): BrokerId {
  if (!k.election.elr || !k.election.lastKnownLeader) return reg.lastKnownLeader;
  if (isr.length === 0 && reg.isr.length > 0 && reg.lastKnownLeader !== reg.leader) return reg.leader;
  return leader !== NO_LEADER ? NO_LEADER : reg.lastKnownLeader;
}

const NO_ORIGIN: ChangeOrigin = {};
const NOBODY: readonly BrokerId[] = [];

function sameIds(x: readonly BrokerId[], y: readonly BrokerId[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** S4: a broker whose session expired is fenced and leaves the ISR. */
export function fenceBroker(k: Rules, ctrl: ControllerContext, b: BrokerId): ControllerContext {
  const fenced = copyController(ctrl);
  fenced.fenced = ctrl.fenced.with(b - 1, true);
  fenced.metadataOffset = ctrl.metadataOffset + 1;
  return applyChange(k, fenced, without(ctrl.registration.isr, b));
}

/** A fenced broker's heartbeat is granted: unfence it and elect if the partition has no leader. */
export function unfenceBroker(k: Rules, ctrl: ControllerContext, b: BrokerId): ControllerContext {
  const unfenced = copyController(ctrl);
  unfenced.fenced = ctrl.fenced.with(b - 1, false);
  unfenced.metadataOffset = ctrl.metadataOffset + 1;
  return applyChange(k, unfenced, unfenced.registration.isr);
}

/**
 * L7/S4/R4: a restarted broker registers a new incarnation. In KRaft (and ZooKeeper after KIP-380)
 * the old session is fenced first and the new incarnation leaves the ISR, and, after an unclean
 * shutdown, the ELR (a clean one is proven by the previous broker epoch it sends); before KIP-380
 * a fast bounce went unnoticed and the broker kept its place in the ISR. A KRaft broker registers
 * fenced, and a heartbeat unfences it once it has replayed its registration (`hasCaughtUp`). The
 * registration record comes last in its batch (ClusterControlManager.registerBroker puts the
 * records that clean up the old incarnation first), so its offset is the batch's last.
 */
export function registerBroker(k: Rules, ctrl: ControllerContext, b: BrokerId, incarnation: number, clean: boolean): ControllerContext {
  const bounced = k.restartKeepsIsr || ctrl.fenced[b - 1] ? ctrl : fenceBroker(k, ctrl, b);
  const registered = copyController(bounced);
  registered.brokerEpochs = bounced.brokerEpochs.with(b - 1, incarnation);
  registered.fenced = bounced.fenced.with(b - 1, k.controller.registersFenced);
  registered.metadataOffset = bounced.metadataOffset + 1;
  const reg = registered.registration;
  if (k.restartKeepsIsr) return recordRegistration(k, applyChange(k, registered, reg.isr), b);
  let excluded: ControllerContext = registered;
  if (!clean) {
    const notEligible = copyController(registered);
    notEligible.registration = { ...reg, elr: without(reg.elr, b) };
    excluded = notEligible;
  }
  return recordRegistration(k, applyChange(k, excluded, without(reg.isr, b), { unclean: clean ? [] : [b] }), b);
}

/** L7: the offset of broker `b`'s registration record, the newest one, where unfencing waits for it. */
function recordRegistration(k: Rules, ctrl: ControllerContext, b: BrokerId): ControllerContext {
  if (k.controller.unfenceAfterReplaying !== 'registration') return ctrl;
  const next = copyController(ctrl);
  next.registeredAt = ctrl.registeredAt.with(b - 1, ctrl.metadataOffset);
  return next;
}

/**
 * R7: the operator sets min.insync.replicas (a ConfigRecord). With ELR on, the controller writes a
 * ClearElrRecord with it (ConfigurationControlManager.createClearElrRecordsAsNeeded), whose replay
 * empties the ELR and the last known ELR, which holds the last known leader, of every partition that
 * has either (ReplicationControlManager.removeTopicElrs; brokers do the same in TopicDelta): the
 * partition epoch goes up, no leader is elected, and later changes compute the ELR against the new
 * value.
 */
export function alterMinIsr(k: Rules, ctrl: ControllerContext, minIsr: number): ControllerContext {
  const next = copyController(ctrl);
  next.minIsr = minIsr;
  next.metadataOffset = ctrl.metadataOffset + 1;
  if (!k.election.elr) return next;
  next.metadataOffset++;
  const reg = ctrl.registration;
  if (reg.elr.length > 0 || reg.lastKnownLeader !== NO_LEADER) {
    next.registration = { ...reg, elr: [], lastKnownLeader: NO_LEADER, partitionEpoch: reg.partitionEpoch + 1 };
  }
  return next;
}

/**
 * M1: the preferred replica (the first voter in assignment order) takes leadership back when it
 * is unfenced, in the ISR and not the leader; the leader epoch is bumped.
 */
export function canElectPreferred(k: Rules, ctrl: ControllerContext): boolean {
  const preferred = k.replicas.find((b) => !isObserver(k, b))!;
  const reg = ctrl.registration;
  return reg.leader !== preferred && reg.isr.includes(preferred) && !ctrl.fenced[preferred - 1];
}

export function electPreferredLeader(k: Rules, ctrl: ControllerContext): ControllerContext {
  const reg = ctrl.registration;
  const preferred = k.replicas.find((b) => !isObserver(k, b))!;
  const next = copyController(ctrl);
  next.registration = { ...reg, leader: preferred, lastKnownLeader: NO_LEADER, leaderEpoch: reg.leaderEpoch + 1, partitionEpoch: reg.partitionEpoch + 1 };
  next.metadataOffset = ctrl.metadataOffset + 1;
  return next;
}

/**
 * M4/M5: another controller takes over with a higher epoch. It starts from the state the old one
 * had written (ZooKeeper) or committed (KRaft: each change here commits as it is made, so none is
 * lost), and sends it to every broker again.
 */
export function failOver(ctrl: ControllerContext): ControllerContext {
  const next = copyController(ctrl);
  next.epoch = ctrl.epoch + 1;
  next.metadataOffset = ctrl.metadataOffset + 1;
  return next;
}

/**
 * S3: the checks the controller makes on AlterPartition, in the order of
 * ReplicationControlManager.alterPartition: first the sender's broker epoch against its
 * registration (STALE_BROKER_EPOCH: the request of a process that has since restarted; before
 * KIP-497 the leader wrote the ISR itself, in the same step, so it is always current), then
 * validateAlterPartitionData, as an error code or null. A newer leader or partition epoch than the
 * controller's means the sender has heard from a newer controller: NOT_CONTROLLER (the model's one
 * controller never falls behind a leader, so only a hand-built request gets it).
 */
export function alterPartitionError(k: Rules, ctrl: ControllerContext, req: AlterPartition): string | null {
  if (req.brokerEpoch !== ctrl.brokerEpochs[req.from - 1]) return 'STALE_BROKER_EPOCH';
  const reg = ctrl.registration;
  const checksPe = k.alterPartition.checksPartitionEpoch;
  if (req.leaderEpoch > reg.leaderEpoch || (checksPe && req.partitionEpoch > reg.partitionEpoch)) return 'NOT_CONTROLLER';
  if (req.leaderEpoch < reg.leaderEpoch) return 'FENCED_LEADER_EPOCH';
  if (req.from !== reg.leader) return 'INVALID_REQUEST';
  if (checksPe && req.partitionEpoch < reg.partitionEpoch) return 'INVALID_UPDATE_VERSION';
  if (!req.isr.includes(reg.leader)) return 'INVALID_REQUEST';
  if (req.isr.some((b) => isObserver(k, b))) return 'INELIGIBLE_REPLICA';
  return req.isr.some((b, i) => isIneligible(k, ctrl, b, req.memberEpochs[i])) ? 'INELIGIBLE_REPLICA' : null;
}

/**
 * S3 (ineligibleReplicasForIsr): with KIP-841 a fenced member (not alive, for the ZooKeeper
 * controller); with KIP-903 (KRaft only) one at another broker epoch than the leader saw. A
 * broker epoch of -1 is one the leader has not heard in its epoch: Kafka skips the check for it.
 */
function isIneligible(k: Rules, ctrl: ControllerContext, b: BrokerId, epoch: number): boolean {
  if (k.alterPartition.checksBrokerState && ctrl.fenced[b - 1]) return true;
  return k.alterPartition.checksBrokerEpoch && epoch !== -1 && epoch !== ctrl.brokerEpochs[b - 1];
}

/** Commit or refuse an AlterPartition and answer the leader. */
export function handleAlterPartition(k: Rules, ctrl: ControllerContext, req: AlterPartition): Reaction<ControllerContext> {
  const error = alterPartitionError(k, ctrl, req);
  const next = error === null ? applyChange(k, ctrl, req.isr, { byLeader: true }) : ctrl;
  const reg = next.registration;
  return sending(next, {
    kind: 'AlterPartitionResponse', from: 0, to: req.from, error,
    leaderEpoch: reg.leaderEpoch, isr: reg.isr, partitionEpoch: reg.partitionEpoch,
    proposedIsr: req.isr, proposedAtEpoch: req.partitionEpoch, toIncarnation: req.brokerEpoch,
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
      isUnfenced: ({ context, event }: Args) => !context.fenced[as<'BrokerFenced' | 'BrokerShutDown' | 'BrokerHeartbeat'>(event).broker - 1],
      hasCaughtUp: ({ context, event }: Args) => {
        const e = as<'BrokerHeartbeat'>(event);
        return hasCaughtUp(k, context, e.broker, e.metadataOffset);
      },
      canElectPreferred: ({ context }: Args) => canElectPreferred(k, context),
    },
    actions: {
      fenceBroker: assign(({ context, event }: Args) => fenceBroker(k, context, as<'BrokerFenced'>(event).broker)),
      unfenceBroker: assign(({ context, event }: Args) => unfenceBroker(k, context, as<'BrokerHeartbeat'>(event).broker)),
      registerBroker: assign(({ context, event }: Args) => {
        const e = as<'BrokerRegistered'>(event);
        return registerBroker(k, context, e.broker, e.incarnation, e.clean);
      }),
      /** M2: a broker in controlled shutdown leaves the ISR and hands leadership on, then is fenced. */
      shutDownBroker: assign(({ context, event }: Args) => fenceBroker(k, context, as<'BrokerShutDown'>(event).broker)),
      electPreferredLeader: assign(({ context }: Args) => electPreferredLeader(k, context)),
      failOver: assign(({ context }: Args) => failOver(context)),
      alterMinIsr: assign(({ context, event }: Args) => alterMinIsr(k, context, as<'IncrementalAlterConfigs'>(event).minIsr)),
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
          // calculateNextBrokerState: an unfenced broker's heartbeat changes nothing here; a fenced one's
          // unfences it once it has caught up, and otherwise leaves it fenced.
          BrokerHeartbeat: [
            { guard: 'isUnfenced' },
            { guard: 'hasCaughtUp', actions: 'unfenceBroker' },
          ],
          BrokerRegistered: { actions: 'registerBroker' },
          BrokerShutDown: { guard: 'isUnfenced', actions: 'shutDownBroker' },
          PreferredElection: { guard: 'canElectPreferred', actions: 'electPreferredLeader' },
          Failover: { actions: 'failOver' },
          IncrementalAlterConfigs: { actions: 'alterMinIsr' },
          AlterPartition: { actions: 'handleAlterPartition' },
        },
      },
    },
  });
}

export type ControllerMachine = ReturnType<typeof createControllerMachine>;
