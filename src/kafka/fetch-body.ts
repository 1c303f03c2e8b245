/**
 * The parts of a Fetch request and response that replication turns on, read from the raw frame.
 *
 * Layouts from Kafka's FetchRequest.json and FetchResponse.json (versions 12 to 18, the flexible
 * ones: compact strings and arrays with unsigned-varint lengths, tagged fields closing each
 * struct), as kafka-clients 4.0.1 to 4.4.0 define them. A flexible request has header version 2
 * (the client id, then tagged fields); a flexible response has header version 1 (the correlation
 * id, then tagged fields). The whole body is walked, every field in its turn, and a frame that
 * does not end where its last field does is refused: what comes out is exact or nothing.
 *
 * A follower's fetch names the broker fetching (ReplicaId before version 15, the ReplicaState
 * tagged field from 15 on, -1 for a consumer), and per partition its fetch offset and last fetched
 * epoch (KIP-595's divergence check). The response carries per partition the high watermark, an
 * error code, the diverging epoch when the leader found the follower's log diverged, and the
 * record batches returned (offsets and the leader epoch each batch was written in).
 */

import { parseRequestHeader } from './framing.ts';
import { BodyError, Reader, bodyStart, safe } from './body-reader.ts';

/** Fetch versions read here: the flexible ones Kafka 4.x speaks. */
export const FETCH_VERSIONS = { min: 12, max: 18 } as const;

/** A Fetch body that is not what its version's layout says (the one error of every body reader). */
export { BodyError as FetchBodyError };

/** A topic as the fetch names it: by name (version 12) or by topic id (13 on). */
export interface FetchTopic {
  readonly topicName: string | null;
  /** Kafka's Uuid.toString(): 22 characters of URL-safe base64. */
  readonly topicId: string | null;
}

export interface FetchRequestPartition extends FetchTopic {
  readonly partition: number;
  readonly currentLeaderEpoch: number;
  readonly fetchOffset: number;
  readonly lastFetchedEpoch: number;
  readonly logStartOffset: number;
  readonly partitionMaxBytes: number;
  /** Version 18 on (KIP-1166), when the follower sent it: the high watermark it knows. */
  readonly highWatermark?: number;
}

export interface FetchRequestBody {
  readonly kind: 'request';
  /** The broker fetching, -1 for a consumer. */
  readonly replicaId: number;
  /** The fetching broker's epoch (version 15 on), -1 when not sent. */
  readonly replicaEpoch: number;
  readonly maxWaitMs: number;
  readonly sessionId: number;
  readonly sessionEpoch: number;
  readonly partitions: readonly FetchRequestPartition[];
  /** Partitions an incremental fetch session stops fetching. */
  readonly forgotten: readonly (FetchTopic & { readonly partition: number })[];
}

/** A record batch returned by a fetch (magic 2, the only format Kafka 4.x writes). */
export interface FetchedBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  /** The leader epoch the batch was appended in (its partitionLeaderEpoch field). */
  readonly leaderEpoch: number;
  readonly records: number;
  readonly control: boolean;
}

export interface FetchResponsePartition extends FetchTopic {
  readonly partition: number;
  readonly errorCode: number;
  /** Kafka's name for the error code (Errors.java), e.g. NONE, FENCED_LEADER_EPOCH. */
  readonly error: string;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  /** Present when the leader found the follower's log diverged (KIP-595): where it must truncate to. */
  readonly divergingEpoch?: { readonly epoch: number; readonly endOffset: number };
  readonly currentLeader?: { readonly leaderId: number; readonly leaderEpoch: number };
  readonly preferredReadReplica: number;
  /** Bytes of record data, -1 for null. */
  readonly recordBytes: number;
  readonly batches: readonly FetchedBatch[];
  /** Bytes at the end of the record data too few for a whole batch (a fetch cut at its size limit). */
  readonly partialBytes: number;
}

export interface FetchResponseBody {
  readonly kind: 'response';
  readonly errorCode: number;
  readonly error: string;
  readonly sessionId: number;
  readonly partitions: readonly FetchResponsePartition[];
}

export type FetchBody = FetchRequestBody | FetchResponseBody;

/**
 * Reads a Fetch request frame (size prefix included) of a version from 12 to 18. Throws a
 * FetchBodyError when the version is outside that range or the bytes do not fit its layout.
 */
