/**
 * Steps in Kafka's words (spec/narrate.ts): the truncate-to-HW loss reads as the story it is; the
 * traffic of a step pairs each message with the step that takes it (delivered, lost, or dropped
 * with a crashed broker's connections); at a violation the page can say what is missing where;
 * and every step reachable in a few configurations narrates in sentences, never in blanks.
 */
import { describe, expect, it } from 'vitest';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import type { ClusterState } from '../../spec/cluster.ts';
import { missingWhere, narrate, traffic } from '../../spec/narrate.ts';
import { exploreExhaustive } from '../../src/explore/index.ts';
import { replay } from '../../src/trace/replay.ts';

/** The states a sequence of steps goes through, each step checked enabled. */
function walk(model: ReturnType<typeof kafkaModelOf>, steps: ClusterAction[]): ClusterState[] {
  const states = [model.initial];
  for (const a of steps) {
    const s = states[states.length - 1];
    expect(model.enabled(s)).toContainEqual(a);
    states.push(model.step(s, a));
  }
  return states;
}

describe('the truncate-to-HW loss in Kafka\'s words', () => {
  const model = kafkaModelOf({ protocol: 'kafka-0.10', rf: 2, lossyCrashes: 0, consumer: false });
  const v = exploreExhaustive(model, { invariants: ['leader-completeness'], stopAtFirst: true }).violations[0];
  const { states } = replay(model, v.trace, { invariants: [v.invariant] });
  const story = v.trace.map((a, i) => narrate(states[i], a, states[i + 1]));

  it('tells the truncation, the election, the zombie leader\'s HW and the acknowledgement', () => {
    const all = story.flat();
    expect(all).toContain('broker 2 truncates its log to offset 0 (its HW), dropping v1');
    expect(all).toContain('the controller elects broker 2 leader in epoch 1 (ISR {2})');
    expect(all).toContain('leader 1 advances the HW to 1');
    expect(all).toContain('v1 is acknowledged (acks=all, offset 0)');
    expect(story[0]).toEqual(['the producer sends v1 to leader 1', 'broker 1 appends v1 at offset 0']);
  });

  it('says what is missing where at the violation', () => {
    expect(missingWhere('leader-completeness', states)).toBe(
      'v1, committed at offset 0 at step 10, is missing from leader 2 (which holds nothing there); only broker 1 holds it: broker 1 holds v1, broker 2 holds nothing.');
    expect(missingWhere('epochs-monotone', states)).toBeNull();
  });
});

describe('traffic', () => {
  const model = kafkaModelOf({ rf: 2, consumer: false, maxMessageLosses: 1 });
  const fetch: ClusterAction = { step: 'FollowerFetch', broker: 2 };

  it('a fetch is sent on its connection and delivered by the step that handles it', () => {
    const states = walk(model, [fetch, { step: 'LeaderHandleFetch', broker: 1, from: 2 }]);
    expect(traffic(states[0], fetch, states[1])).toEqual({
      sent: [{ connection: 'FetchRequest 2→1', from: 'b2', to: 'b1', label: 'fetch from offset 0' }], taken: [],
    });
    const handled = traffic(states[1], { step: 'LeaderHandleFetch', broker: 1, from: 2 }, states[2]);
    expect(handled.taken).toEqual([{ connection: 'FetchRequest 2→1', fate: 'delivered' }]);
    expect(handled.sent).toEqual([{ connection: 'FetchResponse 1→2', from: 'b1', to: 'b2', label: 'no records, HW 0' }]);
  });

  it('a lost fetch is taken as lost; a crash drops what was on its way to the broker', () => {
    const lose: ClusterAction = { step: 'NetworkLoseFetchRequest', broker: 1, from: 2 };
    const lost = walk(model, [fetch, lose]);
    expect(traffic(lost[1], lose, lost[2])).toEqual({ sent: [], taken: [{ connection: 'FetchRequest 2→1', fate: 'lost' }] });
    expect(narrate(lost[1], lose, lost[2])).toEqual(['the network loses broker 2\'s fetch from offset 0 to broker 1']);
    const crash: ClusterAction = { step: 'BrokerCrash', broker: 1 };
    const dropped = walk(model, [fetch, crash]);
    expect(traffic(dropped[1], crash, dropped[2]).taken).toEqual([{ connection: 'FetchRequest 2→1', fate: 'dropped' }]);
  });
});

describe('every step narrates', () => {
  const configs = [
    {},
    { protocol: 'kafka-0.10', maxControllerFailovers: 1, unclean: true },
    { protocol: 'kafka-2.7', rf: 2, minIsr: 1, hwCheckpointLags: true, maxMessageLosses: 1, followerReads: true },
  ] as const;
  it.each(configs)('in sentences, for every step of the first levels of %o', (config) => {
    const model = kafkaModelOf(config);
    let level = [model.initial];
    const kinds = new Set<string>();
    for (let depth = 0; depth < 4; depth++) {
      const next: ClusterState[] = [];
      for (const s of level) {
        for (const a of model.enabled(s)) {
          const after = model.step(s, a);
          const lines = narrate(s, a, after);
          expect(lines.length, a.step).toBeGreaterThan(0);
          for (const line of lines) expect(line, a.step).not.toMatch(/undefined|NaN|\[object/);
          kinds.add(a.step);
          if (next.length < 300) next.push(after);
        }
      }
      level = next;
    }
    expect(kinds.size).toBeGreaterThan(8);
  });
});
