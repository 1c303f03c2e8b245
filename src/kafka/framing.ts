/**
 * Kafka's wire framing, as the proxy between brokers needs it: where a frame ends, and who it is.
 *
 * Every Kafka request and response is an int32 size followed by that many bytes
 * (org.apache.kafka.common.network.NetworkReceive). A request's bytes open with its header
 * (RequestHeader.json): int16 api key, int16 api version, int32 correlation id, then from header
 * version 1 a nullable string client id written with an int16 length, -1 for null, in every header
 * version (the client id is not flexible even in header version 2, which only adds tagged fields
 * after it). A response's bytes open with its int32 correlation id (ResponseHeader.json); what
 * follows depends on the request it answers, which only the connection knows.
 *
 * Nothing here reads a body: the proxy forwards the raw bytes it was given.
 */

/**
 * Kafka's API keys by number, with Kafka's own names (the `name` of each
 * common/message/*Request.json without its `Request` suffix), as kafka-clients 4.4.0 defines
 * them. Keys 4 to 7 (LeaderAndIsr, StopReplica, UpdateMetadata, ControlledShutdown) belonged to
 * the ZooKeeper-era controller and have no valid version from Kafka 4.0 on; they are kept so that
 * an older peer's frame is still named.
 */
export const API_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'Produce'],
  [1, 'Fetch'],
  [2, 'ListOffsets'],
  [3, 'Metadata'],
  [4, 'LeaderAndIsr'],
  [5, 'StopReplica'],
  [6, 'UpdateMetadata'],
  [7, 'ControlledShutdown'],
  [8, 'OffsetCommit'],
  [9, 'OffsetFetch'],
  [10, 'FindCoordinator'],
  [11, 'JoinGroup'],
  [12, 'Heartbeat'],
  [13, 'LeaveGroup'],
  [14, 'SyncGroup'],
  [15, 'DescribeGroups'],
  [16, 'ListGroups'],
  [17, 'SaslHandshake'],
  [18, 'ApiVersions'],
  [19, 'CreateTopics'],
  [20, 'DeleteTopics'],
  [21, 'DeleteRecords'],
  [22, 'InitProducerId'],
  [23, 'OffsetForLeaderEpoch'],
  [24, 'AddPartitionsToTxn'],
  [25, 'AddOffsetsToTxn'],
  [26, 'EndTxn'],
  [27, 'WriteTxnMarkers'],
  [28, 'TxnOffsetCommit'],
  [29, 'DescribeAcls'],
  [30, 'CreateAcls'],
  [31, 'DeleteAcls'],
  [32, 'DescribeConfigs'],
  [33, 'AlterConfigs'],
  [34, 'AlterReplicaLogDirs'],
  [35, 'DescribeLogDirs'],
  [36, 'SaslAuthenticate'],
  [37, 'CreatePartitions'],
  [38, 'CreateDelegationToken'],
  [39, 'RenewDelegationToken'],
  [40, 'ExpireDelegationToken'],
  [41, 'DescribeDelegationToken'],
  [42, 'DeleteGroups'],
  [43, 'ElectLeaders'],
  [44, 'IncrementalAlterConfigs'],
  [45, 'AlterPartitionReassignments'],
  [46, 'ListPartitionReassignments'],
  [47, 'OffsetDelete'],
  [48, 'DescribeClientQuotas'],
  [49, 'AlterClientQuotas'],
  [50, 'DescribeUserScramCredentials'],
  [51, 'AlterUserScramCredentials'],
  [52, 'Vote'],
  [53, 'BeginQuorumEpoch'],
  [54, 'EndQuorumEpoch'],
  [55, 'DescribeQuorum'],
  [56, 'AlterPartition'],
  [57, 'UpdateFeatures'],
  [58, 'Envelope'],
  [59, 'FetchSnapshot'],
  [60, 'DescribeCluster'],
  [61, 'DescribeProducers'],
  [62, 'BrokerRegistration'],
  [63, 'BrokerHeartbeat'],
  [64, 'UnregisterBroker'],
  [65, 'DescribeTransactions'],
  [66, 'ListTransactions'],
  [67, 'AllocateProducerIds'],
  [68, 'ConsumerGroupHeartbeat'],
  [69, 'ConsumerGroupDescribe'],
  [70, 'ControllerRegistration'],
  [71, 'GetTelemetrySubscriptions'],
  [72, 'PushTelemetry'],
  [73, 'AssignReplicasToDirs'],
  [74, 'ListClientMetricsResources'],
  [75, 'DescribeTopicPartitions'],
  [76, 'ShareGroupHeartbeat'],
  [77, 'ShareGroupDescribe'],
  [78, 'ShareFetch'],
  [79, 'ShareAcknowledge'],
  [80, 'AddRaftVoter'],
  [81, 'RemoveRaftVoter'],
  [82, 'UpdateRaftVoter'],
  [83, 'InitializeShareGroupState'],
  [84, 'ReadShareGroupState'],
  [85, 'WriteShareGroupState'],
  [86, 'DeleteShareGroupState'],
  [87, 'ReadShareGroupStateSummary'],
  [88, 'StreamsGroupHeartbeat'],
  [89, 'StreamsGroupDescribe'],
  [90, 'DescribeShareGroupOffsets'],
  [91, 'AlterShareGroupOffsets'],
  [92, 'DeleteShareGroupOffsets'],
  [93, 'StreamsGroupTopologyDescriptionUpdate'],
  [94, 'UnregisterController'],
]);

