/**
 * A broker's own steps: it replays the controller's metadata (a KRaft broker applying a delta),
 * crashes keeping its page cache or losing power (D4), fails for good, restarts as a new
 * incarnation (D4, L7), shuts down cleanly (M2, D2), and writes its HW checkpoint (H7). The
 * effects are `Cluster` helpers that step the replica machine (spec/replica.ts) and, for a
 * restart or a shutdown, the controller.
 */
import type { BrokerId } from '../types.ts';
import { leo } from '../replica-context.ts';
import { leaderName } from '../words.ts';
import { defineStep, noteOfStep, running } from './define.ts';
import { onTime } from './timing.ts';
import { CONTROLLER } from './footprint.ts';

/**
 * A broker that is up replays the controller's metadata up to its newest record. In KRaft a fenced
 * broker does too (BrokerMetadataPublisher hands every delta to ReplicaManager.applyDelta whatever
 * its fencing; a restarted broker replays before it asks to be unfenced, L7); a ZooKeeper
 * controller sends metadata to live brokers only.
 */
export const BrokerApplyMetadata = defineStep<{ step: 'BrokerApplyMetadata'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      const mayReplay = cl.rules.controller.fencedBrokersReplay || !s.controller.fenced[b - 1];
      if (running(s, b) && mayReplay && s.replicas[b - 1].context.knownMetadata < s.controller.metadataOffset) {
        out.push({ step: 'BrokerApplyMetadata', broker: b });
      }
    },
  },
  apply: (cl, s, a) => cl.applyMetadata(s, a.broker),
  describe: (a) => `broker ${a.broker} replays the latest metadata`,
  tell: (_before, a, after) => {
    const r = after.replicas[a.broker - 1].context;
    return `broker ${a.broker} applies the controller's metadata (${leaderName(r.leader)}, epoch ${r.leaderEpoch})`;
  },
  fairness: 'fair',
  footprint: (f, s, a) => f.metadata(s, a.broker, s.controller.registration.leader).reads(CONTROLLER),
  picture: noteOfStep,
  ruledOut: () => null,
  late: onTime,
});

/** D4: a process crash; what the broker wrote survives in the page cache. */
export const BrokerCrash = defineStep<{ step: 'BrokerCrash'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (running(s, b) && s.spent.crashes < cl.bounds.maxCrashes) out.push({ step: 'BrokerCrash', broker: b });
    },
  },
  apply: (cl, s, a) => cl.crash(s, a.broker, Number.MAX_SAFE_INTEGER),
  describe: (a) => `broker ${a.broker} crashes (page cache survives)`,
  tell: (_before, a) => `broker ${a.broker} crashes (what it wrote survives in the page cache)`,
  fairness: 'fault',
  footprint: (f) => f.everything(),
  picture: noteOfStep,
  ruledOut: (why) => why.noCrash,
  late: onTime,
});

/** D4: a power loss; the broker keeps its flushed records and any prefix of the rest. */
export const BrokerLossyCrash = defineStep<{ step: 'BrokerLossyCrash'; broker: BrokerId; keep: number }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (!running(s, b) || s.spent.crashes >= cl.bounds.maxCrashes || s.spent.lossyCrashes >= cl.bounds.lossyCrashes) return;
      const r = s.replicas[b - 1].context;
      for (let keep = r.flushedTo; keep < leo(r); keep++) out.push({ step: 'BrokerLossyCrash', broker: b, keep });
    },
  },
  apply: (cl, s, a) => cl.crash(s, a.broker, a.keep),
  describe: (a) => `broker ${a.broker} loses power, keeping only its first ${a.keep} record(s)`,
  tell: (_before, a) => `broker ${a.broker} loses power`,
  fairness: 'fault',
  footprint: (f) => f.everything(),
  picture: noteOfStep,
  ruledOut: (why) => why.noCrash ?? (why.bounds.lossyCrashes === 0 ? 'no lossy crash in the bounds'
    : why.rules.flushEveryRecord ? 'every record is flushed' : null),
  late: onTime,
});

