/**
 * A goal declared unreachable in a configuration is left out of the coverage report, so a wrong
 * declaration would hide a vacuous pass. These tests check the declarations against exploration:
 * where a goal is said to be impossible, searches never reach it; at the boundary (one more crash
 * in the bounds) the same goal is reached.
 */
import { describe, expect, it } from 'vitest';
import { exploreExhaustive } from '../src/explore/exhaustive.ts';
import { exploreRandom } from '../src/explore/random.ts';
import { type ClusterConfig, makeConfig } from '../spec/config.ts';
import { GOALS, notApplicable } from './goals.ts';
import { kafkaModelOf } from './kafka-model.ts';
import { MATRIX } from './matrix.ts';

/** The resolved rules and bounds of a configuration, as goals judge them. */
function rulesAndBounds(config: Partial<ClusterConfig>) {
  const m = kafkaModelOf(config);
  return [m.rules, m.bounds] as const;
}

/** The model of a configuration, counting every goal, not only those it declares reachable. */
function everyGoal(config: Partial<ClusterConfig>) {
  return { ...kafkaModelOf(config), goals: GOALS };
}

describe('goals declared unreachable are never reached', () => {
  for (const row of MATRIX) {
    const excluded = GOALS.map((g) => g.name).filter((g) => notApplicable(...rulesAndBounds(row.config), g) !== null);
    it(`${row.id}: ${excluded.join(', ') || 'none excluded'}`, () => {
      const r = exploreRandom(everyGoal(row.config), { runs: 1500, maxSteps: 40, seed: 3, invariants: ['hw-le-leo'] });
      expect(r.verdict).toBe('no-violation-found');
      for (const g of excluded) expect(r.coverage.goals[g].count, g).toBe(0);
    });
  }
});

describe('kinds of step: exactly those declared possible are taken', () => {
  // The matrix rows without their consumer: 1,500 runs rarely reach a consumer's validation; the
  // consumer's kinds of step are checked by the configuration with lost fetch messages below, with
  // 3,000 runs (1,500 guided runs took ConsumerValidatePosition with 3 of seeds 1-4, plain ones with none).
  const configs: [string, Partial<ClusterConfig>, number][] = [
    ...MATRIX.map((row): [string, Partial<ClusterConfig>, number] => [row.id, { ...row.config, consumer: false, followerReads: false }, 1500]),
    ['lost fetch messages and a consumer (rf 2)', { rf: 2, maxMessageLosses: 1, consumer: true }, 3000],
    ['replication factor 1', { rf: 1, minIsr: 1 }, 1500],
  ];
  for (const [name, config, runs] of configs) {
    it(name, () => {
      const model = kafkaModelOf(config);
      const r = exploreRandom(model, { runs, maxSteps: 40, seed: 3, invariants: ['hw-le-leo'] });
      const kinds = Object.entries(model.presentation?.stepKinds ?? {});
      expect(kinds.length).toBeGreaterThan(15);
      for (const [kind, why] of kinds) {
        if (why === null) expect(r.coverage.steps[kind] ?? 0, `${kind} never taken`).toBeGreaterThan(0);
        else expect(r.coverage.steps[kind] ?? 0, `${kind} taken, though ${why}`).toBe(0);
      }
    });
  }
});

describe('the last-known-leader election (unclean election off, ELR on)', () => {
  const base = { rf: 2, maxRecords: 1, lossyCrashes: 0, maxHeartbeatLosses: 1, maxLeaderChanges: 2, consumer: false } as const;

  it('is declared impossible with min ISR 2 and one crash, and neither engine reaches it', () => {
    const config = { ...base, minIsr: 2, maxCrashes: 1 };
    expect(notApplicable(...rulesAndBounds(config), 'unclean-election')).toMatch(/needs 2 crashes/);
    const model = everyGoal(config);
    const bfs = exploreExhaustive(model, { invariants: ['hw-le-leo'], maxDepth: 15, timeLimitMs: 30_000 });
    expect(bfs.coverage.goals['unclean-election'].count).toBe(0);
    const random = exploreRandom(model, { runs: 3000, maxSteps: 40, seed: 5, invariants: ['hw-le-leo'] });
    expect(random.coverage.goals['unclean-election'].count).toBe(0);
  });

  it('is reached with min ISR 2 and two crashes', () => {
    const config = { ...base, minIsr: 2, maxCrashes: 2 };
    expect(notApplicable(...rulesAndBounds(config), 'unclean-election')).toBeNull();
    // Crash, restart (fenced), replay, heartbeat: the restarted broker replays before it is unfenced (L7).
    const r = exploreExhaustive(everyGoal(config), { invariants: ['hw-le-leo'], maxDepth: 6 });
    expect(r.coverage.goals['unclean-election'].count).toBeGreaterThan(0);
  });

  it('is reached with min ISR 1 and one crash', () => {
    const config = { ...base, minIsr: 1, maxCrashes: 1 };
    expect(notApplicable(...rulesAndBounds(config), 'unclean-election')).toBeNull();
    const r = exploreExhaustive(everyGoal(config), { invariants: ['hw-le-leo'], maxDepth: 5 });
    expect(r.coverage.goals['unclean-election'].count).toBeGreaterThan(0);
  });

  it('is declared impossible when a restart keeps the ISR', () => {
    expect(notApplicable(...rulesAndBounds({ ...base, maxCrashes: 2, restartLeavesIsr: true }), 'unclean-election')).toMatch(/never empties the ELR/);
  });
});
