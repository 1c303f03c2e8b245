/**
 * `check --scenario`: a scenario's counterexample is an ordinary trace that `replay` reproduces
 * without the scenario; a search that finds nothing says how far it got; every problem with a
 * scenario file is one line naming the file and the place, exit 2; and worker threads rebuild the
 * product of the model and the scenario from plain data.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/explore/node.ts';
import { scenarioModelSource } from '../../api/search.ts';
import { kafkaScenarioModel, readScenario } from '../../properties/scenarios.ts';
import { configFromFlags } from '../../src/cli/options.ts';
import { exploreExhaustive } from '../../src/explore/index.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-scenario-'));
const KIP101 = new URL('../../docs/scenarios/kip101-scenario2.json', import.meta.url).pathname;
const base = JSON.parse(readFileSync(KIP101, 'utf8'));

/** A copy of the KIP-101 scenario with `change` applied, written to a file; its path. */
function variant(name: string, change: (s: Record<string, any>) => void): string {
  const s = structuredClone(base);
  change(s);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(s));
  return file;
}

describe('kafka-spec check --scenario', () => {
  it('writes the shortest counterexample through the milestones as a trace that replay reproduces without the scenario', async () => {
    const out = join(dir, 'kip101.trace.json');
    const r = await runCli('check', '--scenario', KIP101, '--workers', '1', '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toContain('violated: weak-isr after 17 steps, every milestone passed');
    const trace = JSON.parse(readFileSync(out, 'utf8'));
    expect(trace).toMatchObject({ format: 'kafka-spec-trace', violation: { invariant: 'weak-isr', step: 17 } });
    expect(trace.config.protocol).toBe('kafka-0.10');
    const again = await runCli('replay', out);
    expect(again.code).toBe(1);
    expect(again.out).toContain('Violated after step 17: weak-isr');
  });

  it('holds under the fix only because the product was exhausted, and says so in JSON', async () => {
    const r = await runCli('check', '--scenario', KIP101, '--workers', '1', '--set', 'truncation=kip101', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ verdict: 'holds', explored: { complete: true, stopReason: 'exhausted' } });
    expect(json.milestones.every((m: { reached: boolean }) => m.reached)).toBe(true);
  });

  it('reports the milestone it did not reach, within a depth, never "holds"', async () => {
    const r = await runCli('check', '--scenario', KIP101, '--workers', '1', '--depth', '9');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no violation found: milestones 1-3 of 6 reached; milestone 4 \(BrokerRestart broker=2\) not reached within depth 9, [\d,]+ states$/);
    expect(r.out).not.toMatch(/^holds/m);
  });

  it('says when a scenario cannot be completed within the bounds', async () => {
    // Broker 2 must lose power, but the bounds allow no lossy crash.
    const r = await runCli('check', '--scenario', KIP101, '--workers', '1', '--set', 'lossyCrashes=0', '--json');
    const json = JSON.parse(r.out);
    expect(json.verdict).toBe('cannot-complete');
    expect(json.summary).toMatch(/^the scenario cannot be completed within the bounds: milestones 1-2 of 6 reached; milestone 3 \(broker 2 loses power and keeps only m1\) is never reached/);
  });

  const refused: [string, (s: Record<string, any>) => void, RegExp][] = [
    ['unknown key', (s) => { s.milestone = []; }, /: milestone: unknown key \(one of .*\): did you mean milestones\?$/],
    ['unknown step', (s) => { s.milestones[1] = { step: 'Crash', broker: 1 }; }, /: milestones\[2\]\.step: unknown kind of step "Crash"/],
    ['broker out of range', (s) => { s.milestones[1].broker = 3; }, /: milestones\[2\]\.broker: expected a broker from 1 to 2, got 3$/],
    ['bad predicate', (s) => { s.milestones[0].replicas['1'].hw = -1; }, /: milestones\[1\]\.replicas\.1\.hw: expected a whole number, got -1$/],
    ['unknown fact', (s) => { s.milestones[4].leaderIs = 2; }, /: milestones\[5\]\.leaderIs: unknown key/],
    ['parameter a step lacks', (s) => { s.milestones[1].value = 1; }, /: milestones\[2\]\.value: BrokerCrash has no parameter 'value' \(it has broker\)$/],
    ['unknown goal', (s) => { s.milestones[1] = { goal: 'unclean-elections' }; }, /: milestones\[2\]\.goal: unknown goal "unclean-elections": did you mean unclean-election\?$/],
    ['unknown invariant', (s) => { s.breaks = ['weak-is']; }, /: breaks: unknown invariant 'weak-is'/],
    ['bad configuration', (s) => { s.config.rf = 9; }, /^kafka-spec: --scenario .*: impossible configuration: /],
    ['unknown setting', (s) => { s.config.minInSync = 1; }, /^kafka-spec: --scenario .*: config: unknown setting 'minInSync'/],
    ['bad fix', (s) => { s.fixed = { truncation: 'kip999' }; }, /^kafka-spec: --scenario .*: impossible configuration: /],
    ['fact named like an object property', (s) => { s.milestones[4].toString = 1; }, /: milestones\[5\]\.toString: unknown key/],
    ['step parameter named like an object property', (s) => { s.milestones[1].constructor = 1; }, /: milestones\[2\]\.constructor: BrokerCrash has no parameter 'constructor'/],
    ['empty milestone', (s) => { s.milestones[0] = { note: 'nothing' }; }, /: milestones\[1\]: states nothing/],
  ];
  for (const [what, change, line] of refused) {
    it(`refuses a scenario file with a ${what} in one line, exit 2`, async () => {
      const file = variant(what.replace(/ /g, '-'), change);
      const r = await runCli('check', '--scenario', file, '--workers', '1');
      expect(r.code).toBe(2);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toContain(file);
      expect(r.err).toMatch(line);
      expect(r.out).toBe('');
    });
  }

  it('refuses a file that is not JSON, one that is missing, and flags that do not go with a scenario', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"name": ');
    expect((await runCli('check', '--scenario', broken)).err).toMatch(/^kafka-spec: --scenario .*broken\.json: not valid JSON/);
    expect((await runCli('check', '--scenario', join(dir, 'none.json'))).err).toMatch(/^kafka-spec: --scenario: cannot read/);
    for (const flags of [['--engine', 'random'], ['--runs', '5'], ['--shard', '1/2'], ['--config', KIP101], ['--fewest', 'crashes']]) {
      const r = await runCli('check', '--scenario', KIP101, ...flags);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`^kafka-spec: ${flags[0]}.* cannot go with --scenario: `));
    }
  });

  it('runs on worker threads, which rebuild the product from the scenario as plain data', async () => {
    const file = readScenario(JSON.parse(readFileSync(new URL('../../docs/scenarios/kafka-6880.json', import.meta.url), 'utf8')));
    const config = configFromFlags({}, { ...file.config, ...file.fixed });
    const source = scenarioModelSource(config, file);
    // What a worker does: import the module and call the export with a structured clone of the arguments.
    const rebuilt = (await import(source.module))[source.exportName](...structuredClone(source.args));
    const local = kafkaScenarioModel(config, file);
    expect(rebuilt.initial).toEqual(local.initial);
    const one = exploreExhaustive(local, { invariants: file.breaks });
    // A worker that cannot rebuild the model is an error by the end of the search (src/explore/node.ts), whether or not it joined a level in time.
    const two = exploreExhaustive(local, { invariants: file.breaks, workers: 2, source, threadsFrom: 1 });
    expect([two.stats.states, two.complete, two.violations.length]).toEqual([one.stats.states, true, 0]);
  });
});

