/**
 * Random fair runs (src/explore/fair-runs.ts), evidence and never proof: from the end of KIP-101's
 * scenario 2 (docs/traces/kip101-scenario2-prefix.json), runs under truncation to the HW include
 * suspects, runs that never settle logs-converge, and with KIP-101's truncation none do; a
 * suspect replays alone from its seed; weak fairness is kept (a fair step that stays enabled is
 * taken); a run in which only faults are enabled stays where it is, and is judged there.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaModel } from '../../properties/kafka-model.ts';
import { configOfRecord } from '../../spec/config.ts';
import { parseTrace } from '../../src/trace/schema.ts';
import { fairRuns } from '../../src/explore/fair-runs.ts';
import type { Action, Model, StepFairness } from '../../src/model.ts';

const file = join(import.meta.dirname, '../../docs/traces/kip101-scenario2-prefix.json');
const prefix = parseTrace(readFileSync(file, 'utf8'), file);
const modelWith = (set: Record<string, unknown> = {}) => kafkaModel(configOfRecord({ ...prefix.config, ...set }));
const RUNS = { runs: 40, fairSteps: 100, faultSteps: 10, seed: 0, properties: ['logs-converge'], from: prefix.steps };

describe('random fair runs from the end of KIP-101 scenario 2', () => {
  it('under truncation to the HW some runs never settle logs-converge: suspects, given by seed', () => {
    const r = fairRuns(modelWith(), RUNS);
    expect(r).toMatchObject({ runs: 40, interrupted: false });
    const [v] = r.verdicts;
    expect(v.suspects.length).toBeGreaterThan(0);
    expect(v.settled + v.suspects.length).toBe(40);
    const again = fairRuns(modelWith(), { ...RUNS, runs: 1, seed: v.suspects[0] });
    expect(again.verdicts[0].suspects).toEqual([v.suspects[0]]);
  });

  it('with KIP-101\'s truncation every run settles it again', () => {
    expect(fairRuns(modelWith({ truncation: 'kip101' }), RUNS).verdicts[0]).toMatchObject({ settled: 40, suspects: [] });
  });
});

/** A light that `Switch` turns on, among 200 unfair `Blink` steps that keep changing a counter. */
function light(switchClass: StepFairness): Model<{ on: boolean; n: number }, Action> {
  const blinks = Array.from({ length: 200 }, (_, k) => ({ step: 'Blink', k }));
  return {
    name: 'light',
    initial: { on: false, n: 0 },
    enabled: (s) => [...blinks, ...(s.on ? [] : [{ step: 'Switch' }])],
    step: (s, a) => (a.step === 'Blink' ? { ...s, n: (s.n + 1) % 3 } : { ...s, on: true }),
    describe: (a) => a.step,
    summarize: (s) => `on=${s.on}`,
    invariants: [],
    goals: [],
    liveness: {
      properties: [{ kind: 'liveness', name: 'eventually-on', statement: 'the light is eventually on', settled: (s) => s.on }],
      fairness: (_s, a) => (a.step === 'Blink' ? 'unfair' : switchClass),
    },
  };
}

// Drawn at random among 201 steps, Switch is missed for 450 steps in about one run in ten.
const LIGHT = { runs: 30, fairSteps: 600, faultSteps: 0 };

describe('fair scheduling', () => {
  it('a fair step that stays enabled is taken in every run, however many unfair steps are drawn instead', () => {
    expect(fairRuns(light('fair'), LIGHT).verdicts[0]).toMatchObject({ settled: 30, suspects: [] });
  });

  it('an unfair step is never owed (some runs miss it), and a fault stops with the faults (no run takes it)', () => {
    expect(fairRuns(light('unfair'), LIGHT).verdicts[0].suspects.length).toBeGreaterThan(0);
    expect(fairRuns(light('fault'), LIGHT).verdicts[0]).toMatchObject({ settled: 0 });
  });
});
