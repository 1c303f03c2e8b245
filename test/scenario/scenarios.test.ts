/**
 * Each scenario of docs/scenarios/ reproduces its bug and not its fix: breadth-first search of the
 * product of the model and the scenario breaks the invariant the file names under the file's
 * configuration (the buggy release or switch), and under the fix (the file's `fixed` settings on
 * top) the product is exhausted with no violation. The counterexample replays in the model
 * without the scenario.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kafkaModel } from '../../properties/kafka-model.ts';
import { kafkaScenarioModel, readScenario, type ScenarioFile } from '../../properties/scenarios.ts';
import { configFromFlags } from '../../src/cli/options.ts';
import { exploreExhaustive, milestoneGoal } from '../../src/explore/index.ts';
import { replay } from '../../src/trace/replay.ts';

const DIR = new URL('../../docs/scenarios/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
/** A guard against a scenario loosened by mistake: every one is searched in seconds within this many states. */
const MAX_STATES = 1_000_000;

const load = (f: string): ScenarioFile => readScenario(JSON.parse(readFileSync(new URL(f, DIR), 'utf8')));

describe('the scenarios of docs/scenarios/', () => {
  it('are there, one for each narrative', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(5);
  });

  for (const f of FILES) {
    const file = load(f);
    it(`${file.name} (${file.source}) breaks ${file.breaks.join(' or ')} under its configuration, and the trace replays without the scenario`, () => {
      const config = configFromFlags({}, { ...file.config });
      const r = exploreExhaustive(kafkaScenarioModel(config, file), { invariants: file.breaks, stopAtFirst: true, maxStates: MAX_STATES });
      expect(r.violations.length, `stopped: ${r.stopReason} at depth ${r.stats.depth}, ${r.stats.states} states`).toBe(1);
      const v = r.violations[0];
      expect(file.breaks).toContain(v.invariant);
      const replayed = replay(kafkaModel(config), v.trace, { invariants: [v.invariant] });
      expect(replayed.violation?.invariant).toBe(v.invariant);
    });

    it(`${file.name} (${file.source}) holds under its fix: the product is exhausted with no violation`, () => {
      expect(file.fixed, 'the file names its fix').toBeDefined();
      const config = configFromFlags({}, { ...file.config, ...file.fixed });
      const product = kafkaScenarioModel(config, file);
      const r = exploreExhaustive(product, { invariants: file.breaks, maxStates: MAX_STATES });
      expect(r.violations.map((v) => v.invariant)).toEqual([]);
      expect(r.complete, `stopped: ${r.stopReason}`).toBe(true);
      // Not vacuous: under the fix the same shape is still played to its end, every milestone passed.
      const missed = file.milestones.map((_, i) => i + 1).filter((k) => k > product.initial.passed && r.coverage.goals[milestoneGoal(k)]?.firstDepth == null);
      expect(missed, 'milestones never reached under the fix').toEqual([]);
    });
  }
});
