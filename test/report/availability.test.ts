/**
 * The durability and availability section rendered from crafted rows: the faults each search
 * allows are in the legend, and beside a number of lossy crashes the loss that check's other
 * default faults add (or that none was found, which proves nothing).
 */
import { describe, expect, it } from 'vitest';
import { availabilityRow, availabilitySection, widerWords, type AvailabilityLine, type DurabilityCellLine, type SectionScopes } from '../../src/report/availability.ts';
import { faultScope, faultsIn, widerConfig } from '../../properties/availability.ts';

const acked = (wider?: DurabilityCellLine['wider']): DurabilityCellLine => ({
  tried: 3, proven: -1, bounded: { crashes: 2, depth: 7 },
  loss: { crashes: 3, length: 19, shortest: false, foundBy: 'random', link: 'counterexamples/x--acks-all-durable.json' },
  ...(wider === undefined ? {} : { wider }),
});

const line = (wider?: DurabilityCellLine['wider']): AvailabilityLine => ({
  rf: 3, minIsr: 2, unclean: false, elr: true, documented: 1, documentedCrashes: 1, durabilityStates: 50_758, states: 94_879, complete: true,
  acked: acked(wider), committed: { tried: 3, proven: 0, bounded: null, loss: null },
  writes: { tolerates: 1, link: 'counterexamples/x--writes.json' }, leader: { tolerates: 2, link: null },
});

const SCOPES: SectionScopes = {
  durability: { allowed: ['crashes', 'power losses'], leftOut: ['session expiries of live brokers', 'leader moves'] },
  wider: { allowed: ['crashes', 'power losses', 'session expiries of live brokers', 'leader moves'], leftOut: ['controller failovers'] },
  availability: { allowed: ['brokers down for good'], leftOut: ['crashes'] },
};

describe('the durability cell beside check\'s default faults', () => {
  it('gives the loss check\'s other faults add, linked, with the faults its trace takes', () => {
    const wider = { crashes: 2, runs: 2_251, loss: { length: 23, shortest: false, faults: ['1 power loss', '1 process crash'], link: 'counterexamples/x--wider.json' } };
    const row = availabilityRow(line(wider));
    expect(row).toContain('| 2, to depth 7 ([lost with 3 crashes: ≤ 19 steps](counterexamples/x--acks-all-durable.json)); ' +
      'with 2 lossy crashes and check\'s other faults, [lost in ≤ 23 steps](counterexamples/x--wider.json) (1 power loss, 1 process crash) |');
  });

  it('says none was found in so many runs when the runs lost nothing, and marks a certified loss without ≤', () => {
    expect(widerWords({ crashes: 1, runs: 3_000, loss: null })).toBe('with 1 lossy crash and check\'s other faults, none found in 3,000 random runs');
    expect(widerWords({ crashes: 1, runs: 10, loss: { length: 9, shortest: true, faults: ['1 power loss'], link: 'f.json' } }))
      .toBe('with 1 lossy crash and check\'s other faults, [lost in 9 steps](f.json) (1 power loss)');
  });

  it('leaves the cell as it was without a wider search', () => {
    expect(availabilityRow(line())).toContain('| 2, to depth 7 ([lost with 3 crashes: ≤ 19 steps](counterexamples/x--acks-all-durable.json)) | ≥ 0, ≤ 3 (no loss found with up to 3) |');
  });
});

describe('the section\'s legend', () => {
  it('names the faults each search allows and leaves out', () => {
    const section = availabilitySection([line()], '0123456789abcdef', SCOPES);
    expect(section).toContain('Faults the durability graphs allow: crashes, power losses; left out: session expiries of live brokers, leader moves.');
    expect(section).toContain('as `check` has\nit by default (crashes, power losses, session expiries of live brokers, leader moves; left out: controller failovers)');
    expect(section).toContain('(faults allowed: brokers down for good; left out: crashes)');
  });
});

describe('the faults of the section\'s searches, from their configurations', () => {
  it('the wider search allows what check allows by default, the durability search leaves session expiries and leader moves out', () => {
    const wider = faultScope(widerConfig({ rf: 3, minIsr: 2, unclean: false, elr: true }, 2));
    expect(wider.allowed).toEqual(expect.arrayContaining(['crashes', 'leader elections', 'session expiries of live brokers (lost heartbeats)',
      'leader moves (preferred-leader elections and controlled shutdowns)']));
    expect(wider.leftOut).toEqual(['lost fetch messages', 'controller failovers', 'brokers down for good']);
  });

  it('counts the faults a trace takes in Kafka\'s words', () => {
    expect(faultsIn([{ step: 'BrokerLossyCrash', broker: 1 }, { step: 'ControllerFenceBroker', broker: 2 }, { step: 'BrokerLossyCrash', broker: 2 }] as never))
      .toEqual(['2 power losses', '1 session expiry']);
  });
});
