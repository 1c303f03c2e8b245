/**
 * The explorer's view of the Kafka model, free of the DOM so the page, its worker and the CLI
 * share it: the configuration form generated from the declarations (the same ones `kafka-spec
 * list` shows), building a model from the form's values, replaying a trace under another
 * configuration, what to mark on the space-time diagram, and the shareable URL fragment.
 * Like src/cli/, the explorer is an application that wires the model to the engine, which is why
 * it lives beside src/, not in it: src/ outside src/cli/ knows no protocol.
 */
import { type Action, violates } from '../src/model.ts';
import { selectInvariants } from '../src/explore/result.ts';
import { kafkaModel, type KafkaModel, MODEL_NAME } from '../properties/kafka-model.ts';
import type { ClusterAction } from '../spec/actions.ts';
import { BOUNDS, type ClusterConfig, ConfigError, configOfRecord, DECLARATIONS, DEFAULT_BOUNDS, DEFAULT_SETTINGS, SETTINGS, validateConfig } from '../spec/config.ts';
import type { Declaration } from '../spec/declare.ts';
import { SWITCHES } from '../spec/switches.ts';
import { type ClusterState, machineGuards } from '../spec/cluster.ts';
import { resolveRules } from '../spec/rules.ts';
import { CURRENT_VERSION, VERSIONS } from '../spec/versions.ts';
import { retarget, retargetLine } from '../src/trace/retarget.ts';
import { traceSchema } from '../src/trace/schema.ts';

export { ConfigError, configOfRecord, CURRENT_VERSION, VERSIONS, kafkaModel, MODEL_NAME, type ClusterConfig, type KafkaModel, type ClusterAction, type ClusterState };

/** Where a key sits on the form. */
export type FieldGroup = 'switch' | 'setting' | 'bound' | 'mutation';

/**
 * Where a key sits on the page, by what a Kafka engineer is choosing: the protocol's rules, the
 * durability settings of the topic and brokers, the faults and work a behaviour may contain, the
 * clients, and a rule broken on purpose.
 */
export type FieldSection = 'protocol' | 'durability' | 'faults' | 'clients' | 'mutation';

/** The headings of the sections, in page order. */
export const SECTIONS: Readonly<Record<FieldSection, string>> = {
  protocol: 'Protocol rules',
  durability: 'Durability settings',
  faults: 'Faults and bounds',
  clients: 'Clients',
  mutation: 'Mutation (a rule broken on purpose)',
};

const CLIENT_KEYS: ReadonlySet<string> = new Set(['consumer', 'followerReads', 'autoOffsetReset']);

function sectionOf(group: FieldGroup, key: string): FieldSection {
  if (group === 'switch') return 'protocol';
  // The producer's retries are the producer's, not a fault.
  if (group === 'bound') return key === 'maxRetries' ? 'clients' : 'faults';
  if (group === 'mutation') return 'mutation';
  return CLIENT_KEYS.has(key) ? 'clients' : 'durability';
}

/** One input of the configuration form: a checkbox, a list of options or a whole number in a range. */
export interface Field {
  readonly key: keyof ClusterConfig;
  readonly group: FieldGroup;
  readonly section: FieldSection;
  readonly meaning: string;
  /** For a switch, the change in Kafka that flipped it (`KIP-320, 2.1`). */
  readonly change?: string;
  readonly input: { readonly type: 'flag' } | { readonly type: 'choice'; readonly options: readonly string[] } | { readonly type: 'whole'; readonly min: number; readonly max: number };
}

function inputOf(d: Declaration<unknown>): Field['input'] {
  if (d.values === 'true | false') return { type: 'flag' };
  const range = /^(\d+)\.\.(\d+)$/.exec(d.values);
  if (range !== null) return { type: 'whole', min: Number(range[1]), max: Number(range[2]) };
  return { type: 'choice', options: d.values.split(' | ') };
}

function fieldsOf(group: FieldGroup, ds: Readonly<Record<string, Declaration<unknown>>>): Field[] {
  return Object.entries(ds).map(([key, d]) => ({
    key: key as keyof ClusterConfig, group, section: sectionOf(group, key), meaning: d.meaning, input: inputOf(d),
    ...(d.change === undefined ? {} : { change: `${d.change.by}, ${d.change.release}` }),
  }));
}

/** Every guard mutant, `machine.guard=true|false`, of the machines as today's rules build them. */
function guardMutants(): string[] {
  const guards = machineGuards(resolveRules(defaultsOf(CURRENT_VERSION)));
  return Object.entries(guards).flatMap(([machine, names]) => names.flatMap((g) => [`${machine}.${g}=true`, `${machine}.${g}=false`]));
}

