/**
 * From a fair run's suspect to a lasso (src/explore/suspects.ts): at rf 3 with
 * min.insync.replicas=3 and a broker down for good, whose whole graph is out of reach, the
 * first suspect's graph from where its faults stopped gives a lasso of writes-eventually-accepted
 * that replays as a violation of the whole model; where the property holds, suspects made by runs
 * too short to settle give no lasso; given steps stay at the head of the prefix.
 */
import { describe, expect, it } from 'vitest';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { fairRuns } from '../../src/explore/fair-runs.ts';
import { lassosFromSuspects } from '../../src/explore/suspects.ts';
import { replayLasso } from '../../src/trace/replay.ts';
import { sameAction } from '../../src/explore/shrink.ts';

const PROPERTY = 'writes-eventually-accepted';
const stuck = kafkaModelOf({ rf: 3, minIsr: 3, permanentFailures: 1, consumer: false });

describe('a lasso from a fair run that never settled', () => {
  it('rf 3, min ISR 3, a broker down for good: one of the first suspects gives a lasso that replays on the whole model', () => {
    const fair = fairRuns(stuck, { runs: 20, fairSteps: 200, properties: [PROPERTY] });
    expect(fair.verdicts[0].suspects.length).toBeGreaterThan(0);
    const r = lassosFromSuspects(stuck, fair, { perProperty: 3 });
    // Suspects are tried in order until one gives a lasso.
    const last = r.tried[r.tried.length - 1];
    expect(last).toMatchObject({ property: PROPERTY, complete: true, lasso: true });
    expect(r.tried.slice(0, -1).every((t) => !t.lasso)).toBe(true);
    const [l] = r.lassos;
    expect(l.fromSuspect!.seed).toBe(last.seed);
    // The run's steps were shortened: no more than it took before its faults stopped.
    expect(l.fromSuspect!.runSteps).toBeLessThanOrEqual(last.faultSteps);
    const replayed = replayLasso(stuck, [...l.prefix, ...l.cycle], l.prefix.length, PROPERTY);
    expect(replayed.lasso.violates).toBe(true);
  });

  it('given steps stay at the head of the prefix', () => {
    const from = [stuck.enabled(stuck.initial)[0]];
    const withFrom = fairRuns(stuck, { runs: 20, fairSteps: 200, properties: [PROPERTY], from });
    expect(withFrom.verdicts[0].suspects.length).toBeGreaterThan(0);
    const r = lassosFromSuspects(stuck, withFrom, { perProperty: 3, from });
    expect(r.lassos).toHaveLength(1);
    expect(sameAction(r.lassos[0].prefix[0], from[0])).toBe(true);
    expect(replayLasso(stuck, [...r.lassos[0].prefix, ...r.lassos[0].cycle], r.lassos[0].prefix.length, PROPERTY).lasso.violates).toBe(true);
  });

  it('where the property holds, runs too short to settle are suspects and their graphs give no lasso', () => {
    const fine = kafkaModelOf({ rf: 2, minIsr: 1, consumer: false, maxRecords: 1, maxLeaderMoves: 0 });
    const fair = fairRuns(fine, { runs: 10, fairSteps: 1, faultSteps: 10, properties: [PROPERTY] });
    const suspects = fair.verdicts[0].suspects;
    expect(suspects.length).toBeGreaterThan(0);
    const r = lassosFromSuspects(fine, fair, { perProperty: 2 });
    expect(r.lassos).toEqual([]);
    expect(r.tried.length).toBe(Math.min(2, suspects.length));
    for (const t of r.tried) expect(t).toMatchObject({ complete: true, lasso: false });
  });
});
