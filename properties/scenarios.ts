/**
 * The Kafka vocabulary of scenarios (docs/scenarios.md): a scenario file read and checked, and
 * its milestones made into the predicates the engine's product of a model and a scenario
 * (src/explore/scenario.ts) waits for. A milestone is one of
 *
 *  - a kind of step, with any of its parameters: `{ "step": "BrokerCrash", "broker": 1 }`;
 *  - a named reachability goal (properties/goals.ts): `{ "goal": "unclean-election" }`;
 *  - facts about a state, every one of which must hold: the controller's partition registration
 *    (`leader`, `leaderEpoch`, `leaderEpochAtLeast`, `isr`, `isrContains`, `elr`, `elrContains`)
 *    and each replica's (`replicas: { "2": { "leo": 1, "hw": 1, "holds": { "offset": 0, "value": 1 } } }`,
 *    with `log`, `fenced`, `offline`, `failed`, `role`).
 *
 * The state facts are what an observation of a real cluster gives (the Admin API's leader, ISR and
 * ELR, the leader epoch, each replica's log end offset, HW and records, which brokers run and which
 * the controller fences), so an observed run is a scenario whose milestones are its observations.
 *
 * Any milestone may restrict the steps taken while waiting for it (`only`: a list of step patterns),
 * and the scenario the steps taken after the last one (`afterwards`). Every error is a
 * `ScenarioError` naming the place in the file.
 */
import type { Milestone, Scenario } from '../src/explore/scenario.ts';
import { scenarioProduct, type ScenarioState } from '../src/explore/scenario.ts';
import type { Model } from '../src/model.ts';
import type { ClusterAction, StepName } from '../spec/actions.ts';
import type { ClusterState } from '../spec/cluster.ts';
import type { ClusterConfig } from '../spec/config.ts';
import { NO_LEADER } from '../spec/types.ts';
import { GOALS } from './goals.ts';
import { kafkaModel } from './kafka-model.ts';

/** A scenario file that is not what docs/scenarios.md describes; `place` is where (e.g. `milestones[3].broker`). */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(readonly place: string, readonly problem: string, readonly near?: { readonly typed: string; readonly candidates: readonly string[] }) {
    super(`${place}: ${problem}`);
  }
}

/** What a parameter of a step holds: a broker id (1..rf), the controller (0), a record value or an offset. */
type Param = 'broker' | 'controller' | 'value' | 'offset';

/** The parameters of each kind of step, as its action carries them (spec/steps/): a step left out is a type error. */
export const STEP_PARAMS: { readonly [K in StepName]: Readonly<Record<string, Param>> } = {
  ProducerSend: { broker: 'broker', value: 'value' },
  ConsumerFetch: { broker: 'broker' },
  ConsumerRefreshMetadata: { broker: 'broker' },
  ConsumerValidatePosition: { broker: 'broker' },
  LeaderSelectReadReplica: { broker: 'broker', replica: 'broker' },
  ConsumerExpireReadReplica: { broker: 'broker' },
  FollowerFetch: { broker: 'broker' },
  LeaderHandleFetch: { broker: 'broker', from: 'broker' },
  FollowerHandleFetchResponse: { broker: 'broker', from: 'broker' },
  LeaderHandleEpochQuery: { broker: 'broker', from: 'broker' },
  FollowerHandleEpochResponse: { broker: 'broker', from: 'broker' },
  NetworkLoseFetchRequest: { broker: 'broker', from: 'broker' },
  NetworkLoseFetchResponse: { broker: 'broker', leader: 'broker' },
  LeaderShrinkIsr: { broker: 'broker', follower: 'broker' },
  ControllerHandleAlterPartition: { leader: 'broker' },
  LeaderHandleAlterPartitionResponse: { broker: 'broker', from: 'controller' },
  BrokerApplyMetadata: { broker: 'broker' },
  BrokerCrash: { broker: 'broker' },
  BrokerLossyCrash: { broker: 'broker', keep: 'offset' },
  BrokerRestart: { broker: 'broker' },
  BrokerFailPermanently: { broker: 'broker' },
  ControllerFenceBroker: { broker: 'broker' },
  ControllerUnfenceBroker: { broker: 'broker' },
  ControllerElectPreferredLeader: {},
  AdminAlterMinIsr: { value: 'value' },
  BrokerControlledShutdown: { broker: 'broker' },
  BrokerCheckpointHw: { broker: 'broker' },
  ControllerFailover: {},
  DeposedControllerSendMetadata: { broker: 'broker' },
  ProducerRetry: { broker: 'broker', value: 'value' },
};