/** Every switch, setting, bound, the rule mutation and the guard mutant, in the order `kafka-spec list` shows them. */
export const FIELDS: readonly Field[] = [
  ...fieldsOf('switch', SWITCHES), ...fieldsOf('setting', SETTINGS), ...fieldsOf('bound', BOUNDS),
  ...fieldsOf('bound', {
    permanentFailures: DECLARATIONS.permanentFailures, maxLagShrinks: DECLARATIONS.maxLagShrinks, maxRetries: DECLARATIONS.maxRetries,
    maxLateDeliveries: DECLARATIONS.maxLateDeliveries,
    maxMinIsrChanges: DECLARATIONS.maxMinIsrChanges,
  }),
  ...fieldsOf('mutation', { mutation: DECLARATIONS.mutation }),
  { key: 'forcedGuard', group: 'mutation', section: 'mutation', meaning: DECLARATIONS.forcedGuard.meaning, input: { type: 'choice', options: guardMutants() } },
];

/** Keys of the form that may be left empty: no mutant, or a bound that is absent unless set. */
export const OPTIONAL_KEYS: ReadonlySet<string> = new Set(['mutation', 'forcedGuard', 'permanentFailures', 'maxLagShrinks', 'maxRetries', 'maxLateDeliveries', 'maxMinIsrChanges']);

/** The protocol versions, oldest first. */
export const PROTOCOLS: readonly string[] = Object.keys(VERSIONS);

/** The configuration a protocol starts from: its switches and the default settings and bounds. */
export function defaultsOf(protocol: string): ClusterConfig {
  const switches = VERSIONS[protocol];
  if (switches === undefined) throw new ConfigError(`unknown protocol version '${protocol}'`);
  return { ...switches, ...DEFAULT_SETTINGS, ...DEFAULT_BOUNDS, protocol };
}

/**
 * A configuration from a protocol and form values as text (`true`, `kip101`, `2`; an empty
 * mutation is none), validated; throws ConfigError with one line naming the key.
 */
export function configFromForm(protocol: string, texts: Readonly<Record<string, string>>): ClusterConfig {
  const config: Record<string, unknown> = { ...defaultsOf(protocol) };
  for (const [key, text] of Object.entries(texts)) {
    const d = DECLARATIONS[key as keyof ClusterConfig];
    if (d === undefined) throw new ConfigError(`unknown setting '${key}'`);
    if (OPTIONAL_KEYS.has(key) && text === '') continue;
    const value = d.parse(text);
    if (value === undefined) throw new ConfigError(`${key}: expected ${d.values}, got '${text}'`);
    config[key] = value;
  }
  return validateConfig(config);
}

/** A form value as text (the inverse of `configFromForm` for one key). */
export function fieldText(config: ClusterConfig, key: keyof ClusterConfig): string {
  const v = config[key];
  return v === undefined ? '' : String(v);
}

/** What replaying a trace under a configuration came to. */
export interface ReplayOutcome {
  /** The initial state, then the state after each step replayed. */
  readonly states: ClusterState[];
  /** The first step (counted from 1; 0 for the initial state) after which a checked invariant fails, if any. */
  readonly violation?: { readonly invariant: string; readonly statement: string; readonly step: number };
  /** The step (counted from 1) that cannot be taken under this configuration, and why; absent when every step replayed. */
  readonly stopped?: { readonly step: number; readonly reason: string };
}

/**
 * Replays `steps` under `model` as far as this configuration allows them (unlike a replay that
 * checks, it goes on past a violation, so a trace can be extended beyond one), and names the
 * first step after which one of `invariants` (all when empty) fails.
 */
export function replayUnder(model: KafkaModel, steps: readonly Action[], invariants: readonly string[] = []): ReplayOutcome {
  const replayed = retarget(model, steps, []);
  const states = [...replayed.states];
  const stopped = replayed.outcome === 'blocked' ? { step: replayed.step, reason: retargetLine(replayed) } : undefined;
  const checked = selectInvariants(model, invariants);
  for (let k = 0; k < states.length; k++) {
    const failed = checked.find((inv) => violates(inv, k === 0 ? undefined : states[k - 1], states[k]));
    if (failed !== undefined) return { states, stopped, violation: { invariant: failed.name, statement: failed.statement, step: k } };
  }
  return stopped === undefined ? { states } : { states, stopped };
}