/** The API keys the harness refers to by name, so that a typo is a type error, not a silent miss. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  ApiVersions: 18,
  OffsetForLeaderEpoch: 23,
  Vote: 52,
  BeginQuorumEpoch: 53,
  EndQuorumEpoch: 54,
  DescribeQuorum: 55,
  AlterPartition: 56,
  FetchSnapshot: 59,
  DescribeCluster: 60,
  BrokerRegistration: 62,
  BrokerHeartbeat: 63,
  UnregisterBroker: 64,
  ControllerRegistration: 70,
} as const;

/** Kafka's name for an API key, or `ApiKey(n)` for a key this table does not know. */
export function apiName(apiKey: number): string {
  return API_NAMES.get(apiKey) ?? `ApiKey(${apiKey})`;
}

/**
 * The largest frame accepted: 100 MiB, Kafka's own default limit on a request
 * (socket.request.max.bytes); a larger size prefix means the stream is not Kafka's framing.
 */
export const MAX_FRAME_SIZE = 100 * 1024 * 1024;

/** Bytes of a request header before the client id: api key, api version, correlation id. */
const REQUEST_HEADER_FIXED = 2 + 2 + 4;

/** A stream that is not Kafka's framing, or a frame too short for its header. One line. */
export class FramingError extends Error {
  override readonly name = 'FramingError';
}

/** What a request's header says. */
export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

/**
 * Reads the header of a request frame (size prefix included). The client id is read as header
 * versions 1 and 2 write it; a frame too short for it is a FramingError.
 */
export function parseRequestHeader(frame: Buffer): RequestHeader {
  if (frame.length < 4 + REQUEST_HEADER_FIXED + 2) {
    throw new FramingError(`request frame of ${frame.length - 4} bytes is too short for a request header (${REQUEST_HEADER_FIXED + 2} bytes at least)`);
  }
  const apiKey = frame.readInt16BE(4);
  const apiVersion = frame.readInt16BE(6);
  const correlationId = frame.readInt32BE(8);
  const length = frame.readInt16BE(12);
  if (length < -1) throw new FramingError(`request ${correlationId}: client id length ${length} is negative`);
  if (length === -1) return { apiKey, apiVersion, correlationId, clientId: null };
  if (14 + length > frame.length) {
    throw new FramingError(`request ${correlationId}: client id of ${length} bytes runs past the frame's ${frame.length - 4} bytes`);
  }
  return { apiKey, apiVersion, correlationId, clientId: frame.toString('utf8', 14, 14 + length) };
}

/** Reads the correlation id of a response frame (size prefix included). */
export function parseResponseCorrelationId(frame: Buffer): number {
  if (frame.length < 8) throw new FramingError(`response frame of ${frame.length - 4} bytes is too short for a correlation id`);
  return frame.readInt32BE(4);
}

/**
 * Splits a byte stream into Kafka frames. `push` takes chunks as the socket gives them (a frame
 * split across chunks, several frames in one chunk) and returns the frames completed so far, each
 * with its raw bytes, size prefix included. A negative or absurd size throws a FramingError, after
 * which the stream cannot be resynchronised: the connection must be closed.
 *
 * The chunks of an incomplete frame are kept apart and joined once, when the frame completes, so a
 * large frame arriving in many chunks is copied once rather than once a chunk.
 */
export class FrameSplitter {
  private chunks: Buffer[] = [];
  private length = 0;
  /** The size of the frame being read, once its prefix has arrived. */
  private size = -1;

  constructor(private readonly maxSize: number = MAX_FRAME_SIZE) {}

  /** Bytes received and not yet part of a whole frame. */
  get buffered(): number {
    return this.length;
  }

  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.length += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.size < 0) {
        if (this.length < 4) break;
        const size = this.peekSize();
        if (size < 0) throw new FramingError(`frame size ${size} is negative: not Kafka's framing`);
        if (size > this.maxSize) throw new FramingError(`frame size ${size} is over the ${this.maxSize}-byte limit: not Kafka's framing`);
        this.size = size;
      }
      const total = 4 + this.size;
      if (this.length < total) break;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.length);
      frames.push(all.subarray(0, total));
      this.chunks = this.length > total ? [all.subarray(total)] : [];
      this.length -= total;
      this.size = -1;
    }
    return frames;
  }

  /** The int32 size prefix, which may span chunks. */
  private peekSize(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.chunks, this.length).subarray(0, 4);
    return head.readInt32BE(0);
  }
}

/**
 * Builds a request frame (size prefix included) with header version 1's layout (version 2 adds
 * tagged fields, given here as part of `body` when wanted). For tests and tools that speak to the
 * proxy; the proxy itself forwards the bytes it receives.
 */
export function encodeRequest(header: RequestHeader, body: Buffer = Buffer.alloc(0)): Buffer {
  const id = header.clientId === null ? null : Buffer.from(header.clientId, 'utf8');
  const head = Buffer.alloc(4 + REQUEST_HEADER_FIXED + 2);
  head.writeInt32BE(REQUEST_HEADER_FIXED + 2 + (id?.length ?? 0) + body.length, 0);
  head.writeInt16BE(header.apiKey, 4);
  head.writeInt16BE(header.apiVersion, 6);
  head.writeInt32BE(header.correlationId, 8);
  head.writeInt16BE(id === null ? -1 : id.length, 12);
  return Buffer.concat(id === null ? [head, body] : [head, id, body]);
}

/** Builds a response frame (size prefix included): correlation id, then `body` as given. */
export function encodeResponse(correlationId: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32BE(4 + body.length, 0);
  head.writeInt32BE(correlationId, 4);
  return Buffer.concat([head, body]);
}