/** Every kind of step, read off the table above rather than the step definitions, so that this module can be the first one a worker thread imports (spec/steps/ and spec/actions.ts import each other). */
const STEP_NAMES = Object.keys(STEP_PARAMS) as StepName[];

/** The top-level keys of a scenario file. */
const FILE_KEYS = ['name', 'source', 'narrative', 'config', 'fixed', 'breaks', 'milestones', 'afterwards'] as const;

/** A scenario file as read, before its milestones are made into predicates. */
export interface ScenarioFile {
  readonly name: string;
  /** The narrative it follows: a KIP or JIRA id, e.g. `KAFKA-7164`. */
  readonly source: string;
  readonly narrative?: string;
  /** The configuration it runs under: the keys of a `--config` file (the model's or Kafka's names). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Optional: the settings that fix the bug, on top of `config` (the same keys). */
  readonly fixed?: Readonly<Record<string, unknown>>;
  /** The invariants the scenario is expected to break. */
  readonly breaks: readonly string[];
  readonly milestones: readonly Readonly<Record<string, unknown>>[];
  readonly afterwards?: Readonly<Record<string, unknown>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const wholeNumber = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The file's shape checked: its keys, their types, and each milestone an object. Milestones are checked by `compileScenario`. */
export function readScenario(raw: unknown): ScenarioFile {
  if (!isObject(raw)) throw new ScenarioError('the file', 'is not a JSON object');
  for (const key of Object.keys(raw)) {
    if (!(FILE_KEYS as readonly string[]).includes(key)) throw new ScenarioError(key, `unknown key (one of ${FILE_KEYS.join(', ')})`, { typed: key, candidates: FILE_KEYS });
  }
  for (const key of ['name', 'source'] as const) if (typeof raw[key] !== 'string' || raw[key] === '') throw new ScenarioError(key, 'expected a non-empty string');
  if (raw.narrative !== undefined && typeof raw.narrative !== 'string') throw new ScenarioError('narrative', 'expected a string');
  if (!isObject(raw.config)) throw new ScenarioError('config', 'expected an object of settings, as a --config file holds');
  if (raw.fixed !== undefined && !isObject(raw.fixed)) throw new ScenarioError('fixed', 'expected an object of settings');
  if (!Array.isArray(raw.breaks) || raw.breaks.length === 0 || raw.breaks.some((b) => typeof b !== 'string')) {
    throw new ScenarioError('breaks', 'expected a non-empty list of invariant names');
  }
  if (!Array.isArray(raw.milestones) || raw.milestones.length === 0) throw new ScenarioError('milestones', 'expected a non-empty list');
  raw.milestones.forEach((m, i) => {
    if (!isObject(m)) throw new ScenarioError(`milestones[${i + 1}]`, 'expected an object');
  });
  if (raw.afterwards !== undefined) {
    if (!isObject(raw.afterwards)) throw new ScenarioError('afterwards', 'expected an object with "only"');
    for (const key of Object.keys(raw.afterwards)) if (key !== 'only') throw new ScenarioError(`afterwards.${key}`, 'unknown key (only "only")');
  }
  return raw as unknown as ScenarioFile;
}

type M = Milestone<ClusterState, ClusterAction>;
type Allows = (s: ClusterState, a: ClusterAction) => boolean;

/** A broker id checked against the replication factor. */
function brokerAt(place: string, v: unknown, rf: number): number {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > rf) throw new ScenarioError(place, `expected a broker from 1 to ${rf}, got ${JSON.stringify(v)}`);
  return v as number;
}

function brokerList(place: string, v: unknown, rf: number): number[] {
  if (!Array.isArray(v)) throw new ScenarioError(place, 'expected a list of brokers');
  const out = v.map((b, i) => brokerAt(`${place}[${i + 1}]`, b, rf));
  if (new Set(out).size !== out.length) throw new ScenarioError(place, 'names a broker twice');
  return out.sort((a, b) => a - b);
}

