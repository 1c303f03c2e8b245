/**
 * The controller's steps: it fences a broker whose session expired and unfences one whose
 * heartbeats resumed once it has replayed the metadata far enough (L7), moves leadership back to
 * the preferred replica (M1), fails over to another controller (M4, M5), takes the operator's new
 * min.insync.replicas (R7), and a deposed ZooKeeper controller sends its stale metadata (M4).
 * Elections happen inside these steps (L1, L2, R3), in the controller machine (spec/controller.ts);
 * `Cluster.withinBounds` checks the leader changes they spend.
 */
import type { BrokerId } from '../types.ts';
import { defineStep, noteOfStep, running } from './define.ts';
import { onTime } from './timing.ts';
import { set } from '../words.ts';
import { hasCaughtUp } from '../rules.ts';
import { BUDGETS, lifecycle, slot } from './footprint.ts';

/** L7: a broker's session expires: a crashed broker's, or a live one's whose heartbeats are lost (a fault, within its budget). */
export const ControllerFenceBroker = defineStep<{ step: 'ControllerFenceBroker'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (s.controller.fenced[b - 1]) return;
      if (!running(s, b) || s.spent.heartbeatLosses < cl.bounds.maxHeartbeatLosses) out.push({ step: 'ControllerFenceBroker', broker: b });
    },
  },
  apply: (cl, s, a) => cl.fence(s, a.broker),
  describe: (a) => `controller fences broker ${a.broker} (session expired)`,
  tell: (_before, a) => `the controller stops hearing broker ${a.broker}'s heartbeats`,
  // A live broker fenced for lost heartbeats is a fault; a crashed broker's session expiring is owed.
  fairness: (s, a) => (s.replicas[a.broker - 1].role === 'offline' ? 'fair' : 'fault'),
  footprint: (f, _s, a) => f.controller().reads(lifecycle(a.broker)),
  picture(_prev, a, next) {
    const reg = next.controller.registration;
    return { arrows: [], notes: [{ over: 'controller', text: `fences b${a.broker}; leader ${reg.leader}, LE ${reg.leaderEpoch}, ISR ${set(reg.isr)}` }] };
  },
  ruledOut: (why) => (why.noCrash !== null && why.bounds.maxHeartbeatLosses === 0 && why.permanentFailures === 0
    ? 'no crash or lost heartbeat in the bounds' : null),
  late: onTime,
});

/**
 * L7: a fenced broker that is up heartbeats, reporting how far it has replayed the metadata, and
 * the controller unfences it if that has caught up (`hasCaughtUp`: in KRaft, to its registration).
 */
export const ControllerUnfenceBroker = defineStep<{ step: 'ControllerUnfenceBroker'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (running(s, b) && s.controller.fenced[b - 1] && hasCaughtUp(cl.rules, s.controller, b, s.replicas[b - 1].context.knownMetadata)) {
        out.push({ step: 'ControllerUnfenceBroker', broker: b });
      }
    },
  },
  apply: (cl, s, a) => cl.toController(s, { type: 'BrokerHeartbeat', broker: a.broker, metadataOffset: s.replicas[a.broker - 1].context.knownMetadata }),
  describe: (a) => `controller unfences broker ${a.broker} (heartbeats resumed)`,
  tell: () => null,
  fairness: 'fair',
  // The heartbeat reports the metadata offset the broker has replayed, which sits in its slot.
  footprint: (f, _s, a) => f.controller().reads(slot(a.broker)),
  picture(_prev, a, next) {
    const reg = next.controller.registration;
    return { arrows: [], notes: [{ over: 'controller', text: `unfences b${a.broker}; leader ${reg.leader}, LE ${reg.leaderEpoch}, ISR ${set(reg.isr)}` }] };
  },
  ruledOut: ({ rules, bounds: c }) => (c.maxHeartbeatLosses > 0 || (rules.controller.registersFenced && (c.maxCrashes > 0 || c.maxLeaderMoves > 0))
    ? null : 'no lost heartbeat in the bounds, and no restart that registers fenced'),
  late: onTime,
});

/** M1's event: the same object every time (events are never changed). */
const PREFERRED_ELECTION = { type: 'PreferredElection' } as const;

