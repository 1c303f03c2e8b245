/**
 * Every kind of step, with the reason a configuration rules it out (null when it can happen), so
 * a report can tell a step that exploration never took from one that cannot be taken at all.
 */
export function stepKinds(c: ClusterConfig): Record<ClusterAction['step'], string | null> {
  const noFollowers = c.rf === 1 ? 'replication factor 1: no followers' : null;
  const noLoss = c.maxMessageLosses === 0 ? 'no lost fetch messages in the bounds' : null;
  const asks = c.truncation === 'kip101' || c.truncation === 'kip279';
  const noEpochQuery = noFollowers ?? (asks ? null : `truncation ${c.truncation} does not ask OffsetsForLeaderEpoch`);
  const noCrash = c.maxCrashes === 0 ? 'no crash in the bounds' : null;
  const noAlter = noFollowers ?? (c.maximalIsr ? null : 'ISR changes are synchronous ZooKeeper writes before KIP-497');
  return {
    ProducerSend: null,
    ConsumerFetch: c.consumer ? null : 'no consumer',
    FollowerFetch: noFollowers,
    LeaderHandleFetch: noFollowers,
    FollowerHandleFetchResponse: noFollowers,
    LeaderHandleEpochQuery: noEpochQuery,
    FollowerHandleEpochResponse: noEpochQuery,
    NetworkLoseFetchRequest: noFollowers ?? noLoss,
    NetworkLoseFetchResponse: noFollowers ?? noLoss,
    LeaderShrinkIsr: noFollowers,
    ControllerHandleAlterPartition: noAlter,
    LeaderHandleAlterPartitionResponse: noAlter,
    BrokerApplyMetadata: null,
    BrokerCrash: noCrash,
    BrokerLossyCrash: noCrash ?? (c.lossyCrashes === 0 ? 'no lossy crash in the bounds' : c.flushEveryRecord ? 'every record is flushed' : null),
    BrokerRestart: noCrash,
    ControllerFenceBroker: noCrash !== null && c.maxHeartbeatLosses === 0 ? 'no crash or lost heartbeat in the bounds' : null,
    ControllerUnfenceBroker: c.maxHeartbeatLosses === 0 ? 'no lost heartbeat in the bounds' : null,
  };
}

/**
 * The cluster's actions: every step that can happen next, named in Kafka's words, with the
 * parameters that say who does it. A trace is a list of these, so it explains itself and replays
 * anywhere. `enumerateActions` lists the enabled ones in a fixed order; fault budgets and the
 * leader-change bound come from the configuration.
 */
import { brokers, type ClusterConfig } from './config.ts';
import type { BrokerId } from './types.ts';
import type { Cluster, ClusterState } from './cluster.ts';
import type { ControllerEvent } from './controller.ts';
import { leo } from './replica-context.ts';
import { canConsumerFetch } from './client.ts';

export type ClusterAction =
  | { step: 'ProducerSend'; broker: BrokerId; value: number }
  | { step: 'ConsumerFetch'; broker: BrokerId }
  | { step: 'FollowerFetch'; broker: BrokerId }
  | { step: 'LeaderHandleFetch'; broker: BrokerId; from: BrokerId }
  | { step: 'FollowerHandleFetchResponse'; broker: BrokerId; from: BrokerId }
  | { step: 'LeaderHandleEpochQuery'; broker: BrokerId; from: BrokerId }
  | { step: 'FollowerHandleEpochResponse'; broker: BrokerId; from: BrokerId }
  | { step: 'NetworkLoseFetchRequest'; broker: BrokerId; from: BrokerId }
  | { step: 'NetworkLoseFetchResponse'; broker: BrokerId; leader: BrokerId }
  | { step: 'LeaderShrinkIsr'; broker: BrokerId; follower: BrokerId }
  | { step: 'ControllerHandleAlterPartition'; leader: BrokerId }
  | { step: 'LeaderHandleAlterPartitionResponse'; broker: BrokerId; from: 0 }
  | { step: 'BrokerApplyMetadata'; broker: BrokerId }
  | { step: 'BrokerCrash'; broker: BrokerId }
  | { step: 'BrokerLossyCrash'; broker: BrokerId; keep: number }
  | { step: 'BrokerRestart'; broker: BrokerId }
  | { step: 'ControllerFenceBroker'; broker: BrokerId }
  | { step: 'ControllerUnfenceBroker'; broker: BrokerId };

export type StepName = ClusterAction['step'];

export function enumerateActions(cl: Cluster, s: ClusterState): ClusterAction[] {
  const out: ClusterAction[] = [];
  for (const b of brokers(cl.config)) {
    if (s.replicas[b - 1].role === 'offline') offlineBrokerActions(cl, s, b, out);
    else runningBrokerActions(cl, s, b, out);
  }
  networkActions(cl, s, out);
  return out;
}