describe('kafka-spec replay TRACE --scenario FILE', () => {
  it('says where a trace passes each milestone, and whether its violation comes after the last: the trace is that shape', async () => {
    const out = join(dir, 'kip101-shape.trace.json');
    expect((await runCli('check', '--scenario', KIP101, '--workers', '1', '--out', out)).code).toBe(1);
    const r = await runCli('replay', out, '--scenario', KIP101);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Scenario kip101-scenario2 \(KIP-101\): (\d+) of \1 milestones passed in order \(1 at step \d+.*\); the violation \(step 17\) comes after the last milestone: the trace is that shape\./);
    const json = JSON.parse((await runCli('replay', out, '--scenario', KIP101, '--json')).out);
    expect(json.scenario).toMatchObject({ name: 'kip101-scenario2', source: 'KIP-101', violationAfterLast: true });
    expect(json.scenario.passedAt).toHaveLength(json.scenario.milestones);
    // Passing times never go back, and the last comes before the violation.
    expect([...json.scenario.passedAt].sort((a: number, b: number) => a - b)).toEqual(json.scenario.passedAt);
    expect(json.scenario.passedAt.at(-1)).toBeLessThan(17);
  });

  it('names the first milestone a trace of another shape does not meet', async () => {
    const other = new URL('../../docs/traces/kafka-4.1-rf3-crash-and-power-loss.json', import.meta.url).pathname;
    const elr = new URL('../../docs/scenarios/elr-last-known-leader-loss.json', import.meta.url).pathname;
    const r = await runCli('replay', other, '--scenario', elr);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Scenario elr-last-known-leader-loss \(KIP-966\): \d+ of \d+ milestones passed in order.*; milestone \d+ \(.+\) not met; the trace is not that shape\./);
  });

  it('refuses a scenario whose milestones name brokers the trace does not have, in one line', async () => {
    const rf2 = new URL('../../docs/traces/truncate-to-hw-loss.json', import.meta.url).pathname;
    const rf3 = new URL('../../docs/scenarios/elr-last-known-leader-loss.json', import.meta.url).pathname;
    const r = await runCli('replay', rf2, '--scenario', rf3);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain("for this trace's 2 brokers");
  });

  it('refuses a file it cannot read, and a rendering other than text or JSON, in one line with exit 2', async () => {
    const trace = new URL('../../docs/traces/truncate-to-hw-loss.json', import.meta.url).pathname;
    const missing = await runCli('replay', trace, '--scenario', join(dir, 'none.json'));
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    const md = await runCli('replay', trace, '--scenario', KIP101, '--format', 'markdown');
    expect(md.code).toBe(2);
    expect(md.err).toContain('--scenario goes with a plain replay');
  });
});
