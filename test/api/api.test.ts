/**
 * The library API (api/index.ts) on small configurations: a violation comes with a trace file
 * that replays, under its own configuration and under another; a search that exhausts the
 * bounded state space says it is complete; bad input throws one line of a typed error; and a
 * check gives what `kafka-spec check --json` gives for the same configuration and options.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  catalog, check, CheckOptionsError, configure, ConfigurationError, parseTrace, readTrace, replay, stringifyTrace, TraceError, writeTrace,
} from '../../api/index.ts';
import { runCli } from '../cli/run-cli.ts';

/** rf 2, one record, one leader change, no leader move, no consumer: small enough to search in a second or two. */
const SMALL = { rf: 2, maxRecords: 1, maxLeaderChanges: 1, maxLeaderMoves: 0, consumer: false } as const;
/** One broker, one record and no fault at all: its whole state space is a handful of states. */
const TINY = { rf: 1, minIsr: 1, maxRecords: 1, maxCrashes: 0, lossyCrashes: 0, maxLeaderChanges: 0, maxHeartbeatLosses: 0, maxLeaderMoves: 0, consumer: false } as const;

const oneLine = (f: () => unknown, type: new (...args: never[]) => Error): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    const message = (e as Error).message;
    expect(message).not.toMatch(/\n/);
    return message;
  }
  throw new Error('expected an error');
};

describe('check and replay', () => {
  // acks=all with min.insync.replicas=1: the leader acknowledges a write only it holds, and a power loss takes it.
  const config = configure({ ...SMALL, minIsr: 1 });
  const result = check(config, { engine: 'exhaustive', depth: 8, invariants: ['acks-all-durable'], first: true, workers: 1 });
  const folder = mkdtempSync(join(tmpdir(), 'kafka-spec-api-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('finds a shortest violation with its trace file', () => {
    expect(result.verdict).toBe('violated');
    expect(result.violations).toHaveLength(1);
    const [v] = result.violations;
    expect(v).toMatchObject({ invariant: 'acks-all-durable', shortest: 'breadth-first' });
    expect(v.trace.steps).toHaveLength(v.length);
    expect(v.trace.violation).toMatchObject({ invariant: 'acks-all-durable', step: v.length });
    expect(v.trace.config).toMatchObject({ minIsr: 1, rf: 2 });
    expect(result.report).toContain('VIOLATED acks-all-durable');
    expect(result.invariants).toEqual([{ invariant: 'acks-all-durable', verdict: 'violated' }]);
  });

  it('replays the trace, from the object, its JSON text and a file', () => {
    const v = result.violations[0];
    const replayed = replay(v.trace);
    expect(replayed).toMatchObject({ outcome: 'violated', reproduced: true, violation: { invariant: 'acks-all-durable', step: v.length } });
    expect(replayed.states).toHaveLength(v.length + 1);
    expect(replay(stringifyTrace(v.trace)).reproduced).toBe(true);
    const file = join(folder, 'loss.json');
    writeTrace(file, v.trace);
    expect(readTrace(file)).toEqual(v.trace);
    expect(replay(readTrace(file)).reproduced).toBe(true);
  });

  it('replays the trace under another configuration, where it no longer loses the write', () => {
    const moved = replay(result.violations[0].trace, { minIsr: 2 });
    expect(moved.config.minIsr).toBe(2);
    expect(moved.reproduced).toBe(false);
    expect(moved.outcome).not.toBe('violated');
    // The first step that cannot be taken (the acknowledgement, which now needs both brokers) ends the replay there.
    if (moved.outcome === 'blocked') expect(moved.states).toHaveLength(moved.blocked!.step);
  });

  it('says a search that exhausted the bounded state space is complete, and one cut at a depth is not', () => {
    const whole = check(configure(TINY), { engine: 'exhaustive', workers: 1 });
    expect(whole).toMatchObject({ verdict: 'holds', complete: true, stopReason: 'exhausted', violations: [] });
    expect(whole.states).toBeGreaterThan(1);
    const cut = check(configure({ ...SMALL, minIsr: 2 }), { engine: 'exhaustive', depth: 4, workers: 1 });
    expect(cut).toMatchObject({ verdict: 'no-violation-found', complete: false, stopReason: 'depth', depth: 4, violations: [] });
    expect(cut.summary).toMatch(/no violation .* found in any behaviour up to 4 steps/);
  });

  it('gives what kafka-spec check --json gives for the same configuration and options', async () => {
    const cli = await runCli('check', '--rf', '2', '--min-isr', '1', '--set', 'maxRecords=1', '--set', 'maxLeaderChanges=1', '--set', 'maxLeaderMoves=0',
      '--set', 'consumer=false', '--engine', 'exhaustive', '--depth', '8', '--invariant', 'acks-all-durable', '--first', '--workers', '1', '--json');
    expect(cli.code).toBe(1);
    const json = JSON.parse(cli.out) as { verdict: string; stats: { states: number; depth: number; complete: boolean }; violations: { trace: unknown }[] };
    expect(json.verdict).toBe(result.verdict);
    expect(json.stats).toMatchObject({ states: result.states, depth: result.depth, complete: result.complete });
    expect(json.violations.map((v) => v.trace)).toEqual(result.violations.map((v) => v.trace));
  });

  it('runs random runs from a seed the same way every time', () => {
    const options = { engine: 'random', runs: 200, maxSteps: 20, seed: 7, invariants: ['acks-all-durable'] } as const;
    const [a, b] = [check(config, options), check(config, options)];
    expect(a.runs).toBeGreaterThan(0);
    expect(a.depth).toBeLessThanOrEqual(20);
    expect(b.violations.map((v) => v.trace.steps)).toEqual(a.violations.map((v) => v.trace.steps));
    expect(b.states).toBe(a.states);
  });
});

