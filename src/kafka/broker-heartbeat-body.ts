/**
 * What a broker's heartbeat says and what the controller answers, read from the raw frame: the
 * broker's liveness as the controller sees it (KIP-631). A broker whose heartbeats stop reaching
 * the controller for broker.session.timeout.ms is fenced; the answer to its next heartbeat says
 * so, and says when it is unfenced again.
 *
 * Layouts from Kafka's BrokerHeartbeatRequest.json and BrokerHeartbeatResponse.json, versions 0 to
 * 2 (flexible in every version; versions 1 and 2 only add tagged fields to the request, skipped
 * here). The whole body is walked and refused unless its layout covers the frame exactly.
 *
 * An answer saying isFenced false does not mean the broker was never fenced: a broker fenced for
 * a missed session, caught up with its registration record, is unfenced by the very heartbeat
 * that reaches the controller next (BrokerHeartbeatManager.calculateNextBrokerState), and the
 * answer to it gives the new state. Seen on Kafka 4.4.0 with the broker's heartbeats held past
 * its session: leadership moved away from it, and every answer it then got said isFenced false.
 * The fencing itself shows in leadership and the ISR, not here.
 */

import { parseRequestHeader } from './framing.ts';
import { BodyError, Reader, bodyStart } from './body-reader.ts';
import { errorName } from './fetch-body.ts';

/** BrokerHeartbeat versions read here. */
export const BROKER_HEARTBEAT_VERSIONS = { min: 0, max: 2 } as const;

export interface BrokerHeartbeatRequestBody {
  readonly kind: 'request';
  readonly brokerId: number;
  readonly brokerEpoch: number;
  /** The highest metadata log offset the broker has applied. */
  readonly currentMetadataOffset: number;
  readonly wantFence: boolean;
  readonly wantShutDown: boolean;
}

export interface BrokerHeartbeatResponseBody {
  readonly kind: 'response';
  readonly errorCode: number;
  readonly error: string;
  readonly isCaughtUp: boolean;
  /** Whether the controller holds the broker fenced (no leadership, out of every ISR). */
  readonly isFenced: boolean;
  readonly shouldShutDown: boolean;
}

export type BrokerHeartbeatBody = BrokerHeartbeatRequestBody | BrokerHeartbeatResponseBody;

/** Reads a BrokerHeartbeat request frame (size prefix included). Throws a BodyError when it does not fit its version's layout. */
export function parseBrokerHeartbeatRequest(frame: Buffer): BrokerHeartbeatRequestBody {
  const header = parseRequestHeader(frame);
  if (header.apiKey !== 63) throw new BodyError(`api key ${header.apiKey} is not BrokerHeartbeat (63)`);
  checkVersion(header.apiVersion);
  const r = new Reader(frame, bodyStart(frame, 'request'));
  const body: BrokerHeartbeatRequestBody = {
    kind: 'request',
    brokerId: r.int32(),
    brokerEpoch: r.int64(),
    currentMetadataOffset: r.int64(),
    wantFence: r.bool(),
    wantShutDown: r.bool(),
  };
  r.taggedFields(() => false); // OfflineLogDirs, CordonedLogDirs
  r.end();
  return body;
}

/** Reads a BrokerHeartbeat response frame (size prefix included) answering a request of `version`. */
export function parseBrokerHeartbeatResponse(frame: Buffer, version: number): BrokerHeartbeatResponseBody {
  checkVersion(version);
  const r = new Reader(frame, bodyStart(frame, 'response'));
  r.int32(); // ThrottleTimeMs
  const errorCode = r.int16();
  const body: BrokerHeartbeatResponseBody = {
    kind: 'response',
    errorCode,
    error: errorName(errorCode),
    isCaughtUp: r.bool(),
    isFenced: r.bool(),
    shouldShutDown: r.bool(),
  };
  r.taggedFields(() => false);
  r.end();
  return body;
}

function checkVersion(version: number): number {
  const { min, max } = BROKER_HEARTBEAT_VERSIONS;
  if (version < min || version > max) throw new BodyError(`BrokerHeartbeat version ${version} is not read (versions ${min} to ${max} are)`);
  return version;
}
