/**
 * The footprints a partial-order reduction would trust (spec/independence.ts, each given by its
 * step's definition in spec/steps/), checked on states reached by random walks in configurations
 * that between them enable every kind of step: no footprint is empty, every part of the state a
 * step changes is declared written, and two steps declared independent commute, keep each
 * other enabled, and are judged alike by every transition invariant and goal in either order. A footprint that left a part out fails here, as the last test shows.
 */
import { describe, expect, it } from 'vitest';
import { type KafkaModel, kafkaModelOf } from '../../properties/kafka-model.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import type { ClusterConfig } from '../../spec/config.ts';
import type { ClusterState } from '../../spec/cluster.ts';
import { type Independence, independentAt, type TransitionInvariant } from '../../src/model.ts';
import { fingerprintInto } from '../../src/explore/fingerprint.ts';

const CONFIGS: Record<string, Partial<ClusterConfig>> = {
  'today, rf 3': { maxMessageLosses: 1, followerReads: true },
  'kafka-0.10 (ISR written at once, ZooKeeper controller failover)': { protocol: 'kafka-0.10', maxControllerFailovers: 1, unclean: true },
  'kafka-2.7, rf 2, min ISR 1, lagging HW checkpoints': { protocol: 'kafka-2.7', rf: 2, minIsr: 1, hwCheckpointLags: true, maxMessageLosses: 1 },
  'kafka-3.7, permanent failure and lag shrinks bounded': { protocol: 'kafka-3.7', permanentFailures: 1, maxLagShrinks: 1, acks: 1 },
  'today, rf 3, late deliveries counted': { maxCrashes: 2, maxLateDeliveries: 2 },
  'today, rf 2, min.insync.replicas changed once': { rf: 2, maxMinIsrChanges: 1 },
  'today, rf 4 with an observer, acks 0': { rf: 4, observers: 1, acks: 0, maxControllerFailovers: 1, autoOffsetReset: 'latest' },
  'today, rf 2, min ISR 1, an idempotent producer that retries': { rf: 2, minIsr: 1, maxRetries: 2 },
  'kafka-2.2, a producer that retries without idempotence': { protocol: 'kafka-2.2', maxRetries: 2 },
};

/** The parts of a state a step may change, named as the footprint bits name them. */
function changedParts(s: ClusterState, n: ClusterState): { parts: number; links: [number, number][] } {
  const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
  let parts = 0;
  s.replicas.forEach((slot, i) => {
    const { incarnation: _a, ...before } = slot.context;
    const { incarnation: _b, ...after } = n.replicas[i].context;
    if (!same(before, after)) parts |= 1 << i;
    if (slot.role !== n.replicas[i].role || slot.context.incarnation !== n.replicas[i].context.incarnation) parts |= 1 << (5 + i);
  });
  if (!same(s.controller, n.controller)) parts |= 1 << 10;
  if (!same(s.ghost, n.ghost)) parts |= 1 << 11;
  if (s.nextValue !== n.nextValue || !same(s.producer, n.producer)) parts |= 1 << 12;
  if (!same(s.consumer, n.consumer)) parts |= 1 << 13;
  if (!same([s.spent, s.lagShrinks, s.lateDeliveries, s.minIsrChanges, s.permanentlyDown, s.deposed], [n.spent, n.lagShrinks, n.lateDeliveries, n.minIsrChanges, n.permanentlyDown, n.deposed])) parts |= 1 << 14;
  const links: [number, number][] = [];
  const on = (st: ClusterState, f: number, t: number) => st.network.filter((m) => m.from === f && m.to === t);
  for (let f = 0; f <= s.replicas.length; f++) {
    for (let t = 0; t <= s.replicas.length; t++) if (!same(on(s, f, t), on(n, f, t))) links.push([f, t]);
  }
  return { parts, links };
}

function written(out: Uint32Array, at: number, link: [number, number]): boolean {
  const bit = link[0] * 6 + link[1];
  return ((out[at + 3 + 1 + (bit >>> 5)] >>> (bit & 31)) & 1) === 1;
}

function independent(ind: Independence<ClusterState, ClusterAction>, s: ClusterState, t: ClusterAction, u: ClusterAction): boolean {
  const out = new Uint32Array(4 * ind.words);
  ind.footprint(s, t, out, 0);
  ind.footprint(s, u, out, 2 * ind.words);
  return independentAt(out, 0, 2 * ind.words, ind.words);
}

/** States met on seeded random walks (a small LCG, so the samples are the same on every run). */
function samples(model: KafkaModel, walks: number, length: number): ClusterState[] {
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const out: ClusterState[] = [];
  for (let w = 0; w < walks; w++) {
    let s = model.initial;
    for (let i = 0; i < length; i++) {
      const enabled = model.enabled(s).map((a) => model.step(s, a)).filter((n) => model.withinBounds!(n));
      if (enabled.length === 0) break;
      s = enabled[next() % enabled.length];
      if (i % 3 === 2) out.push(s);
    }
  }
  return out;
}

