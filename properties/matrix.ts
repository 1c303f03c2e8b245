/**
 * The guarantees matrix: the configurations a reader looks up, each explored breadth-first to a
 * fixed depth and then by random runs with a fixed seed (so the result, and the generated
 * documentation, is the same on every machine).
 */
import type { ClusterConfig } from '../spec/config.ts';
import { CURRENT_VERSION, VERSIONS } from '../spec/versions.ts';

export interface MatrixRow {
  readonly id: string;
  readonly title: string;
  readonly config: Partial<ClusterConfig>;
  readonly depth: number;
  /** Random runs after the breadth-first pass (default: the generator's RANDOM_RUNS). */
  readonly randomRuns?: number;
}

/** Rows leave out the consumer and leader moves unless they are about them, to keep their depth affordable. */
const quiet = { consumer: false, maxLeaderMoves: 0 } as const;

/**
 * Every release before today's, at the bounds of the `today-rf2` row, so that a reader can follow
 * which fix removed which counterexample.
 */
const HISTORY = Object.keys(VERSIONS).filter((v) => v !== CURRENT_VERSION);

export const MATRIX: readonly MatrixRow[] = [
  { id: 'today', title: 'Kafka 4.1: acks=all, min ISR 2, rf 3, ELR, unclean off', config: { ...quiet }, depth: 7 },
  { id: 'today-rf2', title: 'Kafka 4.1 at rf 2 (min ISR 2)', config: { ...quiet, rf: 2 }, depth: 11 },
  { id: 'today-rf2-two-crashes', title: 'Kafka 4.1 at rf 2, two crashes (one lossy)', config: { ...quiet, rf: 2, maxCrashes: 2 }, depth: 11 },
  { id: 'today-rf2-moves', title: 'Kafka 4.1 at rf 2 with one leader move (preferred election or controlled shutdown)', config: { ...quiet, rf: 2, maxLeaderMoves: 1 }, depth: 10 },
  { id: 'today-no-elr', title: 'Kafka 4.1 with ELR off', config: { ...quiet, elr: false, lastKnownLeaderElection: false }, depth: 7 },
  { id: 'acks-1', title: 'Kafka 4.1 with acks=1', config: { ...quiet, acks: 1 }, depth: 7 },
  { id: 'min-isr-1', title: 'Kafka 4.1 with min.insync.replicas=1', config: { ...quiet, minIsr: 1 }, depth: 7 },
  { id: 'unclean-rf2', title: 'Kafka 4.1 at rf 2, min ISR 1, unclean election on', config: { ...quiet, rf: 2, minIsr: 1, unclean: true, lossyCrashes: 0 }, depth: 10 },
  { id: 'kip279', title: 'Kafka 2.0 (KIP-279 truncation) at rf 2, no lossy crash', config: { ...quiet, protocol: 'kafka-2.0', rf: 2, lossyCrashes: 0 }, depth: 11 },
  { id: 'kip101', title: 'Kafka 0.11 (KIP-101 truncation) at rf 2, no lossy crash', config: { ...quiet, protocol: 'kafka-0.11', rf: 2, lossyCrashes: 0 }, depth: 11 },
  { id: 'truncate-to-hw', title: 'Kafka 0.10 (truncate to HW) at rf 2, no lossy crash', config: { ...quiet, protocol: 'kafka-0.10', rf: 2, lossyCrashes: 0 }, depth: 11 },
  ...HISTORY.map((protocol): MatrixRow => ({
    id: `history-${protocol}`, title: `${protocol.replace('kafka-', 'Kafka ')} at rf 2, one crash (possibly lossy)`,
    config: { ...quiet, protocol, rf: 2 }, depth: 11,
  })),
];
