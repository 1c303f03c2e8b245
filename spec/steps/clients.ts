/**
 * The clients' steps: the producer sends the next value (P1-P7) and, when it may retry, resends
 * a batch it holds no ack for (P8-P12), and the consumer fetches, learns a
 * newer leader, validates its position, is told to read from a follower, and forgets that choice
 * (C1-C6). The rules they follow are in spec/client.ts and spec/leader.ts; each step here names them.
 */
import type { ClusterState } from '../cluster.ts';
import type { BrokerId } from '../types.ts';
import {
  canConsumerExpireReadReplica, canConsumerFetch, canConsumerRefreshMetadata, canConsumerValidate, canLeaderSelectReadReplica,
  consumerExpireReadReplica, consumerFetch, consumerRefreshMetadata, consumerValidatePosition, leaderSelectReadReplica,
  validatesPosition,
} from '../client.ts';
import { resendable } from '../producer.ts';
import { type Reasons, type StepPicture, defineStep } from './define.ts';
import { onTime } from './timing.ts';
import { CONSUMER, CONTROLLER, type Footprint, GHOST, PRODUCER, slot } from './footprint.ts';

/** P1: the producer sends its next value to a broker whose replica believes it leads (a zombie included). */
/** The picture of a produce request: an arrow from the producer to the leader, marked when it was acknowledged at once. */
function producePicture(kind: string) {
  return (prev: ClusterState, a: { broker: BrokerId; value: number }, next: ClusterState) => {
    const acked = next.ghost.acked.length > prev.ghost.acked.length;
    return { arrows: [{ from: 'producer', to: `b${a.broker}`, label: `Produce v${a.value}${kind}${acked ? ' (acked)' : ''}` }], notes: [] };
  };
}

export const ProducerSend = defineStep<{ step: 'ProducerSend'; broker: BrokerId; value: number }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (s.replicas[b - 1].role === 'leader' && s.nextValue <= cl.bounds.maxRecords) out.push({ step: 'ProducerSend', broker: b, value: s.nextValue });
    },
  },
  apply: (cl, s, a) => cl.produce(s, a.broker, a.value, false),
  describe: (a) => `producer sends v${a.value} to broker ${a.broker}`,
  tell: (before, a, after) => `the producer sends v${a.value} to leader ${a.broker}${answered(before, a, after)}`,
  fairness: 'fair',
  // The controller is read for the goal that asks whether a deposed leader appended.
  footprint: (f, s, a) => f.replica(s, a.broker, true).writes(PRODUCER).reads(CONTROLLER),
  picture: producePicture(''),
  ruledOut: () => null,
  late: onTime,
});

/** How the leader took a produce request: appended, or (said after it) refused, refused out of sequence, or holding it already. */
function answered(before: ClusterState, a: { broker: BrokerId; value: number }, after: ClusterState): string {
  const log = before.replicas[a.broker - 1].context.log;
  if (after.replicas[a.broker - 1].context.log.length > log.length) return '';
  const p = after.producer;
  if (p !== undefined && before.producer !== undefined && p.epoch > before.producer.epoch) return `, which refuses it out of sequence: the producer bumps its epoch to ${p.epoch}`;
  return p !== undefined && log.some((e) => e.value === a.value) ? ', which holds it already and appends nothing' : ', which refuses it';
}

/**
 * P8: the producer resends a batch it holds no ack for (after a timeout or an error), spending a
 * retry; the leader's duplicate check answers an idempotent one (P9). An idempotent producer
 * resends its oldest outstanding batch only (P12).
 */
export const ProducerRetry = defineStep<{ step: 'ProducerRetry'; broker: BrokerId; value: number }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      const p = s.producer;
      if (p === undefined || s.replicas[b - 1].role !== 'leader') return;
      for (const value of resendable(cl.rules, p, cl.maxRetries)) out.push({ step: 'ProducerRetry', broker: b, value });
    },
  },
  apply: (cl, s, a) => cl.produce(s, a.broker, a.value, true),
  describe: (a) => `producer resends v${a.value} to broker ${a.broker}`,
  tell: (before, a, after) => `the producer resends v${a.value} to leader ${a.broker}${answered(before, a, after)}`,
  fairness: 'fair',
  footprint: (f, s, a) => f.replica(s, a.broker, true).writes(PRODUCER).reads(CONTROLLER),
  picture: producePicture(' (retry)'),
  // A resend is sent when the producer acts on a timeout or an error, and handled when it arrives.
  late: onTime,
  ruledOut: (why) => (why.retries ? null : 'the producer does not retry (maxRetries 0)'),
});

/** What a consumer step touches: the consumer, the ghost that records its reads, and the broker it asks. */
const consumerFootprint = (f: Footprint, _s: ClusterState, a: { broker: BrokerId }): void => {
  f.writes(CONSUMER | GHOST).reads(slot(a.broker));
};

/** The consumer's steps are possible only with a consumer; following a read replica only with follower reads (KIP-392). */
const noFollowerReads = (why: Reasons): string | null =>
  why.noConsumer ?? (why.rules.consumer.followerReads ? why.noFollowers : 'the consumer reads only from leaders (followerReads off)');

/** What the consumer hears back (C1-C6): the record, or the error or answer and what it did about it. */
function consumerAnswer(prev: ClusterState, a: { step: string; broker: number }, next: ClusterState): StepPicture {
  return { arrows: [{ from: `b${a.broker}`, to: 'consumer', label: answerOf(prev, a, next) }], notes: [] };
}

