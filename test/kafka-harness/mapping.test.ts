import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { STEPS } from '../../spec/steps/index.ts';
import { fetchOvertakenByCrash, MAPPING, planTrace } from '../../src/kafka/mapping.ts';
import { HarnessError } from '../../src/kafka/errors.ts';
import type { Step } from '../../api/index.ts';

const trace = (name: string) => JSON.parse(readFileSync(`docs/traces/${name}.json`, 'utf8')) as { steps: Step[] };

describe('the step mapping', () => {
  it('has an entry for every kind of step the model takes, and nothing else', () => {
    expect(Object.keys(MAPPING).sort()).toEqual(Object.keys(STEPS).sort());
    for (const m of Object.values(MAPPING)) {
      if (m.fidelity === 'undrivable') expect(m.why.length).toBeGreaterThan(20);
      else expect(m.how.length).toBeGreaterThan(20);
    }
  });

  it('plans every step of the ELR finding, each with its fidelity', () => {
    const plan = planTrace(trace('elr-last-known-leader-loss').steps);
    expect(plan.map((p) => `${p.index} ${p.step.step} ${p.fidelity}`)).toEqual([
      '1 ProducerSend exact', '2 FollowerFetch exact', '3 LeaderHandleFetch exact', '4 FollowerHandleFetchResponse absorbed',
      '5 FollowerFetch exact', '6 BrokerCrash exact', '7 BrokerRestart exact', '8 LeaderHandleFetch exact',
      '9 BrokerLossyCrash exact', '10 BrokerRestart exact', '11 BrokerApplyMetadata absorbed', '12 ControllerUnfenceBroker coarse',
    ]);
  });

  it('refuses a trace with a step it cannot drive, naming the step and why, before anything starts', () => {
    const steps = [...trace('elr-last-known-leader-loss').steps.slice(0, 3), { step: 'ControllerFailover' } as Step];
    expect(() => planTrace(steps)).toThrow(HarnessError);
    expect(() => planTrace(steps)).toThrow('cannot drive step 4 (ControllerFailover): the harness runs one controller; a failover needs a quorum of controllers');
    expect(() => planTrace([{ step: 'NoSuchStep' } as unknown as Step])).toThrow('cannot drive step 1 (NoSuchStep): the harness has no mapping for this kind of step');
  });

  it('finds the fetch a crash overtakes: the one the crashed broker sent, delivered after its crash', () => {
    const steps = trace('elr-last-known-leader-loss').steps;
    expect(fetchOvertakenByCrash(steps, 6)).toBe(8); // broker 2 crashes at 6; its fetch of step 5 is handled at 8
    expect(fetchOvertakenByCrash(steps, 9)).toBeNull(); // broker 1 is the leader: no fetch of its own in flight
    const resent: Step[] = [{ step: 'BrokerCrash', broker: 2 }, { step: 'FollowerFetch', broker: 2 }, { step: 'LeaderHandleFetch', broker: 1, from: 2 }];
    expect(fetchOvertakenByCrash(resent, 1)).toBeNull(); // that delivery is of a fetch sent after the crash
  });
});

describe('followers held from the start', () => {
  it('a follower the trace drops for lag while its log equals the leader\'s must never fetch until then; one dropped after a send may', async () => {
    const { neverFetchedUntil } = await import('../../src/kafka/reproduce.ts');
    const view = (logs: string[][]) => ({ leader: 1, isr: [1, 2, 3], elr: [], proposedIsr: null, running: [true, true, true], fenced: [false, false, false], logs, acked: [], idle: [false, false, false] });
    const steps: Step[] = [
      { step: 'LeaderShrinkIsr', broker: 1, follower: 2 },
      { step: 'ProducerSend', broker: 1, value: 1 },
      { step: 'LeaderShrinkIsr', broker: 1, follower: 3 },
    ];
    const views = [view([[], [], []]), view([[], [], []]), view([['1'], [], []]), view([['1'], [], []])];
    expect([...neverFetchedUntil(steps, views)]).toEqual([[2, 1]]);
  });
});
