/**
 * The configurations kernel.test.ts searches, apart so that kernel-figures.pin.ts can run the
 * older engine on the same ones (type imports only: the pin script runs this file elsewhere).
 */
import type { ClusterConfig } from '../../spec/config.ts';
import type { ExhaustiveOptions } from '../../src/explore/index.ts';

export const SAFETY: [string, Partial<ClusterConfig>, ExhaustiveOptions][] = [
  ['today, rf 3, depth 5', {}, { maxDepth: 5 }],
  ['kafka-0.10, rf 2, unclean, min ISR 1, depth 8', { protocol: 'kafka-0.10', rf: 2, unclean: true, minIsr: 1, consumer: false }, { maxDepth: 8 }],
  ['kafka-3.5, rf 3, acks=1, depth 5', { protocol: 'kafka-3.5', rf: 3, acks: 1 }, { maxDepth: 5 }],
  ['kafka-2.7, rf 2, min ISR 1, a consumer, depth 7', { protocol: 'kafka-2.7', rf: 2, minIsr: 1, consumer: true }, { maxDepth: 7 }],
  ['today, rf 2, unclean, complete', {
    rf: 2, minIsr: 1, unclean: true, maxRecords: 1, lossyCrashes: 0, maxCrashes: 1, consumer: false, maxLeaderMoves: 0, maxHeartbeatLosses: 0, maxLeaderChanges: 1,
  }, {}],
  ['kafka-3.7, rf 3, min ISR 2, one lossy crash, depth 6', { protocol: 'kafka-3.7', rf: 3, minIsr: 2, maxCrashes: 1, lossyCrashes: 1, consumer: false }, { maxDepth: 6 }],
];

export const LIVENESS: [string, Partial<ClusterConfig>][] = [
  ['today, rf 2, a broker down for good after a lag shrink', {
    rf: 2, consumer: false, maxRecords: 1, maxCrashes: 0, lossyCrashes: 0, maxHeartbeatLosses: 0, maxLeaderMoves: 0, maxLeaderChanges: 1, maxMessageLosses: 0,
    minIsr: 1, permanentFailures: 1, maxLagShrinks: 1,
  }],
  ['today, rf 3, min ISR 3, a broker down for good', {
    rf: 3, minIsr: 3, unclean: false, elr: true, lastKnownLeaderElection: true, acks: 'all', permanentFailures: 1, maxLeaderChanges: 1, maxLagShrinks: 0,
    consumer: false, maxRecords: 1, maxCrashes: 0, lossyCrashes: 0, maxHeartbeatLosses: 0, maxLeaderMoves: 0, maxMessageLosses: 0, maxControllerFailovers: 0,
  }],
];
