import { describe, expect, it } from 'vitest';
import { encodeRequest } from '../../src/kafka/framing.ts';
import { BodyError } from '../../src/kafka/body-reader.ts';
import { parseBrokerHeartbeatRequest, parseBrokerHeartbeatResponse } from '../../src/kafka/broker-heartbeat-body.ts';
import { exchange } from './fake-kafka.ts';

/**
 * BrokerHeartbeat frames (version 2) as Kafka 4.4.0 sent them, captured through the proxy in
 * front of the controller: broker 2's heartbeat while it starts up (still asking to stay fenced),
 * the controller's answer then, and a later answer once it was unfenced.
 */
const KAFKA = {
  request: '00000023003f0002000000040001320000000002000000000000000d000000000000000d010000',
  fencedResponse: '0000000f000000020000000000000000010000',
  unfencedResponse: '0000000f000000090000000000000001000000',
} as const;
const frame = (name: keyof typeof KAFKA) => Buffer.from(KAFKA[name], 'hex');

describe('BrokerHeartbeat bodies', () => {
  it('reads the broker, its epoch, its metadata offset and whether it wants to be fenced', () => {
    expect(parseBrokerHeartbeatRequest(frame('request'))).toEqual({ kind: 'request', brokerId: 2, brokerEpoch: 13, currentMetadataOffset: 13, wantFence: true, wantShutDown: false });
  });

  it('reads whether the controller holds the broker fenced', () => {
    expect(parseBrokerHeartbeatResponse(frame('fencedResponse'), 2)).toEqual({ kind: 'response', errorCode: 0, error: 'NONE', isCaughtUp: false, isFenced: true, shouldShutDown: false });
    expect(parseBrokerHeartbeatResponse(frame('unfencedResponse'), 2)).toMatchObject({ isCaughtUp: true, isFenced: false });
  });

  it('skips the tagged log directories of versions 1 and 2, and reads version 0', () => {
    const offline = Buffer.concat([Buffer.from([1, 0, 17, 2]), Buffer.alloc(16, 9)]); // tag 0: one offline directory's uuid
    const body = Buffer.concat([Buffer.from([0]), frame('request').subarray(16, 16 + 22), offline]);
    expect(parseBrokerHeartbeatRequest(encodeRequest({ apiKey: 63, apiVersion: 1, correlationId: 1, clientId: '2' }, body))).toMatchObject({ brokerId: 2, wantFence: true });
    const v0 = encodeRequest({ apiKey: 63, apiVersion: 0, correlationId: 1, clientId: '2' }, frame('request').subarray(15));
    expect(parseBrokerHeartbeatRequest(v0)).toMatchObject({ brokerId: 2, currentMetadataOffset: 13 });
  });

  it('refuses a frame cut short, a byte too many, a version it does not read', () => {
    for (const name of Object.keys(KAFKA) as (keyof typeof KAFKA)[]) {
      const parse = (b: Buffer) => (name === 'request' ? parseBrokerHeartbeatRequest(b) : parseBrokerHeartbeatResponse(b, 2));
      const bytes = frame(name);
      expect(() => parse(bytes.subarray(0, bytes.length - 1)), name).toThrow(BodyError);
      expect(() => parse(Buffer.concat([bytes, Buffer.from([0])])), name).toThrow(BodyError);
    }
    expect(() => parseBrokerHeartbeatResponse(frame('fencedResponse'), 3)).toThrow('BrokerHeartbeat version 3 is not read (versions 0 to 2 are)');
  });

  it('rides on the frames through the proxy', async () => {
    const { log, errors } = await exchange(frame('request'), frame('fencedResponse').subarray(8));
    expect(errors).toEqual([]);
    expect(log.map((f) => f.brokerHeartbeat?.kind)).toEqual(['request', 'response']);
    expect(log[1].brokerHeartbeat).toMatchObject({ isFenced: true });
  });
});
