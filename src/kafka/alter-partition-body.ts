/**
 * What an AlterPartition request proposes and what the controller answers, read from the raw
 * frame: the partition leader's ISR changes (a shrink after a follower fell behind, an expansion
 * after one caught up) and the controller's verdict on each.
 *
 * Layouts from Kafka's AlterPartitionRequest.json and AlterPartitionResponse.json, versions 2
 * and 3 (the ones Kafka 4.0.1 to 4.4.0 accept; flexible in every version). Version 3 gives each
 * proposed ISR member with its broker epoch (KIP-903), version 2 the ids alone. As for Fetch, the
 * whole body is walked and refused unless its layout covers the frame exactly.
 */

import { parseRequestHeader } from './framing.ts';
import { BodyError, Reader, bodyStart } from './body-reader.ts';
import { errorName } from './fetch-body.ts';

/** AlterPartition versions read here. */
export const ALTER_PARTITION_VERSIONS = { min: 2, max: 3 } as const;

export interface AlterPartitionProposal {
  /** Kafka's Uuid.toString() of the topic id. */
  readonly topicId: string;
  readonly partition: number;
  readonly leaderEpoch: number;
  /** The ISR the leader asks for. */
  readonly newIsr: readonly number[];
  /** Version 3: each member's broker epoch, in the order of newIsr (-1 when not checked). */
  readonly brokerEpochs?: readonly number[];
  /** 1 while the partition recovers from an unclean election, else 0. */
  readonly leaderRecoveryState: number;
  /** The partition epoch the leader's view is based on; the controller rejects a stale one. */
  readonly partitionEpoch: number;
}

export interface AlterPartitionRequestBody {
  readonly kind: 'request';
  /** The leader asking. */
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly partitions: readonly AlterPartitionProposal[];
}

export interface AlterPartitionOutcome {
  readonly topicId: string;
  readonly partition: number;
  readonly errorCode: number;
  /** Kafka's name for the error code, e.g. NONE, INVALID_UPDATE_VERSION, FENCED_LEADER_EPOCH. */
  readonly error: string;
  readonly leaderId: number;
  readonly leaderEpoch: number;
  /** The ISR the controller now records. */
  readonly isr: readonly number[];
  readonly leaderRecoveryState: number;
  readonly partitionEpoch: number;
}

export interface AlterPartitionResponseBody {
  readonly kind: 'response';
  readonly errorCode: number;
  readonly error: string;
  readonly partitions: readonly AlterPartitionOutcome[];
}

export type AlterPartitionBody = AlterPartitionRequestBody | AlterPartitionResponseBody;

/** Reads an AlterPartition request frame (size prefix included). Throws a BodyError when it does not fit its version's layout. */
export function parseAlterPartitionRequest(frame: Buffer): AlterPartitionRequestBody {
  const header = parseRequestHeader(frame);
  if (header.apiKey !== 56) throw new BodyError(`api key ${header.apiKey} is not AlterPartition (56)`);
  const version = checkVersion(header.apiVersion);
  const r = new Reader(frame, bodyStart(frame, 'request'));
  const brokerId = r.int32();
  const brokerEpoch = r.int64();
  const partitions: AlterPartitionProposal[] = [];
  r.array(() => {
    const topicId = r.uuid();
    r.array(() => {
      const partition = r.int32();
      const leaderEpoch = r.int32();
      const newIsr: number[] = [];
      const brokerEpochs: number[] = [];
      if (version >= 3) {
        r.array(() => {
          newIsr.push(r.int32());
          brokerEpochs.push(r.int64());
          r.taggedFields(() => false);
        });
      } else r.array(() => newIsr.push(r.int32()));
      const leaderRecoveryState = r.int8();
      const partitionEpoch = r.int32();
      r.taggedFields(() => false);
      partitions.push({ topicId, partition, leaderEpoch, newIsr, ...(version >= 3 ? { brokerEpochs } : {}), leaderRecoveryState, partitionEpoch });
    });
    r.taggedFields(() => false);
  });
  r.taggedFields(() => false);
  r.end();
  return { kind: 'request', brokerId, brokerEpoch, partitions };
}

/** Reads an AlterPartition response frame (size prefix included) answering a request of `version`. */
export function parseAlterPartitionResponse(frame: Buffer, version: number): AlterPartitionResponseBody {
  checkVersion(version);
  const r = new Reader(frame, bodyStart(frame, 'response'));
  r.int32(); // ThrottleTimeMs
  const errorCode = r.int16();
  const partitions: AlterPartitionOutcome[] = [];
  r.array(() => {
    const topicId = r.uuid();
    r.array(() => {
      const partition = r.int32();
      const code = r.int16();
      const leaderId = r.int32();
      const leaderEpoch = r.int32();
      const isr: number[] = [];
      r.array(() => isr.push(r.int32()));
      const leaderRecoveryState = r.int8();
      const partitionEpoch = r.int32();
      r.taggedFields(() => false);
      partitions.push({ topicId, partition, errorCode: code, error: errorName(code), leaderId, leaderEpoch, isr, leaderRecoveryState, partitionEpoch });
    });
    r.taggedFields(() => false);
  });
  r.taggedFields(() => false);
  r.end();
  return { kind: 'response', errorCode, error: errorName(errorCode), partitions };
}

function checkVersion(version: number): number {
  const { min, max } = ALTER_PARTITION_VERSIONS;
  if (version < min || version > max) throw new BodyError(`AlterPartition version ${version} is not read (versions ${min} to ${max} are)`);
  return version;
}