function answerOf(prev: ClusterState, a: { step: string }, next: ClusterState): string {
  const [p, n] = [prev.consumer, next.consumer];
  const reset = next.ghost.resets > prev.ghost.resets ? `, reset to ${n.position}` : n.phase === 'stopped' ? ', consumer stops' : '';
  switch (a.step) {
    case 'ConsumerFetch':
      if (next.ghost.consumed.length > prev.ghost.consumed.length) return `record at ${p.position}`;
      return `OFFSET_OUT_OF_RANGE${reset || ', back to the leader'}`;
    case 'ConsumerRefreshMetadata':
      return `Metadata: leader b${n.leader}, LE ${n.leaderEpoch}${n.phase === 'validating' ? ', validate' : ''}`;
    case 'ConsumerValidatePosition':
      return `OffsetsForLeaderEpoch(e${p.positionEpoch})${reset || ': position valid'}`;
    default:
      return `preferred read replica b${n.readReplica}`;
  }
}

/** C1/C3/C4: the consumer fetches one record at its position, or meets OFFSET_OUT_OF_RANGE. */
export const ConsumerFetch = defineStep<{ step: 'ConsumerFetch'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (cl.rules.consumer.enabled && canConsumerFetch(cl.rules, s, b)) out.push({ step: 'ConsumerFetch', broker: b });
    },
  },
  apply: (cl, s, a) => consumerFetch(cl.rules, s, a.broker),
  describe: (a) => `consumer fetches from broker ${a.broker}`,
  tell: (before, a, _after) => `the consumer fetches offset ${before.consumer.position} from broker ${a.broker}`,
  fairness: 'fair',
  footprint: consumerFootprint,
  picture: consumerAnswer,
  ruledOut: (why) => why.noConsumer,
  late: onTime,
});

/** C5: the consumer learns a newer leader epoch from a broker's metadata. */
export const ConsumerRefreshMetadata = defineStep<{ step: 'ConsumerRefreshMetadata'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (cl.rules.consumer.enabled && canConsumerRefreshMetadata(s, b)) out.push({ step: 'ConsumerRefreshMetadata', broker: b });
    },
  },
  apply: (cl, s, a) => consumerRefreshMetadata(cl.rules, s, a.broker),
  describe: (a) => `consumer learns a newer leader epoch from broker ${a.broker}'s metadata`,
  tell: (_before, a, after) => `the consumer learns leader ${after.consumer.leader} in epoch ${after.consumer.leaderEpoch} from the metadata`,
  fairness: 'fair',
  footprint: consumerFootprint,
  picture: consumerAnswer,
  ruledOut: (why) => why.noConsumer ?? why.noNewEpoch,
  late: onTime,
});

/** C5: OffsetsForLeaderEpoch for the epoch of the last record consumed, at the leader the consumer knows. */
export const ConsumerValidatePosition = defineStep<{ step: 'ConsumerValidatePosition'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (cl.rules.consumer.enabled && canConsumerValidate(cl.rules, s, b)) out.push({ step: 'ConsumerValidatePosition', broker: b });
    },
  },
  apply: (cl, s, a) => consumerValidatePosition(cl.rules, s, a.broker),
  describe: (a) => `consumer validates its position with OffsetsForLeaderEpoch at leader ${a.broker}`,
  tell: (before, a, _after) => `the consumer checks its position ${before.consumer.position} with leader ${a.broker} (OffsetsForLeaderEpoch)`,
  fairness: 'fair',
  footprint: consumerFootprint,
  picture: consumerAnswer,
  ruledOut: (why) => why.noConsumer ?? (validatesPosition(why.rules) ? why.noNewEpoch : 'the consumer does not validate its position (C5)'),
  late: onTime,
});

/** C2 (KIP-392): the leader names a follower for the consumer to read from. */
export const LeaderSelectReadReplica = defineStep<{ step: 'LeaderSelectReadReplica'; broker: BrokerId; replica: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (!cl.rules.consumer.enabled) return;
      for (const f of cl.rules.replicas) {
        if (canLeaderSelectReadReplica(cl.rules, s, b, f)) out.push({ step: 'LeaderSelectReadReplica', broker: b, replica: f });
      }
    },
  },
  apply: (_cl, s, a) => leaderSelectReadReplica(s, a.replica),
  describe: (a) => `leader ${a.broker} tells the consumer to read from broker ${a.replica}`,
  tell: (_before, a) => `leader ${a.broker} tells the consumer to read from broker ${a.replica}`,
  fairness: 'unfair',
  footprint: consumerFootprint,
  picture: consumerAnswer,
  ruledOut: noFollowerReads,
  late: onTime,
});

/** C2: the consumer's choice of a read replica expires (metadata.max.age.ms); it returns to the leader. */
export const ConsumerExpireReadReplica = defineStep<{ step: 'ConsumerExpireReadReplica'; broker: BrokerId }>({
  enabled: {
    each: 'state',
    actions(cl, s, out) {
      if (cl.rules.consumer.enabled && canConsumerExpireReadReplica(s)) out.push({ step: 'ConsumerExpireReadReplica', broker: s.consumer.readReplica });
    },
  },
  apply: (_cl, s) => consumerExpireReadReplica(s),
  describe: (a) => `the consumer's choice of broker ${a.broker} as read replica expires`,
  tell: (_before, a) => `the consumer stops reading from broker ${a.broker}`,
  fairness: 'unfair',
  footprint: consumerFootprint,
  picture: (_prev, a) => ({ arrows: [], notes: [{ over: 'consumer', text: `forgets read replica b${a.broker}` }] }),
  ruledOut: noFollowerReads,
  late: onTime,
});
