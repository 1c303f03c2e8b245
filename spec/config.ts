/**
 * The configuration of one model instance: a protocol version (switches.ts), the cluster settings
 * a Kafka operator chooses, and the exploration bounds, each key declared once (declare.ts) with
 * its type and meaning. Bounds are named here, never literals inside a machine.
 */
import { z } from 'zod';
import type { Acks } from './types.ts';
import { CURRENT_VERSION, VERSIONS } from './versions.ts';
import { SWITCHES, type ProtocolSwitches } from './switches.ts';
import { MUTATION_NAMES, type Mutation } from './mutations.ts';
import { FORCED_GUARD_PATTERN } from './guards.ts';
import { choice, custom, flag, optionalWhole, whole, type Declaration, type ValueOf } from './declare.ts';

const acks = custom<Acks>(
  z.union([z.literal(0), z.literal(1), z.literal('all')]),
  (t) => (t === '0' ? 0 : t === '1' ? 1 : t === 'all' || t === '-1' ? 'all' : undefined),
  '0 | 1 | all',
  'producer acks: 0 no reply, 1 after the leader\'s append, all once the ISR has it (P4, P5)',
);

/** The cluster settings a Kafka operator chooses. */
export const SETTINGS = {
  rf: whole(1, 5, 'replication factor: brokers 1..rf hold the partition, in this assignment order'),
  acks,
  minIsr: whole(1, 5, 'min.insync.replicas (P3); the effective value is at most the voters\' count'),
  unclean: flag('unclean.leader.election.enable: elect an out-of-sync replica rather than none (L2)'),
  observers: whole(0, 4, 'the last n replicas in assignment order replicate but never join the ISR (O1)'),
  flushEveryRecord: flag('log.flush.interval.messages=1: every append is flushed, so a lossy crash loses nothing (D1)'),
  consumer: flag('run one consumer reading committed records (C1), for the read properties'),
  followerReads: flag('the consumer may also read from followers (KIP-392, C3)'),
  autoOffsetReset: choice(['earliest', 'latest', 'none'] as const,
    'consumer auto.offset.reset: where a position out of range or truncated goes (earliest: 0, latest: the leader\'s HW), or none: stop (C5, C6)'),
  hwCheckpointLags: flag('the HW checkpoint is written now and then, so a restart may bring back a lower HW (H7)'),
} as const;

/** The exploration bounds: how much of each kind of fault and work a behaviour may contain. */
export const BOUNDS = {
  maxRecords: whole(1, 6, 'records the producer sends in all'),
  maxLeaderChanges: whole(0, 8, 'leader elections the controller may make (leader-epoch bumps to a new leader)'),
  maxCrashes: whole(0, 6, 'broker crashes, lossy ones included'),
  lossyCrashes: whole(0, 6, 'crashes that lose the unflushed suffix of the log (OS or power failure)'),
  maxHeartbeatLosses: whole(0, 4, 'times the controller fences a live broker whose heartbeats it stopped seeing'),
  maxMessageLosses: whole(0, 4, 'fetch requests and responses the network may lose (each loss times the fetch out)'),
  maxLeaderMoves: whole(0, 4, 'leader moves without a failure: preferred-leader elections and controlled shutdowns (M1, M2)'),
  maxControllerFailovers: whole(0, 3, 'times another controller takes over (M4, M5)'),
} as const;

type Values<T> = { readonly [K in keyof T]: ValueOf<T[K]> };
export type Settings = Values<typeof SETTINGS>;
export type Bounds = Values<typeof BOUNDS>;

export interface ClusterConfig extends ProtocolSwitches, Settings, Bounds {
  /**
   * Brokers that may crash and never come back (the "k brokers down" of the availability table);
   * absent means none, so configurations and trace headers written before it stay as they were.
   */
  readonly permanentFailures?: number;
  /**
   * Times a leader may drop a live follower from the ISR for lagging; absent means no bound (a
   * follower that is down is always dropped freely). Liveness checks bound it: without a bound,
   * every append can be followed by a shrink and a rejoin, and the graph grows with each.
   */
  readonly maxLagShrinks?: number;
  /**
   * Resends the producer may make in all (P8): each resends a batch it holds no ack for, to the
   * broker it believes leads. Absent or 0: the producer sends each value once and never retries,
   * so configurations and trace headers written before it stay as they were.
   */
  readonly maxRetries?: number;
  /**
   * Late deliveries a behaviour may contain (spec/steps/timing.ts); absent means they are not
   * counted, so the states of every configuration without it stay as they were. Set it to search
   * fewest-first by late deliveries (`--fewest lateDeliveries`).
   */
  readonly maxLateDeliveries?: number;
  /**
   * Times the operator may change min.insync.replicas (R7); absent means never, so configurations
   * and trace headers written before it stay as they were.
   */
  readonly maxMinIsrChanges?: number;
  /** The protocol version the switches came from (switches may have been overridden since). */
  readonly protocol: string;
  /** A rule deliberately broken to test the checker (spec/mutations.ts); absent for real protocols. */
  readonly mutation?: Mutation;
  /** A guard mutant, `machine.guard=true|false` (spec/guards.ts); absent for real protocols. */
  readonly forcedGuard?: string;
}

