/**
 * Each kind of step is defined once (spec/steps/), and the tables the model reads are derived
 * from the definitions: the enumeration, `describeAction`, `stepKinds`, `fairnessOf`, the
 * footprints, the pictures and `DELIVERIES`. These tests check, on states reached by seeded random
 * walks in configurations that between them enable every kind of step, that every enumerated
 * action has a definition with every part, that each definition enumerates its actions where the
 * enumeration's passes say, and that a step a configuration rules out is never enabled in it.
 */
import { describe, expect, it } from 'vitest';
import { type KafkaModel, kafkaModelOf } from '../../properties/kafka-model.ts';
import {
  type ClusterAction, type StepName, DELIVERIES, ENUMERATION, deliveryOf, describeAction, enumerateActions, stepDefinition, stepKinds,
} from '../../spec/actions.ts';
import { Cluster, type ClusterState } from '../../spec/cluster.ts';
import { type ClusterConfig, makeConfig } from '../../spec/config.ts';
import { fairnessOf } from '../../spec/fairness.ts';
import { picture } from '../../spec/pictures.ts';
import { STEPS } from '../../spec/steps/index.ts';
import { defineStep } from '../../spec/steps/define.ts';
import type { BrokerId } from '../../spec/types.ts';

const CONFIGS: Record<string, Partial<ClusterConfig>> = {
  'today, rf 3, follower reads and lost messages': { maxMessageLosses: 1, followerReads: true },
  'kafka-0.10, ZooKeeper failover, unclean': { protocol: 'kafka-0.10', maxControllerFailovers: 1, unclean: true },
  'kafka-2.0 (OffsetsForLeaderEpoch), rf 2, lagging HW checkpoints': { protocol: 'kafka-2.0', rf: 2, minIsr: 1, hwCheckpointLags: true, maxMessageLosses: 1 },
  'kafka-3.7, a permanent failure, leader moves': { protocol: 'kafka-3.7', permanentFailures: 1, maxLagShrinks: 1, acks: 1, maxLeaderMoves: 1 },
  'today, rf 2, min ISR 1, acks 1 (the consumer validates its position), a min ISR change': { rf: 2, minIsr: 1, acks: 1, maxMinIsrChanges: 1 },
  'today, rf 1, no consumer': { rf: 1, minIsr: 1, consumer: false },
  'today, rf 2, min ISR 1, an idempotent producer that retries': { rf: 2, minIsr: 1, maxRetries: 2 },
};

const PARTS = ['enabled', 'apply', 'describe', 'fairness', 'footprint', 'picture', 'tell', 'ruledOut'] as const;

/** States met on seeded random walks (a small LCG, so the samples are the same on every run). */
function samples(model: KafkaModel, walks: number, length: number): ClusterState[] {
  let seed = 2024;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const out: ClusterState[] = [model.initial];
  for (let w = 0; w < walks; w++) {
    let s = model.initial;
    for (let i = 0; i < length; i++) {
      const successors = model.enabled(s).map((a) => model.step(s, a)).filter((n) => model.withinBounds!(n));
      if (successors.length === 0) break;
      s = successors[next() % successors.length];
      out.push(s);
    }
  }
  return out;
}

/**
 * Paths whose states join a configuration's samples, for steps random walks seldom enable: a
 * preferred election needs the preferred replica to lose leadership and come back into the ISR.
 */
const PATHS: Record<string, readonly ClusterAction[]> = {
  'today, rf 2, min ISR 1, acks 1 (the consumer validates its position), a min ISR change': [
    { step: 'ControllerFenceBroker', broker: 1 }, { step: 'ControllerUnfenceBroker', broker: 1 }, { step: 'BrokerApplyMetadata', broker: 2 },
    { step: 'BrokerApplyMetadata', broker: 1 }, { step: 'FollowerFetch', broker: 1 }, { step: 'LeaderHandleFetch', broker: 2, from: 1 },
    { step: 'ControllerHandleAlterPartition', leader: 2 },
  ],
};

/** The states along `path` from the initial state; a step that is not enabled is a test failure. */
function along(model: KafkaModel, path: readonly ClusterAction[]): ClusterState[] {
  const out: ClusterState[] = [];
  let s = model.initial;
  for (const want of path) {
    const a = model.enabled(s).find((e) => JSON.stringify(e) === JSON.stringify(want));
    expect(a, `${JSON.stringify(want)} is enabled`).toBeDefined();
    s = model.step(s, a!);
    out.push(s);
  }
  return out;
}

