/**
 * The breadth-first search keeps no level of states as objects: it rebuilds each state from its
 * parent when it expands it (src/explore/exhaustive.ts). These tests show the search's results are
 * exactly what they were when it kept the next level's states as objects: the same distinct states,
 * transitions, depth, stop reason, coverage counts, and violations with the same shortest traces.
 *
 * Two kinds of evidence:
 *  - figures measured with the previous engine (the object frontier, commit e5cbcb8) before the
 *    change, hard-coded below, with a digest of everything the result holds except wall-clock time
 *    and memory figures (the Kafka figures depend on the protocol model: a change to spec/ that
 *    changes the model's reachable states changes them, and they must be measured again; the Kafka
 *    digests were measured again when the model gained goals and a kind of step, which changed the
 *    coverage counts they include and nothing else: states, transitions and violations are the same;
 *    and again when a leader came to keep an ISR proposal pending after an AlterPartition error
 *    other than INELIGIBLE_REPLICA, as Kafka does, which adds states and keeps the violations; and
 *    again when the network came to keep its messages by connection, so that sends on different
 *    connections in either order are one state, which merges states and keeps the violations; and
 *    again when a search that stopped before exhausting its bounds came to say 'no-violation-found'
 *    instead of 'holds': the digests of the three cut searches were checked to be the old ones
 *    with that one word put back; and again when a leader came to keep one AlterPartition out at a
 *    time, to resubmit on an error it does not handle and a follower to answer a fetch in another
 *    epoch with that epoch's error (rules.md S2, S3, F2), which removes states and keeps the
 *    violations, the reference search below giving the same figures; and again when a fenced
 *    KRaft broker came to replay metadata and be unfenced only once it had replayed its own
 *    registration (rules.md L7), which adds states and keeps the violations, the reference search
 *    giving the same figures; and again when an AlterPartition came to carry its sender's broker
 *    epoch, refused once the sender has registered again, with its answer lost with the old
 *    process's connection (rules.md S3), which removes states and keeps the violations, the
 *    reference search giving the same figures; and again when a leader named again in a newer
 *    epoch came to keep its parked acks=all requests (rules.md P5), which adds states (an
 *    acknowledgement recorded) and keeps the violations, the reference search giving the same
 *    figures);
 *  - a reference search in this file that keeps the frontier as objects the way the previous
 *    engine did, compared result for result with the engine on the same models.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CoverageCounter, type ExploreResult, exploreExhaustive, type ExhaustiveOptions, fingerprintInto, FingerprintSet, type StopReason, type Violation,
} from '../../src/explore/index.ts';
import { traceTo } from '../../src/explore/chunks.ts';
import type { Action, Model } from '../../src/model.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { toyModel } from '../fixtures/toy-model.ts';

/** The result without wall-clock and memory figures: what must not change. */
function canonical(r: ExploreResult<Action>): unknown {
  // Flattened as the stats were when the digests were pinned.
  const { elapsedMs: _e, breadthFirst, ...stats } = r.stats;
  const { bytesPerState: _b, frontierPeak: _f, ...rest } = breadthFirst ?? {};
  return { ...r, stats: { ...stats, ...rest } };
}

function digest(r: ExploreResult<Action>): string {
  return createHash('sha256').update(JSON.stringify(canonical(r))).digest('hex').slice(0, 16);
}

function figures(r: ExploreResult<Action>) {
  return {
    states: r.stats.states, transitions: r.stats.transitions, depth: r.stats.depth, stop: r.stopReason,
    violations: r.violations.map((v) => `${v.invariant}:${v.length}`), digest: digest(r),
  };
}

const kafka = () => kafkaModelOf({ rf: 2, consumer: false, maxLeaderMoves: 0 });
const acks1 = () => kafkaModelOf({ acks: 1, lossyCrashes: 0, consumer: false, rf: 2 });

/** Cases and the figures the object-frontier engine produced for them (measured before the change). */
const CASES: [string, () => Model<any, any>, ExhaustiveOptions, ReturnType<typeof figures>][] = [
  ['toy, bug-free', () => toyModel(false), {},
    { states: 16, transitions: 28, depth: 7, stop: 'exhausted', violations: [], digest: 'fa1722a576dcf071' }],
  ['toy, buggy', () => toyModel(true), {},
    { states: 16, transitions: 28, depth: 7, stop: 'exhausted', violations: ['not-both-full:6'], digest: 'b6bcae7a4e50f7ef' }],
  ['toy, buggy, first violation', () => toyModel(true), { stopAtFirst: true },
    { states: 16, transitions: 25, depth: 5, stop: 'violation', violations: ['not-both-full:6'], digest: '29ab3fef27b95526' }],
  ['toy, buggy, depth 5', () => toyModel(true), { maxDepth: 5 },
    { states: 15, transitions: 24, depth: 5, stop: 'depth', violations: [], digest: '02e3e32a730aab60' }],
  ['kafka rf 2, depth 7', kafka, { maxDepth: 7 },
    { states: 10381, transitions: 21336, depth: 7, stop: 'depth', violations: [], digest: '7d75efa1985f91c1' }],
  ['kafka rf 2, depth 7, 5,000 states', kafka, { maxDepth: 7, maxStates: 5000 },
    { states: 5621, transitions: 10805, depth: 6, stop: 'states', violations: [], digest: '78b84a5a58069a2a' }],
  ['kafka acks=1 rf 2, depth 5', acks1, { maxDepth: 5 },
    { states: 2832, transitions: 5083, depth: 5, stop: 'depth', violations: ['acks-one-durable:3', 'write-order:4'], digest: 'ad7017bfc69523cb' }],
];

