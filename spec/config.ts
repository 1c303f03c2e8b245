/**
 * The configuration of one model instance: a protocol version (switches), the cluster settings a
 * Kafka operator chooses, and the exploration bounds. Bounds are named here, never literals inside
 * a machine (style: "configuration is not specification").
 */
import { z } from 'zod';
import type { Acks } from './types.ts';
import { CURRENT_VERSION, VERSIONS, type ProtocolSwitches, TRUNCATIONS } from './versions.ts';
import { MUTATION_NAMES, type Mutation } from './mutations.ts';

export interface Settings {
  /** Replication factor: brokers 1..rf hold the partition, in this assignment order. */
  readonly rf: number;
  readonly acks: Acks;
  readonly minIsr: number;
  readonly unclean: boolean;
  /** The last `observers` replicas in assignment order replicate but never join the ISR (CP). */
  readonly observers: number;
  /** log.flush.interval.messages=1: every append is flushed, so a lossy crash loses nothing. */
  readonly flushEveryRecord: boolean;
  /** Run one consumer (reading committed records, for the read properties). */
  readonly consumer: boolean;
  /** The consumer may also read from followers (KIP-392). */
  readonly followerReads: boolean;
}

export interface Bounds {
  /** Records the producer sends in all. */
  readonly maxRecords: number;
  /** Leader elections the controller may make (leader epoch bumps). */
  readonly maxLeaderChanges: number;
  /** Broker crashes, lossy ones included. */
  readonly maxCrashes: number;
  /** Crashes that lose the unflushed suffix of the log (OS or power failure). */
  readonly lossyCrashes: number;
  /** Times the controller fences a live broker whose heartbeats it stopped seeing. */
  readonly maxHeartbeatLosses: number;
  /** Fetch requests and responses the network may lose (each loss times the fetch out). */
  readonly maxMessageLosses: number;
}

export interface ClusterConfig extends ProtocolSwitches, Settings, Bounds {
  /** The protocol version the switches came from (switches may have been overridden since). */
  readonly protocol: string;
  /** A rule deliberately broken to test the checker (spec/mutations.ts); absent for real protocols. */
  readonly mutation?: Mutation;
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
};

const count = (max: number) => z.number().int().min(0).max(max);

/** Every key a config file or `--set` may name, with its type and range. */
export const configSchema = z
  .object({
    protocol: z.enum(Object.keys(VERSIONS) as [string, ...string[]]),
    truncation: z.enum(TRUNCATIONS as [string, ...string[]]),
    fetchCarriesLeaderEpoch: z.boolean(),
    truncateOnEveryEpochChange: z.boolean(),
    epochEntryOnBecomeLeader: z.boolean(),
    isrJoinRequiresLeso: z.boolean(),
    maximalIsr: z.boolean(),
    skipFollowerUpdateOnDiverging: z.boolean(),
    truncateBeforeHwUpdate: z.boolean(),
    hwRequiresMinIsr: z.boolean(),
    elr: z.boolean(),
    lastKnownLeaderElection: z.boolean(),
    restartLeavesIsr: z.boolean(),
    isrEligibilityChecksBrokerState: z.boolean(),
    rf: z.number().int().min(1).max(5),
    acks: z.union([z.literal(0), z.literal(1), z.literal('all')]),
    minIsr: z.number().int().min(1).max(5),
    unclean: z.boolean(),
    observers: count(4),
    flushEveryRecord: z.boolean(),
    consumer: z.boolean(),
    followerReads: z.boolean(),
    maxRecords: z.number().int().min(1).max(6),
    maxLeaderChanges: count(8),
    maxCrashes: count(6),
    lossyCrashes: count(6),
    maxHeartbeatLosses: count(4),
    maxMessageLosses: count(4),
    mutation: z.enum(MUTATION_NAMES as [Mutation, ...Mutation[]]).optional(),
  })
  .strict();

export const CONFIG_KEYS = Object.keys(configSchema.shape) as (keyof ClusterConfig)[];

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
  if (c.followerReads && !c.consumer) throw new ConfigError('followerReads needs consumer=true');
  return c;
}

/** `min(min.insync.replicas, replication factor)` (Partition.effectiveMinIsr). */
export function effectiveMinIsr(c: ClusterConfig): number {
  return Math.min(c.minIsr, c.rf - c.observers);
}

/** Brokers 1..rf in assignment order. */
export function brokers(c: Pick<Settings, 'rf'>): number[] {
  return Array.from({ length: c.rf }, (_, i) => i + 1);
}

/** Observers are the last `observers` brokers of the assignment (O1, O4). */
export function isObserver(c: Pick<Settings, 'rf' | 'observers'>, broker: number): boolean {
  return broker > c.rf - c.observers;
}