export const DEFAULT_SETTINGS: Settings = {
  rf: 3,
  acks: 'all',
  minIsr: 2,
  unclean: false,
  observers: 0,
  flushEveryRecord: false,
  consumer: true,
  followerReads: false,
  autoOffsetReset: 'earliest',
  hwCheckpointLags: false,
};

/**
 * The default bounds: two records, two leader changes, one crash that may be lossy (that is
 * minISR − 1 for the default min.insync.replicas=2) and one lost heartbeat, which makes zombie
 * leaders reachable.
 */
export const DEFAULT_BOUNDS: Bounds = {
  maxRecords: 2,
  maxLeaderChanges: 2,
  maxCrashes: 1,
  lossyCrashes: 1,
  maxHeartbeatLosses: 1,
  maxMessageLosses: 0,
  maxLeaderMoves: 1,
  maxControllerFailovers: 0,
};

const protocol = custom<string>(
  z.enum(Object.keys(VERSIONS) as [string, ...string[]]),
  (t) => (t in VERSIONS ? t : undefined),
  Object.keys(VERSIONS).join(' | '),
  'the release whose switches the configuration starts from',
);
const mutation = custom<Mutation | undefined>(
  z.enum(MUTATION_NAMES as [Mutation, ...Mutation[]]).optional(),
  (t) => ((MUTATION_NAMES as readonly string[]).includes(t) ? (t as Mutation) : undefined),
  MUTATION_NAMES.join(' | '),
  'a rule broken on purpose to test the checker (no release behaves so)',
);

const forcedGuard = custom<string | undefined>(
  z.string().regex(FORCED_GUARD_PATTERN, 'expected machine.guard=true|false').optional(),
  (t) => (FORCED_GUARD_PATTERN.test(t) ? t : undefined),
  'replica.GUARD=true|false | controller.GUARD=true|false',
  'one guard of a machine forced to one answer, to test the checker (no release behaves so)',
);

const permanentFailures = optionalWhole(4, 'brokers that may crash for good: a fault step that spends this budget, after which the broker never restarts (default 0)');

const maxLagShrinks = optionalWhole(4, 'times a leader may drop a live follower from the ISR for lagging (S1); absent: no bound. A follower that is down is dropped freely');

const maxRetries = optionalWhole(4, 'resends the producer may make in all, after a timeout or an error (P8); absent: 0, each value is sent once');

const maxLateDeliveries = optionalWhole(6, 'late deliveries a behaviour may contain: messages handled after a restart or session expiry ended their sender (W1-W4); absent: not counted');

const maxMinIsrChanges = optionalWhole(3, 'times the operator may change min.insync.replicas to another value from 1 to rf (R7; default 0)');

/** Every key a configuration file, a trace header or `--set` may name, with its declaration. */
export const DECLARATIONS: Readonly<Record<keyof ClusterConfig, Declaration<unknown>>> = {
  protocol, ...SWITCHES, ...SETTINGS, ...BOUNDS, permanentFailures, maxLagShrinks, maxRetries, maxLateDeliveries, maxMinIsrChanges, mutation, forcedGuard,
};

export const CONFIG_KEYS = Object.keys(DECLARATIONS) as (keyof ClusterConfig)[];

/** The schema of a whole configuration, built from the declarations. */
export const configSchema = z
  .object(Object.fromEntries(CONFIG_KEYS.map((k) => [k, DECLARATIONS[k].schema])) as Record<keyof ClusterConfig, z.ZodType>)
  .strict();

/** Thrown for a configuration that cannot be run; the message is one line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A full configuration from a protocol version plus overrides, validated. */
export function makeConfig(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  const protocol = overrides.protocol ?? CURRENT_VERSION;
  const switches = VERSIONS[protocol];
  if (switches === undefined) throw new ConfigError(`unknown protocol version '${protocol}'`);
  const config = { ...switches, ...DEFAULT_SETTINGS, ...DEFAULT_BOUNDS, ...overrides, protocol };
  return validateConfig(config);
}

