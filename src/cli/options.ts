/**
 * From command-line flags to a validated model configuration. Precedence, lowest first: the
 * protocol version (`--protocol`, or the era `--truncation` selects), a `--config` file, the named
 * flags, then `--set key=value`. A key is the model's name or Kafka's own (`min.insync.replicas`);
 * a Kafka name the model has no equivalent of says so, and an unknown one gets the closest name.
 * Every error is one line (a `UsageError`).
 */
import { readFileSync } from 'node:fs';
import {
  type ClusterConfig, CONFIG_KEYS, ConfigError, DECLARATIONS, validateConfig, DEFAULT_BOUNDS, DEFAULT_SETTINGS, KAFKA_NAMES, KAFKA_WITHOUT_EQUIVALENT,
} from '../../spec/config.ts';
import { CURRENT_VERSION, GENERATION_VERSION, TRUNCATIONS, type Truncation, VERSIONS } from '../../spec/versions.ts';
import { jsonSyntaxError } from '../trace/schema.ts';
import { oneLine } from '../report/line.ts';
import { closest } from './suggest.ts';

/** A bad command line or input file; the message is printed as it is, on one line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ModelFlags {
  protocol?: string;
  truncation?: string;
  config?: string;
  rf?: string;
  acks?: string;
  minIsr?: string;
  unclean?: boolean;
  elr?: boolean;
  lossyCrashes?: string;
  restartLeavesIsr?: boolean;
  set?: string[];
}

function integer(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} expects a whole number, got '${text}'`);
  return Number(text);
}

/** Every name a setting may be given by: the model's keys, then Kafka's. */
const KNOWN_NAMES: readonly string[] = [...CONFIG_KEYS, ...Object.keys(KAFKA_NAMES)];

/** The one line for a key that is neither the model's nor a Kafka name it has: why, or the closest name. */
function unknownKey(where: string, key: string): UsageError {
  const why = KAFKA_WITHOUT_EQUIVALENT[key];
  if (why !== undefined) return new UsageError(oneLine(`${where}: the model has no equivalent of Kafka's ${key}: ${why}`));
  const near = closest(key, KNOWN_NAMES);
  const hint = near !== undefined ? `: did you mean ${near}?` : key.includes('.') ? ': the model has no equivalent of this Kafka property' : '';
  return new UsageError(oneLine(`${where}: unknown setting '${key}'${hint} (see 'kafka-spec list')`));
}

/** The model's key and value for a key (the model's or Kafka's) and its value written as text; `where` prefixes errors. */
function setting(where: string, key: string, raw: string): [keyof ClusterConfig, unknown] {
  const kafka = KAFKA_NAMES[key];
  if (kafka !== undefined) {
    const value = kafka.parse(raw);
    if (value === undefined) throw new UsageError(oneLine(`${where} ${key}: expected ${kafka.values}, got '${raw}'`));
    return [kafka.key, value];
  }
  if (!(CONFIG_KEYS as readonly string[]).includes(key)) throw unknownKey(where, key);
  const declaration = DECLARATIONS[key as keyof ClusterConfig];
  const value = declaration.parse(raw);
  if (value === undefined) throw new UsageError(oneLine(`${where} ${key}: expected ${declaration.values}, got '${raw}'`));
  return [key as keyof ClusterConfig, value];
}

/** Parses `key=value` for any configuration key or Kafka name, the value read as the key's declaration says. */
export function parseSetting(text: string): [keyof ClusterConfig, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(oneLine(`--set expects key=value, got '${text}'`));
  return setting('--set', text.slice(0, eq), text.slice(eq + 1));
}

/**
 * A configuration file's entries with Kafka names turned into the model's keys and values (a
 * Kafka value may be written as JSON text, number or boolean); the model's own keys are kept as
 * they are, for the schema to check. An unknown key is refused here, with the closest name.
 */