/** Every way `ind` is wrong on the sampled states of `model`, as one line each. */
function faults(model: KafkaModel, ind: Independence<ClusterState, ClusterAction>, states: readonly ClusterState[], pairs = { checked: 0 }): string[] {
  const found: string[] = [];
  const fp = new Uint32Array(2);
  const print = (x: ClusterState) => (fingerprintInto(x, fp), `${fp[0]}:${fp[1]}`);
  const stepInvs = model.invariants.filter((i): i is TransitionInvariant<ClusterState> => i.kind === 'transition');
  const enabledKeys = (x: ClusterState) => new Set(model.enabled(x).map(ind.key));
  for (const s of states) {
    const actions = model.enabled(s);
    const out = new Uint32Array(2 * ind.words);
    for (const a of actions) {
      ind.footprint(s, a, out, 0);
      // An empty footprint would make the step independent of everything: every step changes something.
      if (out.subarray(ind.words).every((w) => w === 0)) found.push(`${a.step} declares nothing it writes`);
      const { parts, links } = changedParts(s, model.step(s, a));
      if ((parts & ~out[ind.words]) !== 0) found.push(`${a.step} changes parts ${(parts & ~out[ind.words]).toString(2)} it does not declare`);
      for (const l of links) if (!written(out, 0, l)) found.push(`${a.step} changes the connection ${l[0]}→${l[1]} it does not declare`);
    }
    for (let i = 0; i < actions.length; i++) {
      for (let j = i + 1; j < actions.length; j++) {
        const [t, u] = [actions[i], actions[j]];
        if (!independent(ind, s, t, u)) continue;
        pairs.checked++;
        const [st, su] = [model.step(s, t), model.step(s, u)];
        const pair = `${JSON.stringify(t)} and ${JSON.stringify(u)}`;
        if (!enabledKeys(st).has(ind.key(u)) || !enabledKeys(su).has(ind.key(t))) {
          found.push(`${pair}: one disables the other`);
          continue;
        }
        const [stu, sut] = [model.step(st, u), model.step(su, t)];
        if (print(stu) !== print(sut)) found.push(`${pair}: the two orders reach different states`);
        if (model.withinBounds!(stu) !== model.withinBounds!(sut)) found.push(`${pair}: bounds differ by order`);
        for (const inv of stepInvs) {
          if (inv.holds(s, st) !== inv.holds(su, sut) || inv.holds(s, su) !== inv.holds(st, stu)) found.push(`${pair}: ${inv.name} judges them by order`);
        }
        for (const g of model.goals) {
          if (g.reached(s, t, st) !== g.reached(su, t, sut) || g.reached(s, u, su) !== g.reached(st, u, stu)) found.push(`${pair}: goal ${g.name} depends on order`);
        }
      }
    }
  }
  return [...new Set(found)];
}

describe('step footprints (partial-order reduction)', () => {
  for (const [name, config] of Object.entries(CONFIGS)) {
    it(`hold on reachable states: ${name}`, () => {
      const model = kafkaModelOf(config);
      const states = samples(model, 60, 30);
      expect(states.length).toBeGreaterThan(250);
      const pairs = { checked: 0 };
      expect(faults(model, model.reduction!.independence, states, pairs)).toEqual([]);
      expect(pairs.checked).toBeGreaterThan(300);
    });
  }

  it('name each action by a key of its own', () => {
    const model = kafkaModelOf({ followerReads: true, maxMessageLosses: 1, maxControllerFailovers: 1 });
    const byKey = new Map<number, string>();
    for (const s of samples(model, 20, 30)) {
      for (const a of model.enabled(s)) {
        const key = model.reduction!.independence.key(a);
        expect(byKey.get(key) ?? JSON.stringify(a)).toBe(JSON.stringify(a));
        byKey.set(key, JSON.stringify(a));
      }
    }
    expect(byKey.size).toBeGreaterThan(30);
  });

  it('are caught when one leaves a part out', () => {
    const model = kafkaModelOf(CONFIGS['today, rf 3']);
    const real = model.reduction!.independence;
    // Forgets that a follower's fetch writes its own slot: it then looks independent of the metadata it depends on.
    const careless: Independence<ClusterState, ClusterAction> = {
      ...real,
      footprint(s, a, out, at) {
        real.footprint(s, a, out, at);
        if (a.step === 'FollowerFetch') {
          out[at] &= ~(1 << (a.broker - 1));
          out[at + real.words] &= ~(1 << (a.broker - 1));
        }
      },
    };
    expect(faults(model, careless, samples(model, 20, 30)).length).toBeGreaterThan(0);
  });
});
