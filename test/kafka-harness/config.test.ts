import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { brokerProperties, controllerProperties, formatFeatures, log4jProperties, propertiesText, topicConfigs, type KafkaSettings } from '../../src/kafka/config.ts';
import { KafkaCluster, senderOf } from '../../src/kafka/cluster.ts';
import { HarnessError } from '../../src/kafka/errors.ts';

const S: KafkaSettings = { rf: 3, minIsr: 2, unclean: false, elr: true, flushEveryRecord: false };

describe("the cluster's configuration files", () => {
  it("a broker advertises its replication listener at its proxy and reaches the controller through the controller's proxy", () => {
    const p = brokerProperties(S, 2, '/d/2', { client: 9101, replication: 9102, replicationAdvertised: 9202 }, 9300);
    expect(p).toMatchObject({
      'process.roles': 'broker',
      'node.id': 2,
      listeners: 'CLIENT://127.0.0.1:9101,REPLICATION://127.0.0.1:9102',
      'advertised.listeners': 'CLIENT://127.0.0.1:9101,REPLICATION://127.0.0.1:9202',
      'inter.broker.listener.name': 'REPLICATION',
      'controller.quorum.voters': '0@127.0.0.1:9300',
      'min.insync.replicas': 2,
      'unclean.leader.election.enable': false,
      'log.dirs': '/d/2',
    });
    expect(p).not.toHaveProperty('log.flush.interval.messages');
    expect(brokerProperties({ ...S, flushEveryRecord: true, unclean: true }, 1, '/d', { client: 1, replication: 2 }, 3)).toMatchObject({
      'log.flush.interval.messages': 1, 'unclean.leader.election.enable': true, 'advertised.listeners': 'CLIENT://127.0.0.1:1,REPLICATION://127.0.0.1:2',
    });
  });

  it('the controller is node 0 and votes for itself on its own port; the settings reach the topic and the storage format', () => {
    expect(controllerProperties(S, '/c', 9300)).toMatchObject({ 'process.roles': 'controller', 'node.id': 0, 'controller.quorum.voters': '0@127.0.0.1:9300', listeners: 'CONTROLLER://127.0.0.1:9300' });
    expect(topicConfigs({ ...S, minIsr: 1, unclean: true })).toEqual({ 'min.insync.replicas': '1', 'unclean.leader.election.enable': 'true' });
    expect(formatFeatures(S)).toEqual(['--feature', 'eligible.leader.replicas.version=1']);
    expect(formatFeatures({ ...S, elr: false })).toEqual(['--feature', 'eligible.leader.replicas.version=0']);
    expect(propertiesText({ a: 1, 'b.c': true })).toBe('a=1\nb.c=true\n');
    expect(log4jProperties('/l')).toContain('appender.file.fileName=/l/server.log\n');
  });

  it("tells a follower's fetcher and a broker's controller channel by their client ids", () => {
    expect(senderOf({ clientId: 'broker-3-fetcher-0' })).toBe(3);
    expect(senderOf({ clientId: '2' })).toBe(2);
    expect(senderOf({ clientId: 'raft-client-2' })).toBeNull();
    expect(senderOf({ clientId: null })).toBeNull();
  });

  it('refuses a port that is taken, in one line', async () => {
    const s = createServer();
    const port = await new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));
    try {
      await expect(KafkaCluster.allocate(1, port - 1)).rejects.toThrow(HarnessError);
      await expect(KafkaCluster.allocate(1, port - 1)).rejects.toThrow(new RegExp(`^port 127\\.0\\.0\\.1:\\d+ is taken \\(the cluster needs 3 free ports from ${port - 1}\\)$`));
    } finally {
      s.close();
    }
  });
});

describe("the controller's view from its log", () => {
  it('follows registrations, fencing and partition changes', async () => {
    const { controllerView } = await import('../../src/kafka/cluster.ts');
    const log = [
      '[t] INFO Replayed initial RegisterBrokerRecord for broker 2: RegisterBrokerRecord(brokerId=2, isMigratingZkBroker=false, incarnationId=x, brokerEpoch=18, endPoints=[], fenced=true, inControlledShutdown=false) (c)',
      '[t] INFO Replayed BrokerRegistrationChangeRecord modifying the registration for broker 2: BrokerRegistrationChangeRecord(brokerId=2, brokerEpoch=18, fenced=-1, inControlledShutdown=0, logDirs=[]) (c)',
      '[t] INFO Replayed RegisterBrokerRecord establishing a new incarnation of broker 1: RegisterBrokerRecord(brokerId=1, isMigratingZkBroker=false, incarnationId=y, brokerEpoch=64, endPoints=[], fenced=true, inControlledShutdown=false) (c)',
      '[t] INFO [QuorumController id=0] UNCLEAN partition change for t-0 with topic ID Z: isr: [] -> [1], leader: -1 -> 1, leaderRecoveryState: RECOVERED -> RECOVERING, leaderEpoch: 1 -> 2, lastKnownElr: [1] -> [], partitionEpoch: 6 -> 7 (r)',
    ].join('\n');
    expect(controllerView(log)).toEqual({ leader: 1, isr: [1], elr: null, fenced: [1] });
    expect(controllerView('')).toEqual({ leader: null, isr: null, elr: null, fenced: [] });
  });
});