const sampled = new Map<string, ClusterState[]>();
/** The sampled states of configuration `name`, walked once for every test that reads them. */
function statesOf(name: string, model: KafkaModel): ClusterState[] {
  if (!sampled.has(name)) sampled.set(name, [...samples(model, 25, 30), ...along(model, PATHS[name] ?? [])]);
  return sampled.get(name)!;
}

/** The actions step `name`'s definition enumerates on its own in state `s`, for every broker its pass asks about. */
function enumeratedBy(cl: Cluster, s: ClusterState, name: StepName): ClusterAction[] {
  const e = stepDefinition(name).enabled;
  const out: ClusterAction[] = [];
  if (e.each === 'broker') for (const b of cl.rules.replicas) e.actions(cl, s, b, out);
  if (e.each === 'state') e.actions(cl, s, out);
  return out;
}

describe('step definitions', () => {
  it('give every part for every kind of step, in the order reports list them', () => {
    const names = Object.keys(STEPS);
    expect(names.length).toBe(30);
    for (const name of names) {
      const d = stepDefinition(name as StepName) as unknown as Record<string, unknown>;
      for (const part of PARTS) expect(d[part], `${name}.${part}`).toBeDefined();
      expect(['broker', 'state', 'message']).toContain((d.enabled as { each: string }).each);
    }
    const k = kafkaModelOf();
    expect(Object.keys(stepKinds(k.rules, k.bounds))).toEqual(names);
  });

  it('are each asked in exactly one pass of the enumeration, the pass their definition says', () => {
    const asked = ENUMERATION.flatMap((p) => p.steps.map((name) => [name, p.each] as const));
    expect(asked.map(([name]) => name).sort()).toEqual(Object.keys(STEPS).sort());
    for (const [name, each] of asked) expect(stepDefinition(name).enabled.each, name).toBe(each);
  });

  it('give DELIVERIES its rows: exactly the steps that take a message off the network', () => {
    for (const name of Object.keys(STEPS) as StepName[]) {
      const e = stepDefinition(name).enabled;
      expect((DELIVERIES as Record<string, unknown>)[name], name).toEqual(e.each === 'message' ? e.delivery : undefined);
    }
    expect(deliveryOf({ step: 'LeaderHandleFetch', broker: 1, from: 2 })).toMatchObject({ kind: 'FetchRequest', from: 2, to: 1, lost: false });
    expect(deliveryOf({ step: 'ControllerHandleAlterPartition', leader: 3 })).toMatchObject({ kind: 'AlterPartition', from: 3, to: 0 });
    expect(deliveryOf({ step: 'BrokerCrash', broker: 1 })).toBeNull();
  });

  for (const [name, overrides] of Object.entries(CONFIGS)) {
    it(`agree with the derived tables on reachable states: ${name}`, () => {
      const model = kafkaModelOf(overrides);
      const cl = new Cluster(makeConfig(overrides));
      const ruledOut = stepKinds(cl.rules, cl.bounds, cl.permanentFailures);
      const states = statesOf(name, model);
      expect(states.length).toBeGreaterThan(200);
      const out = new Uint32Array(2 * model.reduction!.independence.words);
      const faults = new Set<string>();
      const unreadable = /undefined|NaN|\[object/;
      for (const s of states) {
        const enabled = enumerateActions(cl, s);
        // The enumeration is the definitions' own enumerations and the deliveries, nothing else, each once.
        const alone = (Object.keys(STEPS) as StepName[]).flatMap((k) => enumeratedBy(cl, s, k)).map((a) => JSON.stringify(a));
        const listed = enabled.filter((a) => deliveryOf(a) === null).map((a) => JSON.stringify(a));
        if (listed.length !== alone.length || listed.some((a) => !alone.includes(a))) faults.add(`enumerated ${listed} where the definitions give ${alone}`);
        for (const a of enabled) {
          if (!(a.step in STEPS)) faults.add(`${a.step} has no definition`);
          if (ruledOut[a.step] !== null) faults.add(`${a.step} is enabled though ruled out (${ruledOut[a.step]})`);
          const line = describeAction(a);
          if (typeof line !== 'string' || line === '' || unreadable.test(line)) faults.add(`${a.step} reads as ${line}`);
          if (!['fault', 'fair', 'unfair'].includes(fairnessOf(s, a))) faults.add(`${a.step} has no fairness class`);
          model.reduction!.independence.footprint(s, a, out, 0);
          const next = model.step(s, a);
          const told = stepDefinition(a.step).tell(s, a as never, next);
          if (told !== null && (told === '' || unreadable.test(told))) faults.add(`${a.step} is told as ${told}`);
          const pic = picture(s, a, next);
          const texts = [...pic.arrows.map((p) => p.label), ...pic.notes.map((n) => n.text)];
          if (texts.length === 0 || texts.some((x) => unreadable.test(x))) faults.add(`${a.step} is pictured as ${JSON.stringify(pic)}`);
        }
      }
      expect([...faults]).toEqual([]);
    });
  }

  it('enumerate in a fixed order: each broker in turn, then the controller, the consumer and the network', () => {
    const model = kafkaModelOf({
      protocol: 'kafka-3.7', rf: 2, minIsr: 1, permanentFailures: 1, maxLeaderMoves: 1, maxMessageLosses: 1, hwCheckpointLags: true, followerReads: true,
    });
    const after = (steps: string[]) => steps.reduce((s, step) => model.step(s, model.enabled(s).find((a) => a.step === step)!), model.initial);
    const fetching = after(['ProducerSend', 'FollowerFetch']);
    expect(model.enabled(fetching)).toEqual([
      { step: 'ProducerSend', broker: 1, value: 2 },
      { step: 'LeaderShrinkIsr', broker: 1, follower: 2 },
      { step: 'BrokerCrash', broker: 1 },
      { step: 'BrokerLossyCrash', broker: 1, keep: 0 },
      { step: 'ControllerFenceBroker', broker: 1 },
      { step: 'BrokerControlledShutdown', broker: 1 },
      { step: 'BrokerFailPermanently', broker: 1 },
      { step: 'BrokerCrash', broker: 2 },
      { step: 'ControllerFenceBroker', broker: 2 },
      { step: 'BrokerControlledShutdown', broker: 2 },
      { step: 'BrokerFailPermanently', broker: 2 },
      { step: 'LeaderHandleFetch', broker: 1, from: 2 },
      { step: 'NetworkLoseFetchRequest', broker: 1, from: 2 },
    ]);
    // A broker that is down may restart, and its session may expire; its fetch died with it.
    expect(model.enabled(model.step(fetching, { step: 'BrokerCrash', broker: 1 }))).toEqual([
      { step: 'BrokerRestart', broker: 1 },
      { step: 'ControllerFenceBroker', broker: 1 },
      { step: 'ControllerFenceBroker', broker: 2 },
      { step: 'BrokerControlledShutdown', broker: 2 },
      { step: 'BrokerFailPermanently', broker: 2 },
    ]);
  });

  it('between them, enable every kind of step in the sampled configurations', () => {
    const taken = new Set<string>();
    for (const [name, overrides] of Object.entries(CONFIGS)) {
      const model = kafkaModelOf(overrides);
      for (const s of statesOf(name, model)) for (const a of model.enabled(s)) taken.add(a.step);
    }
    expect([...taken].sort()).toEqual(Object.keys(STEPS).sort());
  });

  it('must give every part: a definition without a footprint is a type error', () => {
    // @ts-expect-error: the footprint is missing.
    const incomplete = defineStep<{ step: 'BrokerDream'; broker: BrokerId }>({
      enabled: { each: 'broker', actions: () => {} },
      apply: (_cl, s) => s,
      describe: (a) => `broker ${a.broker} dreams`,
      fairness: 'unfair',
      picture: () => ({ arrows: [], notes: [] }),
      tell: (_before, a) => `broker ${a.broker} dreams`,
      ruledOut: () => null,
    });
    expect(incomplete).not.toHaveProperty('footprint');
  });
});

describe('L7: a restarted broker replays the metadata while fenced, and is unfenced once it has', () => {
  const is = (want: ClusterAction) => (a: ClusterAction) => JSON.stringify(a) === JSON.stringify(want);
  const take = (model: KafkaModel, s: ClusterState, a: ClusterAction) => {
    expect(model.enabled(s).some(is(a)), `${describeAction(a)} is enabled`).toBe(true);
    return model.step(s, a);
  };
  const crashed = (model: KafkaModel) => [
    { step: 'BrokerCrash', broker: 3 }, { step: 'ControllerFenceBroker', broker: 3 }, { step: 'BrokerRestart', broker: 3 },
  ].reduce((s, a) => take(model, s, a as ClusterAction), model.initial);
  const unfence: ClusterAction = { step: 'ControllerUnfenceBroker', broker: 3 };
  const replay: ClusterAction = { step: 'BrokerApplyMetadata', broker: 3 };

  it('KRaft (BrokerHeartbeatManager, KAFKA-13959): no unfencing before the replay; the replay makes it a follower that fetches', () => {
    const model = kafkaModelOf();
    const restarted = crashed(model);
    expect(restarted.controller.fenced[2]).toBe(true);
    expect(model.enabled(restarted).some(is(unfence))).toBe(false);
    const replayed = take(model, restarted, replay);
    expect(replayed.replicas[2]).toMatchObject({ role: 'follower', context: { leader: 1, knownMetadata: restarted.controller.metadataOffset } });
    expect(model.enabled(replayed).some(is({ step: 'FollowerFetch', broker: 3 }))).toBe(true);
    expect(take(model, replayed, unfence).controller.fenced[2]).toBe(false);
  });

  it('ZooKeeper: a restarted broker registers unfenced, and a broker whose session expired gets no metadata until it is back', () => {
    const model = kafkaModelOf({ protocol: 'kafka-3.5' });
    expect(crashed(model).controller.fenced[2]).toBe(false);
    const lost = take(model, model.initial, { step: 'ControllerFenceBroker', broker: 3 });
    expect(model.enabled(lost).some(is({ step: 'BrokerApplyMetadata', broker: 2 }))).toBe(true);
    expect(model.enabled(lost).some(is(replay))).toBe(false);
  });
});

describe('R7: the operator changes min.insync.replicas', () => {
  it('only within maxMinIsrChanges, to another value; the ELR is cleared, and a leader that replays the new value lets acks=all through', () => {
    expect(kafkaModelOf().enabled(kafkaModelOf().initial).some((a) => a.step === 'AdminAlterMinIsr')).toBe(false);
    const model = kafkaModelOf({ maxMinIsrChanges: 1 });
    expect(model.enabled(model.initial).filter((a) => a.step === 'AdminAlterMinIsr')).toEqual([
      { step: 'AdminAlterMinIsr', value: 1 }, { step: 'AdminAlterMinIsr', value: 3 },
    ]);
    const take = (s: ClusterState, a: ClusterAction) => {
      expect(model.enabled(s), describeAction(a)).toContainEqual(a);
      return model.step(s, a);
    };
    // Broker 2's process crashes and its session expires (ISR {1, 3}); broker 3's heartbeats are lost: ISR {1}, ELR {3}.
    const below = [
      { step: 'BrokerCrash', broker: 2 }, { step: 'ControllerFenceBroker', broker: 2 }, { step: 'ControllerFenceBroker', broker: 3 },
    ].reduce((s, a) => take(s, a as ClusterAction), model.initial);
    expect(below.controller.registration).toMatchObject({ leader: 1, isr: [1], elr: [3] });
    const replayed = take(below, { step: 'BrokerApplyMetadata', broker: 1 });
    expect(model.enabled(replayed).some((a) => a.step === 'ProducerSend')).toBe(true); // the produce step is offered; P3 refuses it
    const refused = take(replayed, { step: 'ProducerSend', broker: 1, value: 1 } as ClusterAction);
    expect(refused.replicas[0].context.log).toEqual([]);
    const lowered = take(replayed, { step: 'AdminAlterMinIsr', value: 1 });
    expect(lowered.controller).toMatchObject({ minIsr: 1, registration: { isr: [1], elr: [] } });
    expect(model.enabled(lowered).some((a) => a.step === 'AdminAlterMinIsr')).toBe(false);
    const learnt = take(lowered, { step: 'BrokerApplyMetadata', broker: 1 });
    expect(take(learnt, { step: 'ProducerSend', broker: 1, value: 1 } as ClusterAction).replicas[0].context.log).toHaveLength(1);
  });
});