/** A mark on the space-time diagram for what a step changed beyond its message. */
export interface Marker {
  readonly over: string;
  readonly kind: 'election' | 'isr' | 'elr' | 'fence' | 'metadata' | 'crash' | 'controller';
  readonly text: string;
}

const set = (xs: readonly number[]) => `{${xs.join(',')}}`;
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * What a step did to the partition's metadata and the brokers' lives, read from the states
 * before and after it: an election (a new leader or leader epoch), an ISR or ELR change, a broker
 * fenced or unfenced, metadata applied, a crash or restart, a controller failover.
 */
export function markers(prev: ClusterState, action: ClusterAction, next: ClusterState): Marker[] {
  const [p, n] = [prev.controller, next.controller];
  const out: Marker[] = [];
  if (n.registration.leader !== p.registration.leader || n.registration.leaderEpoch !== p.registration.leaderEpoch) {
    out.push({ over: 'controller', kind: 'election', text: `leader ${n.registration.leader} LE ${n.registration.leaderEpoch}` });
  }
  if (!same(n.registration.isr, p.registration.isr)) out.push({ over: 'controller', kind: 'isr', text: `ISR ${set(n.registration.isr)}` });
  if (!same(n.registration.elr, p.registration.elr)) out.push({ over: 'controller', kind: 'elr', text: `ELR ${set(n.registration.elr)}` });
  if (n.epoch !== p.epoch) out.push({ over: 'controller', kind: 'controller', text: `controller epoch ${n.epoch}` });
  n.fenced.forEach((f, i) => {
    if (f !== p.fenced[i]) out.push({ over: `b${i + 1}`, kind: 'fence', text: f ? 'fenced' : 'unfenced' });
  });
  const broker = 'broker' in action ? `b${action.broker}` : undefined;
  if (broker !== undefined) {
    if (action.step === 'BrokerApplyMetadata' || action.step === 'DeposedControllerSendMetadata') out.push({ over: broker, kind: 'metadata', text: 'metadata' });
    if (action.step === 'BrokerCrash' || action.step === 'BrokerLossyCrash') out.push({ over: broker, kind: 'crash', text: action.step === 'BrokerLossyCrash' ? 'lossy crash' : 'crash' });
    if (action.step === 'BrokerRestart') out.push({ over: broker, kind: 'crash', text: 'restart' });
  }
  return out;
}

/** What a shared URL carries: the configuration, the trace's steps and the invariants checked. */
export interface Shared {
  readonly config: ClusterConfig;
  readonly steps: readonly Action[];
  readonly invariants: readonly string[];
}

const toBase64Url = (text: string) => btoa(Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join('')).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromBase64Url = (text: string) => new TextDecoder().decode(Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.codePointAt(0)!));

/** The URL fragment (without `#`) for a configuration and trace: only the keys that differ from the protocol's defaults. */
export function encodeShare(shared: Shared): string {
  const defaults = defaultsOf(shared.config.protocol);
  const changed = Object.fromEntries(Object.entries(shared.config).filter(([k, v]) => k === 'protocol' || defaults[k as keyof ClusterConfig] !== v));
  return `s=${toBase64Url(JSON.stringify({ config: changed, steps: shared.steps, invariants: shared.invariants }))}`;
}

/** Thrown for a URL fragment that does not hold a configuration and trace; the message is one line. */
export class ShareError extends Error {
  override name = 'ShareError';
}

/** Reads a URL fragment written by `encodeShare` (with or without `#`); throws ShareError or ConfigError. */
export function decodeShare(fragment: string): Shared {
  const encoded = new URLSearchParams(fragment.replace(/^#/, '')).get('s');
  if (encoded === null) throw new ShareError('the link holds no configuration (no s=… in its fragment)');
  let raw: { config?: unknown; steps?: unknown; invariants?: unknown };
  try {
    raw = JSON.parse(fromBase64Url(encoded)) as typeof raw;
  } catch {
    throw new ShareError('the link\'s configuration is not readable (cut short?)');
  }
  const parsed = traceSchema.pick({ config: true, steps: true }).safeParse({ config: raw.config, steps: raw.steps });
  if (!parsed.success) throw new ShareError(`the link's ${parsed.error.issues[0].path.join('.') || 'trace'} is malformed`);
  const invariants = Array.isArray(raw.invariants) ? raw.invariants.filter((n): n is string => typeof n === 'string') : [];
  return { config: configOfRecord(parsed.data.config), steps: parsed.data.steps as Action[], invariants };
}