describe('breadth-first search without a frontier of objects', () => {
  for (const [name, model, options, before] of CASES) {
    it(`gives the figures the object frontier gave: ${name}`, () => {
      expect(figures(exploreExhaustive(model(), options))).toEqual(before);
    });
  }

  it('gives the same results as a search that keeps the frontier as objects', () => {
    for (const [, model, options] of CASES) {
      const m = model();
      expect(canonical(exploreExhaustive(m, options))).toEqual(canonical(objectFrontier(m, options)));
    }
  });

  it('holds one state object per depth, not a level of them', () => {
    const r = exploreExhaustive(kafka(), { maxDepth: 7 });
    expect(r.stats.breadthFirst?.frontierPeak).toBeLessThanOrEqual(8);
  });

  it('leaves out a successor past the model\'s bounds, and rebuilds the states after it', () => {
    // withinBounds rejects a of 2, so only b counts up: 4 states, and a is never 2 on the way.
    const toy = toyModel(false);
    const bounded = { ...toy, withinBounds: (s: { a: number }) => s.a < 2 };
    const r = exploreExhaustive(bounded);
    expect(figures(r)).toMatchObject({ states: 8, stop: 'exhausted' });
    expect(canonical(r)).toEqual(canonical(objectFrontier(bounded, {})));
  });
});

/**
 * The previous engine's search, cut to what these tests compare: every level held as objects,
 * checks every 256 states expanded, invariants, coverage and traces as before.
 */
function objectFrontier<S, A extends Action>(model: Model<S, A>, options: ExhaustiveOptions): ExploreResult<A> {
  const seen = new FingerprintSet();
  const coverage = new CoverageCounter(model);
  const violations: Violation<A>[] = [];
  const invs = [...model.invariants].filter((i) => options.invariants === undefined || options.invariants.includes(i.name));
  const inBounds = model.withinBounds ?? (() => true);
  const view = model.fingerprintView ?? ((s: S) => s);
  let transitions = 0;
  const finish = (stopReason: StopReason, depth: number): ExploreResult<A> => ({
    verdict: violations.length > 0 ? 'violated' : stopReason === 'exhausted' ? 'holds' : 'no-violation-found', complete: stopReason === 'exhausted', violations,
    stats: { engine: 'exhaustive', states: seen.size, transitions, depth, elapsedMs: 0 }, coverage: coverage.snapshot(), stopReason,
  });
  const add = (s: S, parent: number, action: number) => {
    const fp = new Uint32Array(2);
    fingerprintInto(view(s), fp);
    return seen.add(fp[0], fp[1], parent, action);
  };
  add(model.initial, -1, -1);
  const fail = (inv: (typeof invs)[number], trace: A[]) => {
    violations.push({ invariant: inv.name, statement: inv.statement, trace, length: trace.length });
    invs.splice(invs.indexOf(inv), 1);
    return options.stopAtFirst === true || invs.length === 0;
  };
  let frontier: [S, number][] = [[model.initial, 0]];
  let depth = 0;
  for (; frontier.length > 0; depth++) {
    if (depth >= (options.maxDepth ?? Infinity)) return finish('depth', depth);
    const next: [S, number][] = [];
    for (let i = 0; i < frontier.length; i++) {
      const [s, sid] = frontier[i];
      const actions = model.enabled(s);
      for (let j = 0; j < actions.length; j++) {
        const n = model.step(s, actions[j]);
        if (!inBounds(n)) continue;
        transitions++;
        coverage.record(s, actions[j], n, depth + 1);
        for (const inv of invs.filter((x) => x.kind === 'transition')) {
          if (!inv.holds(s, n) && fail(inv, [...traceTo(model, seen, sid), actions[j]])) return finish('violation', depth);
        }
        const id = add(n, sid, j);
        if (id < 0) continue;
        for (const inv of invs.filter((x) => x.kind === 'state')) {
          if (!inv.holds(n) && fail(inv, traceTo(model, seen, id))) return finish('violation', depth);
        }
        next.push([n, id]);
      }
      if ((i & 255) === 0 && seen.size > (options.maxStates ?? Infinity)) return finish('states', depth);
    }
    frontier = next;
  }
  return finish('exhausted', depth);
}