/** M1: a preferred-leader election moves leadership back to the first replica; it spends a leader move. */
export const ControllerElectPreferredLeader = defineStep<{ step: 'ControllerElectPreferredLeader' }>({
  enabled: {
    each: 'state',
    actions(cl, s, out) {
      if (s.spent.leaderMoves < cl.bounds.maxLeaderMoves && cl.controllerAccepts(s, PREFERRED_ELECTION)) {
        out.push({ step: 'ControllerElectPreferredLeader' });
      }
    },
  },
  apply: (cl, s) => cl.toController(cl.spendMove(s), PREFERRED_ELECTION, false),
  describe: () => 'controller moves leadership back to the preferred replica',
  tell: () => 'the controller moves leadership back to the preferred replica',
  fairness: 'fault',
  footprint: (f) => f.controller(),
  picture: noteOfStep,
  ruledOut: (why) => (why.bounds.maxLeaderMoves === 0 ? 'no leader moves in the bounds' : why.noFollowers),
  late: onTime,
});

/** M4, M5: another controller takes over and sends its state to every broker. */
export const ControllerFailover = defineStep<{ step: 'ControllerFailover' }>({
  enabled: {
    each: 'state',
    actions(cl, s, out) {
      if (s.spent.controllerFailovers < cl.bounds.maxControllerFailovers) out.push({ step: 'ControllerFailover' });
    },
  },
  apply: (cl, s) => cl.failOver(s),
  describe: () => 'another controller takes over and sends its state to every broker',
  tell: () => null,
  fairness: 'fault',
  footprint: (f) => f.controller(),
  picture: noteOfStep,
  ruledOut: (why) => (why.bounds.maxControllerFailovers === 0 ? 'no controller failover in the bounds' : null),
  late: onTime,
});

/**
 * R7: the operator sets the topic's min.insync.replicas to another value (IncrementalAlterConfigs),
 * within the `maxMinIsrChanges` budget; with ELR on, the controller clears the ELR with it.
 */
export const AdminAlterMinIsr = defineStep<{ step: 'AdminAlterMinIsr'; value: number }>({
  enabled: {
    each: 'state',
    actions(cl, s, out) {
      if (s.minIsrChanges === undefined || s.minIsrChanges >= cl.maxMinIsrChanges) return;
      for (const value of cl.rules.replicas) if (value !== s.controller.minIsr) out.push({ step: 'AdminAlterMinIsr', value });
    },
  },
  apply: (cl, s, a) => cl.alterMinIsr(s, a.value),
  describe: (a) => `the operator sets min.insync.replicas to ${a.value}`,
  tell: (before, a, after) => {
    const cleared = before.controller.registration.elr.length > 0 && after.controller.registration.elr.length === 0;
    return `the operator sets min.insync.replicas to ${a.value}${cleared ? ', which clears the ELR' : ''}`;
  },
  fairness: 'fault',
  footprint: (f) => f.controller(),
  picture(_prev, a, next) {
    const reg = next.controller.registration;
    return { arrows: [], notes: [{ over: 'controller', text: `min.insync.replicas ${a.value}; ISR ${set(reg.isr)}, ELR ${set(reg.elr)}` }] };
  },
  // An operator's request, handled when it arrives: nothing it carries can have been ended by a timeout.
  late: onTime,
  ruledOut: (why) => (why.rules.minIsrMayChange ? null : 'no min.insync.replicas change in the bounds (maxMinIsrChanges=0)'),
});

/** M4: a deposed ZooKeeper controller sends the metadata it still holds to a broker that has something else. */
export const DeposedControllerSendMetadata = defineStep<{ step: 'DeposedControllerSendMetadata'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(_cl, s, b, out) {
      const d = s.deposed;
      if (!running(s, b) || d === null) return;
      const r = s.replicas[b - 1].context;
      if (r.controllerEpoch !== d.image.controllerEpoch || r.knownMetadata !== d.offset) out.push({ step: 'DeposedControllerSendMetadata', broker: b });
    },
  },
  apply: (cl, s, a) => cl.toReplica(s, a.broker, { type: 'MetadataUpdate', image: s.deposed!.image, offset: s.deposed!.offset }),
  describe: (a) => `the deposed controller sends its stale metadata to broker ${a.broker}`,
  tell: (_before, a) => `the deposed controller sends its stale metadata to broker ${a.broker}`,
  fairness: 'fault',
  footprint: (f, s, a) => f.metadata(s, a.broker, s.deposed!.image.registration.leader).reads(BUDGETS),
  picture: noteOfStep,
  ruledOut: (why) => (why.bounds.maxControllerFailovers === 0 ? 'no controller failover in the bounds'
    : why.rules.controller.kind === 'kraft' ? 'a deposed KRaft controller commits nothing brokers replay' : null),
  late: onTime,
});