export function parseFetchRequest(frame: Buffer): FetchRequestBody {
  const header = parseRequestHeader(frame);
  if (header.apiKey !== 1) throw new BodyError(`api key ${header.apiKey} is not Fetch (1)`);
  const version = checkVersion(header.apiVersion);
  const r = new Reader(frame, bodyStart(frame, 'request'));
  let replicaId = version <= 14 ? r.int32() : -1;
  let replicaEpoch = -1;
  const maxWaitMs = r.int32();
  r.int32(); // MinBytes
  r.int32(); // MaxBytes
  r.int8(); // IsolationLevel
  const sessionId = r.int32();
  const sessionEpoch = r.int32();
  const partitions: FetchRequestPartition[] = [];
  r.array(() => {
    const topic = readTopic(r, version);
    r.array(() => {
      const partition = r.int32();
      const currentLeaderEpoch = r.int32();
      const fetchOffset = r.int64();
      const lastFetchedEpoch = r.int32();
      const logStartOffset = r.int64();
      const partitionMaxBytes = r.int32();
      let highWatermark: number | undefined;
      r.taggedFields((tag, field) => {
        if (tag === 1 && version >= 18) highWatermark = field.int64();
        else if (tag === 0 && version >= 17) field.skip(16); // ReplicaDirectoryId
        else return false;
        return true;
      });
      partitions.push({ ...topic, partition, currentLeaderEpoch, fetchOffset, lastFetchedEpoch, logStartOffset, partitionMaxBytes, ...(highWatermark === undefined ? {} : { highWatermark }) });
    });
    r.taggedFields(() => false);
  });
  const forgotten: (FetchTopic & { partition: number })[] = [];
  r.array(() => {
    const topic = readTopic(r, version);
    r.array(() => forgotten.push({ ...topic, partition: r.int32() }));
    r.taggedFields(() => false);
  });
  r.compactString(); // RackId
  r.taggedFields((tag, field) => {
    if (tag === 0) field.compactString(); // ClusterId
    else if (tag === 1 && version >= 15) {
      replicaId = field.int32();
      replicaEpoch = field.int64();
      field.taggedFields(() => false);
    } else return false;
    return true;
  });
  r.end();
  return { kind: 'request', replicaId, replicaEpoch, maxWaitMs, sessionId, sessionEpoch, partitions, forgotten };
}

/**
 * Reads a Fetch response frame (size prefix included) answering a request of `version` (12 to
 * 18). Throws a FetchBodyError when the bytes do not fit that version's layout.
 */
export function parseFetchResponse(frame: Buffer, version: number): FetchResponseBody {
  checkVersion(version);
  const r = new Reader(frame, bodyStart(frame, 'response'));
  r.int32(); // ThrottleTimeMs
  const errorCode = r.int16();
  const sessionId = r.int32();
  const partitions: FetchResponsePartition[] = [];
  r.array(() => {
    const topic = readTopic(r, version);
    r.array(() => partitions.push({ ...topic, ...readResponsePartition(r) }));
    r.taggedFields(() => false);
  });
  r.taggedFields(() => false); // NodeEndpoints (tag 0, version 16 on): skipped whole
  r.end();
  return { kind: 'response', errorCode, error: errorName(errorCode), sessionId, partitions };
}

function readResponsePartition(r: Reader): Omit<FetchResponsePartition, keyof FetchTopic> {
  const partition = r.int32();
  const errorCode = r.int16();
  const highWatermark = r.int64();
  const lastStableOffset = r.int64();
  const logStartOffset = r.int64();
  r.array(() => {
    r.int64(); // ProducerId
    r.int64(); // FirstOffset
    r.taggedFields(() => false);
  }); // AbortedTransactions (nullable)
  const preferredReadReplica = r.int32();
  const records = r.compactBytes();
  let divergingEpoch: FetchResponsePartition['divergingEpoch'];
  let currentLeader: FetchResponsePartition['currentLeader'];
  r.taggedFields((tag, field) => {
    if (tag === 0) {
      divergingEpoch = { epoch: field.int32(), endOffset: field.int64() };
      field.taggedFields(() => false);
    } else if (tag === 1) {
      currentLeader = { leaderId: field.int32(), leaderEpoch: field.int32() };
      field.taggedFields(() => false);
    } else if (tag === 2) {
      field.int64(); // SnapshotId.EndOffset
      field.int32(); // SnapshotId.Epoch
      field.taggedFields(() => false);
    } else return false;
    return true;
  });
  const { batches, partialBytes } = records ? readBatches(records) : { batches: [], partialBytes: 0 };
  return {
    partition,
    errorCode,
    error: errorName(errorCode),
    highWatermark,
    lastStableOffset,
    logStartOffset,
    ...(divergingEpoch ? { divergingEpoch } : {}),
    ...(currentLeader ? { currentLeader } : {}),
    preferredReadReplica,
    recordBytes: records ? records.length : -1,
    batches,
    partialBytes,
  };
}