/** Keys that older versions of the model wrote and what they became. */
const RENAMED: Readonly<Record<string, (v: unknown) => Record<string, unknown>>> = {
  maximalIsr: (v) => ({ asyncAlterPartition: v, hwUsesMaximalIsr: v }),
};

/**
 * Switches that were one and are now several: a record that turned the old one off, written
 * before the parts had keys of their own, turned every part off. (Until 2026-12-07
 * `isrEligibilityChecksBrokerState` was KIP-841, KIP-903 and KAFKA-15221 together.)
 */
const SPLIT: Readonly<Record<string, readonly string[]>> = {
  isrEligibilityChecksBrokerState: ['isrEligibilityChecksBrokerEpoch', 'fetchChecksBrokerEpoch'],
};

/**
 * The configuration a trace file records, as this version of the model reads it: renamed keys
 * are carried over, parts of a split switch follow a record that turned it off, keys added since
 * take the recorded protocol's (or the default) values, and the result is validated like any other.
 */
export function configOfRecord(raw: Record<string, unknown>): ClusterConfig {
  const upgraded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) Object.assign(upgraded, RENAMED[key]?.(value) ?? { [key]: value });
  for (const [key, parts] of Object.entries(SPLIT)) {
    if (raw[key] === false) for (const part of parts) if (!(part in raw)) upgraded[part] = false;
  }
  const protocol = typeof upgraded.protocol === 'string' ? upgraded.protocol : CURRENT_VERSION;
  const switches = VERSIONS[protocol];
  if (switches === undefined) throw new ConfigError(`protocol: unknown protocol version '${protocol}'`);
  return validateConfig({ ...switches, ...DEFAULT_SETTINGS, ...DEFAULT_BOUNDS, ...upgraded, protocol });
}

/** Checks types and ranges with the schema, then the rules that tie settings together. */
export function validateConfig(raw: unknown): ClusterConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join('.') || 'config';
    throw new ConfigError(`${where}: ${issue.message}`);
  }
  const c = parsed.data as ClusterConfig;
  if (c.observers >= c.rf) throw new ConfigError(`observers (${c.observers}) must be fewer than rf (${c.rf})`);
  if (c.lossyCrashes > c.maxCrashes) {
    throw new ConfigError(`lossyCrashes (${c.lossyCrashes}) cannot exceed maxCrashes (${c.maxCrashes})`);
  }
  if ((c.permanentFailures ?? 0) >= c.rf) {
    throw new ConfigError(`permanentFailures (${c.permanentFailures}) must be fewer than rf (${c.rf}): some broker must stay`);
  }
  if (c.followerReads && !c.consumer) throw new ConfigError('followerReads needs consumer=true');
  return c;
}

/**
 * The bounds a configuration may leave out, with what their absence means: no permanent failure,
 * lag shrinks unbounded, no producer retries, late deliveries not counted (null), min.insync.replicas fixed.
 */
export function optionalBounds(c: ClusterConfig): {
  readonly permanentFailures: number; readonly maxLagShrinks: number; readonly maxRetries: number; readonly maxLateDeliveries: number | null;
  readonly maxMinIsrChanges: number;
} {
  return {
    permanentFailures: c.permanentFailures ?? 0, maxLagShrinks: c.maxLagShrinks ?? Infinity, maxRetries: c.maxRetries ?? 0,
    maxLateDeliveries: c.maxLateDeliveries ?? null, maxMinIsrChanges: c.maxMinIsrChanges ?? 0,
  };
}

/** Brokers 1..rf in assignment order. */
export function brokers(c: Pick<Settings, 'rf'>): number[] {
  return Array.from({ length: c.rf }, (_, i) => i + 1);
}

/** Observers are the last `observers` brokers of the assignment (O1, O4). */
export function isObserver(c: Pick<Settings, 'rf' | 'observers'>, broker: number): boolean {
  return broker > c.rf - c.observers;
}

/** A Kafka property the model has an equivalent for: the key it sets, and how Kafka's value reads there. */
export interface KafkaName {
  readonly key: keyof ClusterConfig;
  /** The values Kafka takes that the model has, for people. */
  readonly values: string;
  /** The model's value for Kafka's value written as text, or undefined when the model has none. */
  readonly parse: (text: string) => unknown;
}