/** A step pattern (`"FollowerFetch"` or `{ "step": "LeaderHandleFetch", "broker": 1 }`): the step and the parameters it fixes. */
function stepPattern(place: string, v: unknown, rf: number, extra: readonly string[] = []): { step: StepName; params: [string, number][] } {
  const obj = typeof v === 'string' ? { step: v } : v;
  if (!isObject(obj)) throw new ScenarioError(place, 'expected a step name or an object with "step"');
  const step = obj.step;
  if (typeof step !== 'string' || !(STEP_NAMES as string[]).includes(step)) {
    throw new ScenarioError(`${place}.step`, `unknown kind of step ${JSON.stringify(step)}`, typeof step === 'string' ? { typed: step, candidates: STEP_NAMES } : undefined);
  }
  const declared = STEP_PARAMS[step as StepName];
  const params: [string, number][] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'step' || extra.includes(key)) continue;
    const kind = Object.hasOwn(declared, key) ? declared[key] : undefined;
    if (kind === undefined) {
      const names = Object.keys(declared);
      throw new ScenarioError(`${place}.${key}`, `${step} has no parameter '${key}' (${names.length === 0 ? 'it has none' : `it has ${names.join(', ')}`})`);
    }
    if (kind === 'broker') params.push([key, brokerAt(`${place}.${key}`, value, rf)]);
    else if (kind === 'controller') {
      if (value !== 0) throw new ScenarioError(`${place}.${key}`, 'expected 0, the controller');
      params.push([key, 0]);
    } else {
      if (!wholeNumber(value) || (kind === 'value' && value === 0)) throw new ScenarioError(`${place}.${key}`, `expected ${kind === 'value' ? 'a record value (1, 2, …)' : 'an offset (0, 1, …)'}, got ${JSON.stringify(value)}`);
      params.push([key, value]);
    }
  }
  return { step: step as StepName, params };
}

const matches = (p: { step: StepName; params: [string, number][] }) => (a: ClusterAction): boolean => {
  if (a.step !== p.step) return false;
  const params = a as unknown as Record<string, number>;
  for (const [k, v] of p.params) if (params[k] !== v) return false;
  return true;
};

const patternText = (p: { step: StepName; params: [string, number][] }): string => [p.step, ...p.params.map(([k, v]) => `${k}=${v}`)].join(' ');

/** `only`: the steps that may be taken, as a predicate; undefined when absent. */
function onlyOf(place: string, v: unknown, rf: number): Allows | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0) throw new ScenarioError(place, 'expected a non-empty list of steps');
  const tests = v.map((p, i) => matches(stepPattern(`${place}[${i + 1}]`, p, rf)));
  return (_s, a) => tests.some((t) => t(a));
}

type Fact = { label: string; holds: (s: ClusterState) => boolean };

const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && [...a].sort((x, y) => x - y).every((x, i) => x === b[i]);
const setText = (l: readonly number[]) => `{${l.join(',')}}`;
const sameValues = (log: readonly { readonly value: number }[], values: readonly number[]) => log.length === values.length && log.every((e, i) => e.value === values[i]);

function boolean(place: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ScenarioError(place, `expected true or false, got ${JSON.stringify(v)}`);
  return v;
}

function count(place: string, v: unknown): number {
  if (!wholeNumber(v)) throw new ScenarioError(place, `expected a whole number, got ${JSON.stringify(v)}`);
  return v;
}

/** The records `value` names (one `{ offset, value }` or a list of them), each with its place. */
function records(place: string, value: unknown): { offset: number; value: number }[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((r, i) => {
    const rp = Array.isArray(value) ? `${place}[${i + 1}]` : place;
    if (!isObject(r) || Object.keys(r).some((k) => k !== 'offset' && k !== 'value')) throw new ScenarioError(rp, 'expected { "offset": o, "value": v }');
    return { offset: count(`${rp}.offset`, r.offset), value: count(`${rp}.value`, r.value) };
  });
}

/** A fact about broker `b`, read from the value written for it at `place`. */
type ReplicaFact = (place: string, b: number, value: unknown) => Fact[];
const replica = (s: ClusterState, b: number) => s.replicas[b - 1];