function fromFile(file: Record<string, unknown>, where = 'config'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(file)) {
    if (key in DECLARATIONS) out[key] = value;
    else if (KAFKA_NAMES[key] === undefined) throw unknownKey(where, key);
    else if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new UsageError(oneLine(`${where} ${key}: expected ${KAFKA_NAMES[key].values}`));
    } else {
      const [k, v] = setting(where, key, String(value));
      out[k] = v;
    }
  }
  return out;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`--config: cannot read '${path}'`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(oneLine(`--config: '${path}' is not valid JSON: ${jsonSyntaxError(text, e)}`));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(oneLine(`--config: '${path}' is not a JSON object`));
  return parsed as Record<string, unknown>;
}

function protocolOf(flags: ModelFlags, file: Record<string, unknown>): string {
  const named = flags.protocol ?? (typeof file.protocol === 'string' ? file.protocol : undefined);
  if (named !== undefined) {
    if (!(named in VERSIONS)) throw new UsageError(`unknown protocol '${named}' (one of: ${Object.keys(VERSIONS).join(', ')})`);
    return named;
  }
  if (flags.truncation !== undefined) return GENERATION_VERSION[truncationOf(flags.truncation)];
  return CURRENT_VERSION;
}

function truncationOf(text: string): Truncation {
  if (!(TRUNCATIONS as readonly string[]).includes(text)) {
    throw new UsageError(`--truncation must be one of ${TRUNCATIONS.join(', ')}, got '${text}'`);
  }
  return text as Truncation;
}

function namedFlags(flags: ModelFlags): Partial<Record<keyof ClusterConfig, unknown>> {
  const out: Partial<Record<keyof ClusterConfig, unknown>> = {};
  if (flags.truncation !== undefined) out.truncation = truncationOf(flags.truncation);
  if (flags.rf !== undefined) out.rf = integer('--rf', flags.rf);
  if (flags.acks !== undefined) {
    out.acks = DECLARATIONS.acks.parse(flags.acks);
    if (out.acks === undefined) throw new UsageError(`--acks must be 0, 1 or all, got '${flags.acks}'`);
  }
  if (flags.minIsr !== undefined) out.minIsr = integer('--min-isr', flags.minIsr);
  if (flags.unclean) out.unclean = true;
  if (flags.elr !== undefined) out.elr = flags.elr;
  if (flags.lossyCrashes !== undefined) {
    out.lossyCrashes = integer('--lossy-crashes', flags.lossyCrashes);
    out.maxCrashes = Math.max(DEFAULT_BOUNDS.maxCrashes, out.lossyCrashes as number);
    // --lossy-crashes 0 still leaves the default crash budget for crashes that lose nothing
  }
  if (flags.restartLeavesIsr) out.restartLeavesIsr = true;
  return out;
}

/**
 * The configuration the flags describe, validated; throws UsageError with one line. `settings`,
 * when given, stands for the `--config` file's settings (a scenario's configuration), and `where`
 * names them in errors.
 */
export function configFromFlags(flags: ModelFlags, settings?: Record<string, unknown>, where = 'config'): ClusterConfig {
  const file = settings !== undefined ? fromFile(settings, where) : flags.config === undefined ? {} : fromFile(readConfigFile(flags.config));
  const protocol = protocolOf(flags, file);
  const merged: Record<string, unknown> = { ...VERSIONS[protocol], ...DEFAULT_SETTINGS, ...DEFAULT_BOUNDS, ...file, protocol };
  Object.assign(merged, namedFlags(flags));
  for (const text of flags.set ?? []) {
    const [key, value] = parseSetting(text);
    merged[key] = value;
  }
  try {
    return validateConfig(merged);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`impossible configuration: ${e.message}`);
    throw e;
  }
}

/**
 * What the user should know about a configuration that runs as given: a min.insync.replicas
 * above the replicas that can be in the ISR is capped, as Kafka caps it (the broker's
 * Partition.effectiveMinIsr, the controller's ReplicationControlManager.getTopicEffectiveMinIsr).
 */
export function configNotes(c: ClusterConfig): string[] {
  const voters = c.rf - c.observers;
  if (c.minIsr <= voters) return [];
  const replicas = c.observers === 0 ? `the replication factor ${c.rf}` : `the ${voters} replicas that may join the ISR`;
  return [`min.insync.replicas ${c.minIsr} is above ${replicas}: as in Kafka (Partition.effectiveMinIsr), ${voters} in-sync replicas are required`];
}