const sameAs = (key: keyof ClusterConfig): KafkaName => ({ key, values: DECLARATIONS[key].values, parse: (t) => DECLARATIONS[key].parse(t) });
/** Kafka's default log.flush.interval.messages: never flush by count, leave it to the OS. */
const NEVER_FLUSH = '9223372036854775807';

/**
 * Kafka's own names for what the model configures, accepted wherever a key is (`--set`, a
 * configuration file): broker and topic configs, the producer's and consumer's, and the
 * feature that turns eligible leader replicas on.
 */
export const KAFKA_NAMES: Readonly<Record<string, KafkaName>> = {
  'min.insync.replicas': sameAs('minIsr'),
  'replication.factor': sameAs('rf'),
  'default.replication.factor': sameAs('rf'),
  acks: sameAs('acks'),
  'unclean.leader.election.enable': sameAs('unclean'),
  'eligible.leader.replicas.version': { key: 'elr', values: '0 | 1', parse: (t) => (t === '1' ? true : t === '0' ? false : undefined) },
  'log.flush.interval.messages': {
    key: 'flushEveryRecord', values: `1 | ${NEVER_FLUSH}`, parse: (t) => (t === '1' ? true : t === NEVER_FLUSH ? false : undefined),
  },
  'auto.offset.reset': sameAs('autoOffsetReset'),
  'enable.idempotence': sameAs('idempotentProducer'),
  'replica.selector.class': {
    key: 'followerReads',
    values: 'org.apache.kafka.common.replica.RackAwareReplicaSelector | org.apache.kafka.common.replica.LeaderSelector',
    parse: (t) => (t === 'org.apache.kafka.common.replica.RackAwareReplicaSelector' ? true : t === 'org.apache.kafka.common.replica.LeaderSelector' ? false : undefined),
  },
};

const TIME = 'time is abstracted into steps that may happen at any moment';
/** Kafka properties users reach for that the model has no equivalent of, and why. */
export const KAFKA_WITHOUT_EQUIVALENT: Readonly<Record<string, string>> = {
  'replica.lag.time.max.ms': `${TIME}: a leader may drop a lagging follower at any step (bound it with maxLagShrinks)`,
  'log.flush.interval.ms': `${TIME}: log.flush.interval.messages=1 flushes every record`,
  'broker.session.timeout.ms': `${TIME}: a lost heartbeat is a step (bound it with maxHeartbeatLosses); a message handled after its sender's session expired is a late delivery (bound them with maxLateDeliveries)`,
  'request.timeout.ms': `${TIME}: a lost fetch times out (bound it with maxMessageLosses); an AlterPartition never times out in Kafka`,
  'broker.heartbeat.interval.ms': `${TIME}: a lost heartbeat is a step (bound it with maxHeartbeatLosses)`,
  'zookeeper.session.timeout.ms': `${TIME}: a lost heartbeat is a step (bound it with maxHeartbeatLosses)`,
  retries: 'retries are counted over the whole behaviour, not per batch: --set maxRetries=N (0..4)',
  'delivery.timeout.ms': `${TIME}: a retry may happen at any step while retries remain (maxRetries)`,
  'max.in.flight.requests.per.connection': 'new batches go out while older ones are outstanding; without idempotence any outstanding batch may be resent at any step, an idempotent producer resends its oldest (maxRetries, P8, P12)',
  'transactional.id': 'transactions are not modelled',
  'isolation.level': 'transactions are not modelled',
  'retention.ms': 'logs start at offset 0 and nothing is deleted',
  'retention.bytes': 'logs start at offset 0 and nothing is deleted',
  'log.retention.ms': 'logs start at offset 0 and nothing is deleted',
  'log.retention.hours': 'logs start at offset 0 and nothing is deleted',
  'cleanup.policy': 'logs start at offset 0 and nothing is deleted',
  'num.replica.fetchers': 'each follower fetch is one step',
  'replica.fetch.max.bytes': 'each follower fetch is one step',
  'process.roles': 'the controller is a protocol switch: --set controller=kraft or zk',
  'zookeeper.connect': 'the controller is a protocol switch: --set controller=kraft or zk',
  'controller.quorum.voters': 'the KRaft quorum is one controller that may fail over (maxControllerFailovers)',
  'group.id': 'the consumer has no group and commits no offsets',
  'enable.auto.commit': 'the consumer has no group and commits no offsets',
  'broker.rack': 'racks are not modelled: followerReads=true lets the consumer read from any qualifying follower',
  'client.rack': 'racks are not modelled: followerReads=true lets the consumer read from any qualifying follower',
};