describe('replaying a lasso', () => {
  it('says a liveness counterexample is still a fair cycle that never settles, and reproduces it', () => {
    const trace = readTrace(join(import.meta.dirname, '../../docs/traces/kafka-2.0-logs-never-converge.json'));
    const replayed = replay(trace);
    expect(replayed).toMatchObject({ outcome: 'violated', reproduced: true, lasso: { property: 'logs-converge', violates: true, closes: true } });
    expect(replayed.states).toHaveLength(trace.steps.length + 1);
  });
});

describe('configure', () => {
  it("takes Kafka's own names for the settings the model has", () => {
    const kafka = configure({ 'replication.factor': 3, 'min.insync.replicas': 2, acks: 'all', 'unclean.leader.election.enable': true, 'eligible.leader.replicas.version': 0 });
    expect(kafka).toEqual(configure({ rf: 3, minIsr: 2, acks: 'all', unclean: true, elr: false }));
  });
});

describe('bad input throws one line', () => {
  it('for a configuration', () => {
    expect(oneLine(() => configure({ rf: 9 }), ConfigurationError)).toMatch(/^impossible configuration: rf: /);
    expect(oneLine(() => configure({ lossyCrashes: 3 }), ConfigurationError)).toBe('impossible configuration: lossyCrashes (3) cannot exceed maxCrashes (1)');
    expect(oneLine(() => configure({ replicas: 3 } as never), ConfigurationError)).toMatch(/^unknown setting 'replicas' \(known: protocol, /);
    expect(oneLine(() => configure({ 'min.insync.replicas': 'two' }), ConfigurationError)).toMatch(/^min\.insync\.replicas: expected /);
    expect(oneLine(() => configure({ 'transactional.id': 'tx' }), ConfigurationError)).toBe("the model has no equivalent of Kafka's transactional.id: transactions are not modelled");
    expect(oneLine(() => configure({ protocol: 'kafka-9.9' }), ConfigurationError)).toMatch(/^unknown protocol 'kafka-9\.9' \(one of: .*kafka-4\.1/);
    expect(oneLine(() => check({ ...configure(), acks: 2 } as never), ConfigurationError)).toMatch(/^impossible configuration: acks: /);
  });

  it('for the options of a check', () => {
    const config = configure(TINY);
    expect(oneLine(() => check(config, { engine: 'dfs' as never }), CheckOptionsError)).toBe("engine must be both, exhaustive or random, got 'dfs'");
    expect(oneLine(() => check(config, { depth: -1 }), CheckOptionsError)).toMatch(/^depth must be a whole number from 0/);
    expect(oneLine(() => check(config, { maxSteps: 1.5 }), CheckOptionsError)).toMatch(/^maxSteps must be a whole number from 1 to 10,000, got 1.5/);
    expect(oneLine(() => check(config, { invariants: ['no-such'] }), CheckOptionsError)).toMatch(/^unknown invariant 'no-such' \(known: /);
    expect(oneLine(() => check(config, { invariants: ['logs-converge'] }), CheckOptionsError)).toMatch(/liveness properties are checked by 'kafka-spec check --liveness'/);
  });

  it('for a trace', () => {
    expect(oneLine(() => parseTrace('{'), TraceError)).toMatch(/^trace: not valid JSON: .* at line 1, column 2$/);
    expect(oneLine(() => parseTrace({ format: 'kafka-spec-trace', version: 1, model: 'x', config: {}, steps: [{}] }), TraceError)).toMatch(/^trace: steps\[0\]\.step: /);
    expect(oneLine(() => replay({ format: 'kafka-spec-trace', version: 1, model: 'raft', config: {}, steps: [] }), TraceError)).toBe("trace: a trace of model 'raft', not 'kafka-replication'");
    expect(oneLine(() => replay({ format: 'kafka-spec-trace', version: 1, model: 'kafka-replication', config: { rf: 'three' }, steps: [] }), TraceError)).toMatch(/^trace: config: rf: /);
    expect(oneLine(() => readTrace('/nonexistent/trace.json'), TraceError)).toBe("cannot read trace '/nonexistent/trace.json'");
  });
});

describe('api/', () => {
  it('prints nothing, exits nowhere and imports nothing from the command line (src/cli/)', () => {
    const folder = join(import.meta.dirname, '../../api');
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(folder, file), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect(imports.filter((i) => i.includes('/cli/')), file).toEqual([]);
      expect(text, file).not.toMatch(/console\.|process\.exit|process\.std(out|err)/);
    }
  });
});

describe('catalog', () => {
  it('names the invariants, goals, versions, switches and defaults, as kafka-spec list --json does', async () => {
    const names = catalog();
    expect(names.invariants.map((i) => i.name)).toContain('acks-all-durable');
    expect(names.goals.map((g) => g.name)).toContain('unclean-election');
    expect(Object.keys(names.protocols)).toContain('kafka-4.1');
    expect(names.defaults).toEqual(configure());
    const cli = await runCli('list', '--json');
    expect(JSON.parse(cli.out)).toEqual(JSON.parse(JSON.stringify(names)));
  });
});