/**
 * The record batches in a fetch's record data (DefaultRecordBatch's header: baseOffset int64,
 * batchLength int32, partitionLeaderEpoch int32, magic int8, crc, attributes int16,
 * lastOffsetDelta int32, ..., recordsCount int32 at byte 57 of 61).
 */
function readBatches(records: Buffer): { batches: FetchedBatch[]; partialBytes: number } {
  const batches: FetchedBatch[] = [];
  let at = 0;
  while (records.length - at >= 12) {
    const batchLength = records.readInt32BE(at + 8);
    const end = at + 12 + batchLength;
    if (end > records.length) break;
    if (batchLength < 49) throw new BodyError(`record batch at byte ${at} is ${batchLength} bytes long, shorter than a batch header`);
    const magic = records.readInt8(at + 16);
    if (magic !== 2) throw new BodyError(`record batch at byte ${at} has magic ${magic}; only magic 2 is read`);
    const baseOffset = safe(records.readBigInt64BE(at), 'baseOffset');
    batches.push({
      baseOffset,
      lastOffset: baseOffset + records.readInt32BE(at + 23),
      leaderEpoch: records.readInt32BE(at + 12),
      records: records.readInt32BE(at + 57),
      control: (records.readInt16BE(at + 21) & 0x20) !== 0,
    });
    at = end;
  }
  return { batches, partialBytes: records.length - at };
}

function readTopic(r: Reader, version: number): FetchTopic {
  return version >= 13 ? { topicName: null, topicId: r.uuid() } : { topicName: r.compactString(), topicId: null };
}

function checkVersion(version: number): number {
  if (version < FETCH_VERSIONS.min || version > FETCH_VERSIONS.max) {
    throw new BodyError(`Fetch version ${version} is not read (versions ${FETCH_VERSIONS.min} to ${FETCH_VERSIONS.max} are)`);
  }
  return version;
}

/** Kafka's names (Errors.java) for the error codes a fetch or an AlterPartition answers with; others by number. */
const ERRORS: ReadonlyMap<number, string> = new Map([
  [-1, 'UNKNOWN_SERVER_ERROR'],
  [0, 'NONE'],
  [1, 'OFFSET_OUT_OF_RANGE'],
  [2, 'CORRUPT_MESSAGE'],
  [3, 'UNKNOWN_TOPIC_OR_PARTITION'],
  [5, 'LEADER_NOT_AVAILABLE'],
  [6, 'NOT_LEADER_OR_FOLLOWER'],
  [7, 'REQUEST_TIMED_OUT'],
  [9, 'REPLICA_NOT_AVAILABLE'],
  [31, 'CLUSTER_AUTHORIZATION_FAILED'],
  [35, 'UNSUPPORTED_VERSION'],
  [41, 'NOT_CONTROLLER'],
  [42, 'INVALID_REQUEST'],
  [55, 'OPERATION_NOT_ATTEMPTED'],
  [56, 'KAFKA_STORAGE_ERROR'],
  [70, 'FETCH_SESSION_ID_NOT_FOUND'],
  [71, 'INVALID_FETCH_SESSION_EPOCH'],
  [74, 'FENCED_LEADER_EPOCH'],
  [75, 'UNKNOWN_LEADER_EPOCH'],
  [77, 'STALE_BROKER_EPOCH'],
  [95, 'INVALID_UPDATE_VERSION'],
  [100, 'UNKNOWN_TOPIC_ID'],
  [106, 'FETCH_SESSION_TOPIC_ID_ERROR'],
  [107, 'INELIGIBLE_REPLICA'],
  [108, 'NEW_LEADER_ELECTED'],
]);

/** Kafka's name for an error code (Errors.java), or ERROR(n) for one this table does not know. */
export function errorName(code: number): string {
  return ERRORS.get(code) ?? `ERROR(${code})`;
}