function runningBrokerActions(cl: Cluster, s: ClusterState, b: BrokerId, out: ClusterAction[]): void {
  const c = cl.config;
  const slot = s.replicas[b - 1];
  const r = slot.context;
  if (slot.role === 'leader' && s.nextValue <= c.maxRecords) out.push({ step: 'ProducerSend', broker: b, value: s.nextValue });
  if (canConsumerFetch(c, s, b)) out.push({ step: 'ConsumerFetch', broker: b });
  if (cl.accepts(s, b, { type: 'FetchTick' }) && s.replicas[r.leader - 1].role !== 'offline') {
    out.push({ step: 'FollowerFetch', broker: b });
  }
  if (slot.role === 'leader') {
    for (const f of brokers(c)) {
      if (cl.accepts(s, b, { type: 'LagElapsed', follower: f })) out.push({ step: 'LeaderShrinkIsr', broker: b, follower: f });
    }
  }
  const fenced = s.controller.fenced[b - 1];
  if (!fenced && r.knownMetadata < s.controller.metadataOffset) out.push({ step: 'BrokerApplyMetadata', broker: b });
  if (s.spent.crashes < c.maxCrashes) {
    out.push({ step: 'BrokerCrash', broker: b });
    if (s.spent.lossyCrashes < c.lossyCrashes) {
      for (let keep = r.flushedTo; keep < leo(r); keep++) out.push({ step: 'BrokerLossyCrash', broker: b, keep });
    }
  }
  const fence: ControllerEvent = { type: 'BrokerFenced', broker: b };
  if (!fenced && s.spent.heartbeatLosses < c.maxHeartbeatLosses && withinLeaderBudget(cl, s, fence)) {
    out.push({ step: 'ControllerFenceBroker', broker: b });
  }
  if (fenced && withinLeaderBudget(cl, s, { type: 'BrokerUnfenced', broker: b })) {
    out.push({ step: 'ControllerUnfenceBroker', broker: b });
  }
}

function offlineBrokerActions(cl: Cluster, s: ClusterState, b: BrokerId, out: ClusterAction[]): void {
  const incarnation = s.controller.brokerEpochs[b - 1] + 1;
  if (withinLeaderBudget(cl, s, { type: 'BrokerRegistered', broker: b, incarnation })) out.push({ step: 'BrokerRestart', broker: b });
  if (!s.controller.fenced[b - 1] && withinLeaderBudget(cl, s, { type: 'BrokerFenced', broker: b })) {
    out.push({ step: 'ControllerFenceBroker', broker: b });
  }
}

/** Controller steps that would elect beyond `maxLeaderChanges` are not explored. */
function withinLeaderBudget(cl: Cluster, s: ClusterState, event: ControllerEvent): boolean {
  const next = cl.controllerAfter(s, event);
  return next !== null && next.leaderChanges <= cl.config.maxLeaderChanges;
}

/** One delivery per connection (its oldest message), plus the loss of a fetch response. */
function networkActions(cl: Cluster, s: ClusterState, out: ClusterAction[]): void {
  const seen = new Set<string>();
  for (const m of s.network) {
    const key = `${m.kind}:${m.from}:${m.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    switch (m.kind) {
      case 'FetchRequest':
        out.push({ step: 'LeaderHandleFetch', broker: m.to, from: m.from });
        if (s.spent.messageLosses < cl.config.maxMessageLosses) out.push({ step: 'NetworkLoseFetchRequest', broker: m.to, from: m.from });
        break;
      case 'FetchResponse':
        out.push({ step: 'FollowerHandleFetchResponse', broker: m.to, from: m.from });
        if (s.spent.messageLosses < cl.config.maxMessageLosses) out.push({ step: 'NetworkLoseFetchResponse', broker: m.to, leader: m.from });
        break;
      case 'EpochRequest':
        out.push({ step: 'LeaderHandleEpochQuery', broker: m.to, from: m.from });
        break;
      case 'EpochResponse':
        out.push({ step: 'FollowerHandleEpochResponse', broker: m.to, from: m.from });
        break;
      case 'AlterPartition':
        out.push({ step: 'ControllerHandleAlterPartition', leader: m.from });
        break;
      case 'AlterPartitionResponse':
        out.push({ step: 'LeaderHandleAlterPartitionResponse', broker: m.to, from: 0 });
        break;
    }
  }
}

/** One line for people. */
export function describeAction(a: ClusterAction): string {
  switch (a.step) {
    case 'ProducerSend': return `producer sends v${a.value} to broker ${a.broker}`;
    case 'ConsumerFetch': return `consumer fetches from broker ${a.broker}`;
    case 'FollowerFetch': return `broker ${a.broker} sends a fetch to its leader`;
    case 'LeaderHandleFetch': return `broker ${a.broker} handles the fetch from broker ${a.from}`;
    case 'FollowerHandleFetchResponse': return `broker ${a.broker} handles the fetch response from broker ${a.from}`;
    case 'LeaderHandleEpochQuery': return `broker ${a.broker} answers OffsetsForLeaderEpoch from broker ${a.from}`;
    case 'FollowerHandleEpochResponse': return `broker ${a.broker} handles the OffsetsForLeaderEpoch answer from broker ${a.from}`;
    case 'NetworkLoseFetchRequest': return `the network loses broker ${a.from}'s fetch to broker ${a.broker}`;
    case 'NetworkLoseFetchResponse': return `the network loses broker ${a.leader}'s fetch response to broker ${a.broker}`;
    case 'LeaderShrinkIsr': return `leader ${a.broker} finds broker ${a.follower} out of sync and proposes to shrink the ISR`;
    case 'ControllerHandleAlterPartition': return `controller handles AlterPartition from broker ${a.leader}`;
    case 'LeaderHandleAlterPartitionResponse': return `broker ${a.broker} handles the AlterPartition response`;
    case 'BrokerApplyMetadata': return `broker ${a.broker} replays the latest metadata`;
    case 'BrokerCrash': return `broker ${a.broker} crashes (page cache survives)`;
    case 'BrokerLossyCrash': return `broker ${a.broker} loses power, keeping only its first ${a.keep} record(s)`;
    case 'BrokerRestart': return `broker ${a.broker} restarts and registers a new incarnation`;
    case 'ControllerFenceBroker': return `controller fences broker ${a.broker} (session expired)`;
    case 'ControllerUnfenceBroker': return `controller unfences broker ${a.broker} (heartbeats resumed)`;
  }
}
