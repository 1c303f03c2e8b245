import { describe, expect, it } from 'vitest';
import { encodeRequest, encodeResponse } from '../../src/kafka/framing.ts';
import { BodyError } from '../../src/kafka/body-reader.ts';
import { parseAlterPartitionRequest, parseAlterPartitionResponse } from '../../src/kafka/alter-partition-body.ts';
import { exchange } from './fake-kafka.ts';

/**
 * AlterPartition frames as Kafka 4.1.0 sent them, captured through the proxy in front of the
 * controller of a local cluster (brokers 1 and 2, one partition, replication factor 2): leader 2
 * shrinks the ISR to itself after its follower's fetches were held for longer than
 * replica.lag.time.max.ms, then expands it again once they were released.
 */
const KAFKA = {
  shrinkRequest:
    '0000004800380003000000000001320000000002000000000000000e0204492fce2ce94208bae4736b16fb05d00200000000' +
    '000000000200000002000000000000000e000000000000000000',
  shrinkResponse:
    '0000003800000000000000000000000204492fce2ce94208bae4736b16fb05d0020000000000000000000200000000020000' +
    '00020000000001000000',
  expandRequest:
    '0000005500380003000000020001320000000002000000000000000e0204492fce2ce94208bae4736b16fb05d00200000000' +
    '000000000300000002000000000000000e0000000001000000000000000d000000000001000000',
  expandResponse:
    '0000003c00000002000000000000000204492fce2ce94208bae4736b16fb05d0020000000000000000000200000000030000' +
    '0002000000010000000002000000',
} as const;
const frame = (name: keyof typeof KAFKA) => Buffer.from(KAFKA[name], 'hex');
const TOPIC = 'BEkvzizpQgi65HNrFvsF0A';

describe('AlterPartition bodies as Kafka sends them', () => {
  it('reads a shrink: leader 2 asks for ISR [2] on partition epoch 0, and the controller records it at epoch 1', () => {
    expect(parseAlterPartitionRequest(frame('shrinkRequest'))).toEqual({
      kind: 'request',
      brokerId: 2,
      brokerEpoch: 14,
      partitions: [{ topicId: TOPIC, partition: 0, leaderEpoch: 0, newIsr: [2], brokerEpochs: [14], leaderRecoveryState: 0, partitionEpoch: 0 }],
    });
    expect(parseAlterPartitionResponse(frame('shrinkResponse'), 3)).toEqual({
      kind: 'response',
      errorCode: 0,
      error: 'NONE',
      partitions: [{ topicId: TOPIC, partition: 0, errorCode: 0, error: 'NONE', leaderId: 2, leaderEpoch: 0, isr: [2], leaderRecoveryState: 0, partitionEpoch: 1 }],
    });
  });

  it("reads an expansion: ISR [2, 1] with each member's broker epoch, recorded at partition epoch 2", () => {
    expect(parseAlterPartitionRequest(frame('expandRequest')).partitions).toEqual([
      { topicId: TOPIC, partition: 0, leaderEpoch: 0, newIsr: [2, 1], brokerEpochs: [14, 13], leaderRecoveryState: 0, partitionEpoch: 1 },
    ]);
    expect(parseAlterPartitionResponse(frame('expandResponse'), 3).partitions).toMatchObject([{ isr: [2, 1], partitionEpoch: 2, error: 'NONE' }]);
  });

  it('refuses each real frame cut short or with a byte too many', () => {
    for (const name of Object.keys(KAFKA) as (keyof typeof KAFKA)[]) {
      const parse = (b: Buffer) => (name.endsWith('Request') ? parseAlterPartitionRequest(b) : parseAlterPartitionResponse(b, 3));
      const bytes = frame(name);
      expect(() => parse(bytes)).not.toThrow();
      expect(() => parse(bytes.subarray(0, bytes.length - 1)), name).toThrow(BodyError);
      expect(() => parse(Buffer.concat([bytes, Buffer.from([0])])), name).toThrow(BodyError);
    }
  });
});

describe('AlterPartition bodies built from the message definitions', () => {
  /** Version 2's request: the ISR as broker ids alone, no epochs. */
  const requestV2 = (isr: number[]) => {
    const body = Buffer.concat([
      Buffer.from([0]), // request header v2's tagged fields
      Buffer.from('0000000300000000000000070200000000000000000000000000000001', 'hex'), // broker 3, epoch 7, one topic, its id
      Buffer.from([2]), // one partition
      Buffer.from('0000000500000004', 'hex'), // partition 5, leader epoch 4
      Buffer.from([isr.length + 1, ...isr.flatMap((id) => [0, 0, 0, id])]),
      Buffer.from('010000000900', 'hex'), // leader recovery state 1, partition epoch 9, tagged fields
      Buffer.from([0, 0]), // the topic's and the request's tagged fields
    ]);
    return encodeRequest({ apiKey: 56, apiVersion: 2, correlationId: 1, clientId: '3' }, body);
  };

  it('reads version 2, where the ISR is broker ids without epochs', () => {
    expect(parseAlterPartitionRequest(requestV2([3, 1]))).toEqual({
      kind: 'request',
      brokerId: 3,
      brokerEpoch: 7,
      partitions: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partition: 5, leaderEpoch: 4, newIsr: [3, 1], leaderRecoveryState: 1, partitionEpoch: 9 }],
    });
  });

  it("names the controller's refusals", () => {
    const refusal = Buffer.from(frame('shrinkResponse').subarray(8));
    refusal.writeInt16BE(95, 1 + 4 + 2 + 1 + 16 + 1 + 4); // the partition's error code
    expect(parseAlterPartitionResponse(encodeResponse(1, refusal), 3).partitions[0]).toMatchObject({ errorCode: 95, error: 'INVALID_UPDATE_VERSION' });
  });

  it('refuses a version it does not read and a frame that is not AlterPartition', () => {
    expect(() => parseAlterPartitionResponse(frame('shrinkResponse'), 1)).toThrow('AlterPartition version 1 is not read (versions 2 to 3 are)');
    expect(() => parseAlterPartitionRequest(encodeRequest({ apiKey: 1, apiVersion: 3, correlationId: 1, clientId: null }))).toThrow('api key 1 is not AlterPartition (56)');
  });
});

describe('AlterPartition bodies on the proxy', () => {
  it('puts the proposed ISR and the recorded one on the frames', async () => {
    const { log, errors } = await exchange(frame('expandRequest'), frame('expandResponse').subarray(8));
    expect(errors).toEqual([]);
    expect(log.map((f) => [f.direction, f.apiName, f.clientId])).toEqual([
      ['request', 'AlterPartition', '2'],
      ['response', 'AlterPartition', '2'],
    ]);
    expect(log[0].alterPartition).toMatchObject({ kind: 'request', brokerId: 2, partitions: [{ newIsr: [2, 1] }] });
    expect(log[1].alterPartition).toMatchObject({ kind: 'response', partitions: [{ isr: [2, 1], partitionEpoch: 2 }] });
  });
});
