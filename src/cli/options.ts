/**
 * From command-line flags to a validated model configuration. Precedence, lowest first: the
 * protocol version (`--protocol`, or the era `--truncation` selects), a `--config` file, the named
 * flags, then `--set key=value`. Every error is one line (a `UsageError`).
 */
import { readFileSync } from 'node:fs';
import { type ClusterConfig, CONFIG_KEYS, ConfigError, DECLARATIONS, validateConfig, DEFAULT_BOUNDS, DEFAULT_SETTINGS } from '../../spec/config.ts';
import { CURRENT_VERSION, GENERATION_VERSION, TRUNCATIONS, type Truncation, VERSIONS } from '../../spec/versions.ts';

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

/** Parses `key=value` for any configuration key, the value read as the key's declaration says. */
export function parseSetting(text: string): [keyof ClusterConfig, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects key=value, got '${text}'`);
  const key = text.slice(0, eq) as keyof ClusterConfig;
  const raw = text.slice(eq + 1);
  if (!CONFIG_KEYS.includes(key)) throw new UsageError(`--set: unknown setting '${key}' (see 'kafka-spec list')`);
  const declaration = DECLARATIONS[key];
  const value = declaration.parse(raw);
  if (value === undefined) throw new UsageError(`--set ${key}: expected ${declaration.values}, got '${raw}'`);
  return [key, value];
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`--config: cannot read '${path}'`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
    return parsed as Record<string, unknown>;
  } catch {
    throw new UsageError(`--config: '${path}' is not a JSON object`);
  }
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

/** The configuration the flags describe, validated; throws UsageError with one line. */
export function configFromFlags(flags: ModelFlags): ClusterConfig {
  const file = flags.config === undefined ? {} : readConfigFile(flags.config);
  const protocol = protocolOf(flags, file);
  const merged: Record<string, unknown> = { ...VERSIONS[protocol], ...DEFAULT_SETTINGS, ...DEFAULT_BOUNDS, ...file, protocol };
  Object.assign(merged, namedFlags(flags));
  for (const text of flags.set ?? []) {
    const [key, value] = parseSetting(text);
    merged[key] = value;
  }
  const unknown = Object.keys(merged).find((k) => !(k in DECLARATIONS));
  if (unknown !== undefined) throw new UsageError(`config: unknown setting '${unknown}' (see 'kafka-spec list')`);
  try {
    return validateConfig(merged);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`impossible configuration: ${e.message}`);
    throw e;
  }
}