/** The facts a milestone may state about one replica: what `reproduce` observes of each broker. */
const REPLICA_FACTS: Readonly<Record<string, ReplicaFact>> = {
  leo: (p, b, v) => {
    const n = count(p, v);
    return [{ label: `broker ${b}'s log ends at ${n}`, holds: (s) => replica(s, b).context.log.length === n }];
  },
  hw: (p, b, v) => {
    const n = count(p, v);
    return [{ label: `broker ${b}'s HW is ${n}`, holds: (s) => replica(s, b).context.hw === n }];
  },
  log: (p, b, v) => {
    if (!Array.isArray(v) || v.some((x) => !wholeNumber(x) || x === 0)) throw new ScenarioError(p, 'expected the list of record values, by offset');
    const values = v as number[];
    return [{ label: `broker ${b}'s log is [${values.join(',')}]`, holds: (s) => sameValues(replica(s, b).context.log, values) }];
  },
  holds: (p, b, v) => records(p, v).map((r) => ({
    label: `broker ${b} holds v${r.value} at offset ${r.offset}`, holds: (s: ClusterState) => replica(s, b).context.log[r.offset]?.value === r.value,
  })),
  fenced: (p, b, v) => {
    const want = boolean(p, v);
    return [{ label: `broker ${b} is ${want ? '' : 'not '}fenced`, holds: (s) => s.controller.fenced[b - 1] === want }];
  },
  offline: (p, b, v) => {
    const want = boolean(p, v);
    return [{ label: `broker ${b} is ${want ? 'down' : 'running'}`, holds: (s) => (replica(s, b).role === 'offline') === want }];
  },
  failed: (p, b, v) => {
    const want = boolean(p, v);
    return [{ label: `broker ${b} has ${want ? '' : 'not '}failed for good`, holds: (s) => (s.permanentlyDown?.includes(b) ?? false) === want }];
  },
  role: (p, b, v) => {
    if (v !== 'leader' && v !== 'follower' && v !== 'offline') throw new ScenarioError(p, `expected leader, follower or offline, got ${JSON.stringify(v)}`);
    return [{ label: `broker ${b} acts as ${v}`, holds: (s) => replica(s, b).role === v }];
  },
};

/** A fact about the partition, read from the value written for it at `place`. */
type StateFact = (place: string, value: unknown, rf: number) => Fact[];
const reg = (s: ClusterState) => s.controller.registration;

/** `NAME is {…}`: the set of brokers `of` gives is exactly the one named. */
const setIs = (name: string, of: (s: ClusterState) => readonly number[]): StateFact => (p, v, rf) => {
  const l = brokerList(p, v, rf);
  return [{ label: `${name} is ${setText(l)}`, holds: (s) => sameList(of(s), l) }];
};

/** `NAME contains broker b`. */
const setContains = (name: string, of: (s: ClusterState) => readonly number[]): StateFact => (p, v, rf) => {
  const b = brokerAt(p, v, rf);
  return [{ label: `${name} contains broker ${b}`, holds: (s) => of(s).includes(b) }];
};

/** The facts a milestone may state about the partition: the controller's registration, and `replicas`. */
const STATE_FACTS: Readonly<Record<string, StateFact>> = {
  leader: (p, v, rf) => {
    const b = v === null ? NO_LEADER : brokerAt(p, v, rf);
    return [{ label: b === NO_LEADER ? 'no leader' : `leader is broker ${b}`, holds: (s) => reg(s).leader === b }];
  },
  leaderEpoch: (p, v) => {
    const n = count(p, v);
    return [{ label: `leader epoch is ${n}`, holds: (s) => reg(s).leaderEpoch === n }];
  },
  leaderEpochAtLeast: (p, v) => {
    const n = count(p, v);
    return [{ label: `leader epoch ≥ ${n}`, holds: (s) => reg(s).leaderEpoch >= n }];
  },
  isr: setIs('ISR', (s) => reg(s).isr),
  isrContains: setContains('ISR', (s) => reg(s).isr),
  elr: setIs('ELR', (s) => reg(s).elr),
  elrContains: setContains('ELR', (s) => reg(s).elr),
  replicas: (p, v, rf) => {
    if (!isObject(v)) throw new ScenarioError(p, 'expected an object keyed by broker id');
    return Object.entries(v).flatMap(([id, facts]) => {
      const b = brokerAt(`${p}.${id}`, /^\d+$/.test(id) ? Number(id) : id, rf);
      if (!isObject(facts)) throw new ScenarioError(`${p}.${id}`, 'expected an object of facts about the replica');
      return Object.entries(facts).flatMap(([key, value]) => {
        const fact = Object.hasOwn(REPLICA_FACTS, key) ? REPLICA_FACTS[key] : undefined;
        if (fact === undefined) throw new ScenarioError(`${p}.${id}.${key}`, `unknown fact about a replica (one of ${Object.keys(REPLICA_FACTS).join(', ')})`, { typed: key, candidates: Object.keys(REPLICA_FACTS) });
        return fact(`${p}.${id}.${key}`, b, value);
      });
    });
  },
};

