/**
 * Configurations for the library: the settings a configuration file or `--set` takes (a protocol
 * version, the cluster settings, the exploration bounds, any protocol switch), completed from the
 * protocol's switches and the defaults and validated by spec/config.ts; and a recorded
 * configuration moved to another protocol version, as `kafka-spec replay --protocol` does.
 */
import { type ClusterConfig, CONFIG_KEYS, ConfigError, KAFKA_NAMES, KAFKA_WITHOUT_EQUIVALENT, makeConfig, validateConfig } from '../spec/config.ts';
import { SWITCH_NAMES } from '../spec/switches.ts';
import { VERSIONS } from '../spec/versions.ts';
import { oneLine } from '../src/report/line.ts';

export { oneLine };

/** A validated configuration of the model: every key present, as `kafka-spec list --json` shows under `defaults`. */
export type Configuration = Readonly<ClusterConfig>;

/**
 * What `configure` takes: any keys of a configuration, or Kafka's own names for them
 * (`'min.insync.replicas': 2`, `'unclean.leader.election.enable': true`); the rest come from the
 * protocol version and the defaults.
 */
export type Settings = Partial<ClusterConfig> & { readonly [kafkaName: string]: unknown };

/** A configuration that cannot be run, or a key no configuration has; the message is one line. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

function unknownKey(settings: object): string | undefined {
  return Object.keys(settings).find((k) => !(CONFIG_KEYS as readonly string[]).includes(k));
}

/** Kafka's names turned into the model's keys and values, as `--set` and configuration files take them. */
function fromKafkaNames(settings: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    // A model key (acks is both) is the model's, for validateConfig to judge.
    const kafka = (CONFIG_KEYS as readonly string[]).includes(key) ? undefined : KAFKA_NAMES[key];
    const why = KAFKA_WITHOUT_EQUIVALENT[key];
    if (why !== undefined) throw new ConfigurationError(oneLine(`the model has no equivalent of Kafka's ${key}: ${why}`));
    if (kafka === undefined) {
      out[key] = value;
      continue;
    }
    const parsed = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? kafka.parse(String(value)) : undefined;
    if (parsed === undefined) throw new ConfigurationError(oneLine(`${key}: expected ${kafka.values}, got ${JSON.stringify(value)}`));
    out[kafka.key] = parsed;
  }
  return out;
}

/**
 * A validated configuration: the protocol version's switches (default: today's Kafka), then the
 * default settings and bounds, then `settings`. Throws ConfigurationError, with one line, for an
 * unknown key, a value of the wrong type or range, or settings that contradict each other
 * (`lossyCrashes` above `maxCrashes`, say).
 */
export function configure(settings: Settings = {}): Configuration {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new ConfigurationError('configure expects an object of settings');
  settings = fromKafkaNames(settings) as Settings;
  const unknown = unknownKey(settings);
  if (unknown !== undefined) throw new ConfigurationError(oneLine(`unknown setting '${unknown}' (known: ${CONFIG_KEYS.join(', ')})`));
  if (settings.protocol !== undefined && !(settings.protocol in VERSIONS)) {
    throw new ConfigurationError(oneLine(`unknown protocol '${String(settings.protocol)}' (one of: ${Object.keys(VERSIONS).join(', ')})`));
  }
  try {
    return Object.freeze(makeConfig(settings));
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigurationError(oneLine(`impossible configuration: ${e.message}`));
    throw e;
  }
}

/**
 * A recorded configuration moved to another protocol version (its switches replace the recorded
 * ones; settings, bounds and any mutation stay) and then changed by `changes`, validated. The
 * protocol must be one of the versions; throws ConfigError when the result cannot be run.
 */
export function moveConfig(recorded: ClusterConfig, protocol: string | undefined, changes: Readonly<Record<string, unknown>>): ClusterConfig {
  const moved: Record<string, unknown> = { ...recorded };
  if (protocol !== undefined) {
    const switches = VERSIONS[protocol];
    for (const k of SWITCH_NAMES) moved[k] = switches[k];
    moved.protocol = protocol;
  }
  return validateConfig({ ...moved, ...changes });
}

/** `moveConfig` for the library: one ConfigurationError for an unknown key, an unknown protocol or an impossible result. */
export function retargeted(recorded: ClusterConfig, overrides: Settings): Configuration {
  const { protocol, ...changes } = overrides;
  const unknown = unknownKey(overrides);
  if (unknown !== undefined) throw new ConfigurationError(oneLine(`unknown setting '${unknown}' (known: ${CONFIG_KEYS.join(', ')})`));
  if (protocol !== undefined && !(protocol in VERSIONS)) {
    throw new ConfigurationError(oneLine(`unknown protocol '${String(protocol)}' (one of: ${Object.keys(VERSIONS).join(', ')})`));
  }
  try {
    return Object.freeze(moveConfig(recorded, protocol, changes));
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigurationError(oneLine(`impossible configuration: ${e.message}`));
    throw e;
  }
}