/** D4, L7: a stopped broker (unless it failed for good) restarts and registers a new incarnation. */
export const BrokerRestart = defineStep<{ step: 'BrokerRestart'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(_cl, s, b, out) {
      if (!running(s, b) && !(s.permanentlyDown?.includes(b) ?? false)) out.push({ step: 'BrokerRestart', broker: b });
    },
  },
  apply: (cl, s, a) => cl.restart(s, a.broker),
  describe: (a) => `broker ${a.broker} restarts and registers a new incarnation`,
  tell: (_before, a) => `broker ${a.broker} restarts and registers again`,
  fairness: 'fair',
  footprint: (f) => f.everything(),
  picture: noteOfStep,
  ruledOut: (why) => (why.noCrash !== null && why.bounds.maxLeaderMoves === 0 ? 'no crash or controlled shutdown in the bounds' : null),
  late: onTime,
});

/** A broker crashes for good, within the `permanentFailures` budget. */
export const BrokerFailPermanently = defineStep<{ step: 'BrokerFailPermanently'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (running(s, b) && (s.permanentlyDown?.length ?? 0) < cl.permanentFailures) out.push({ step: 'BrokerFailPermanently', broker: b });
    },
  },
  apply: (cl, s, a) => cl.failPermanently(s, a.broker),
  describe: (a) => `broker ${a.broker} fails for good (it never comes back)`,
  tell: (_before, a) => `broker ${a.broker} fails for good`,
  fairness: 'fault',
  footprint: (f) => f.everything(),
  picture: noteOfStep,
  ruledOut: (why) => (why.permanentFailures === 0 ? 'no permanent failure in the bounds (permanentFailures=0)' : null),
  late: onTime,
});

/** M2, D2: a controlled shutdown moves leadership off the broker, which flushes and stops; it spends a leader move. */
export const BrokerControlledShutdown = defineStep<{ step: 'BrokerControlledShutdown'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (running(s, b) && !s.controller.fenced[b - 1] && s.spent.leaderMoves < cl.bounds.maxLeaderMoves) {
        out.push({ step: 'BrokerControlledShutdown', broker: b });
      }
    },
  },
  apply: (cl, s, a) => cl.controlledShutdown(s, a.broker),
  describe: (a) => `broker ${a.broker} shuts down cleanly (controlled shutdown)`,
  tell: (_before, a) => `broker ${a.broker} shuts down cleanly`,
  fairness: 'fault',
  footprint: (f) => f.everything(),
  picture: noteOfStep,
  ruledOut: (why) => (why.bounds.maxLeaderMoves === 0 ? 'no leader moves in the bounds' : null),
  late: onTime,
});

/** H7: a broker whose HW checkpoint lags its HW writes the checkpoint (only when checkpoints may lag). */
export const BrokerCheckpointHw = defineStep<{ step: 'BrokerCheckpointHw'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      const r = s.replicas[b - 1].context;
      if (running(s, b) && cl.rules.hwCheckpointLags && r.hwCheckpoint !== r.hw) out.push({ step: 'BrokerCheckpointHw', broker: b });
    },
  },
  apply: (cl, s, a) => cl.toReplica(s, a.broker, { type: 'CheckpointHw' }),
  describe: (a) => `broker ${a.broker} writes its HW checkpoint`,
  tell: (_before, a, after) => `broker ${a.broker} writes HW ${after.replicas[a.broker - 1].context.hwCheckpoint} to its checkpoint file`,
  fairness: 'fair',
  footprint: (f, s, a) => f.replica(s, a.broker),
  picture: noteOfStep,
  ruledOut: (why) => (why.rules.hwCheckpointLags ? null : 'HW checkpoints do not lag (hwCheckpointLags=false)'),
  late: onTime,
});