/** The keys a milestone may have besides its facts. */
const MILESTONE_KEYS = ['step', 'goal', 'only', 'note'];

/** The facts a state milestone states, each with its label. */
function stateFacts(place: string, m: Record<string, unknown>, rf: number): Fact[] {
  const facts = Object.entries(m).filter(([key]) => key !== 'note' && key !== 'only').flatMap(([key, value]) => {
    const fact = Object.hasOwn(STATE_FACTS, key) ? STATE_FACTS[key] : undefined;
    if (fact === undefined) {
      throw new ScenarioError(`${place}.${key}`, `unknown key (a milestone is a "step", a "goal", or facts: ${Object.keys(STATE_FACTS).join(', ')})`,
        { typed: key, candidates: [...MILESTONE_KEYS, ...Object.keys(STATE_FACTS)] });
    }
    return fact(`${place}.${key}`, value, rf);
  });
  if (facts.length === 0) throw new ScenarioError(place, 'states nothing: give a "step", a "goal" or facts about the state');
  return facts;
}

/** One milestone of the file, made into the engine's predicate. */
function milestoneOf(place: string, m: Record<string, unknown>, rf: number): M {
  if (m.note !== undefined && typeof m.note !== 'string') throw new ScenarioError(`${place}.note`, 'expected a string');
  const allows = onlyOf(`${place}.only`, m.only, rf);
  const note = m.note as string | undefined;
  const restrict = allows === undefined ? {} : { allows };
  if (m.step !== undefined) {
    if (m.goal !== undefined) throw new ScenarioError(place, 'gives both a "step" and a "goal": one milestone is one of them');
    const p = stepPattern(place, m, rf, ['only', 'note']);
    const test = matches(p);
    return { kind: 'step', label: note ?? patternText(p), reached: (_prev, a) => test(a), ...restrict };
  }
  if (m.goal !== undefined) {
    const g = GOALS.find((x) => x.name === m.goal);
    if (g === undefined) throw new ScenarioError(`${place}.goal`, `unknown goal ${JSON.stringify(m.goal)}`, typeof m.goal === 'string' ? { typed: m.goal, candidates: GOALS.map((x) => x.name) } : undefined);
    for (const key of Object.keys(m)) if (!['goal', 'only', 'note'].includes(key)) throw new ScenarioError(`${place}.${key}`, 'a goal milestone takes only "goal", "only" and "note"');
    return { kind: 'step', label: note ?? `goal ${g.name}`, reached: (prev, a, next) => g.reached(prev, a, next), ...restrict };
  }
  const facts = stateFacts(place, m, rf);
  return { kind: 'state', label: note ?? facts.map((f) => f.label).join(', '), holds: (s) => facts.every((f) => f.holds(s)), ...restrict };
}

/** The scenario's milestones and its restriction after the last, for a cluster of `rf` brokers. */
export function compileScenario(file: ScenarioFile, rf: number): Scenario<ClusterState, ClusterAction> {
  const milestones = file.milestones.map((m, i) => milestoneOf(`milestones[${i + 1}]`, m as Record<string, unknown>, rf));
  const after = onlyOf('afterwards.only', file.afterwards?.only, rf);
  return { milestones, ...(after === undefined ? {} : { allowsAfter: after }) };
}

/**
 * The product of the Kafka model of `config` and the scenario `file`, from plain data only, so a
 * worker thread rebuilds it (`ModelSource`: this module, `kafkaScenarioModel`, `[config, file]`).
 */
export function kafkaScenarioModel(config: ClusterConfig, file: ScenarioFile): Model<ScenarioState<ClusterState>, ClusterAction> {
  const model = kafkaModel(config);
  return scenarioProduct(model, compileScenario(readScenario(file), model.rules.replicas.length));
}
