import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from './run-cli.ts';

const run = runCli;

const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-cli-'));
const FAST = ['--set', 'consumer=false'];

describe('kafka-spec check', () => {
  it('finds the acks=1 loss, writes a trace that replay reproduces (exit 1 both times)', async () => {
    const file = join(dir, 'acks1.json');
    const check = await run('check', '--acks', '1', '--first', '--out', file, ...FAST);
    expect(check.code).toBe(1);
    expect(check.out).toContain('VIOLATED acks-one-durable');
    expect(check.out).toMatch(/Counterexample: 3 steps/);
    const trace = JSON.parse(readFileSync(file, 'utf8'));
    expect(trace.steps[0]).toEqual({ step: 'ProducerSend', broker: 1, value: 1 });
    const again = await run('replay', file);
    expect(again.code).toBe(1);
    expect(again.out).toContain('Violated after step 3: acks-one-durable');
    const json = JSON.parse((await run('replay', file, '--json')).out);
    expect(json).toMatchObject({ verdict: 'violated', violation: { invariant: 'acks-one-durable', step: 3 } });
  });

  it('prints one JSON object with verdict, config, violations, stats and coverage', async () => {
    const r = await run('check', '--acks', '1', '--first', '--json', ...FAST);
    const json = JSON.parse(r.out);
    expect(r.code).toBe(1);
    expect(json.verdict).toBe('violated');
    expect(json.config.acks).toBe(1);
    expect(json.violations[0]).toMatchObject({ invariant: 'acks-one-durable', step: 3, length: 3, shortest: 'breadth-first' });
    expect(json.violations[0].trace.format).toBe('kafka-spec-trace');
    expect(json.summary).toMatch(/^Kafka 4\.1, rf 3, acks=1, min\.insync\.replicas=2, .*: acks-one-durable fails \(lost acknowledged write\) in a 3-step behaviour \(the shortest\)\.$/);
    expect(json.stats.engine).toBe('exhaustive+random');
    // --first: breadth-first search found it in a few milliseconds and stopped the random runs beside it.
    expect(json.violations[0].foundBy).toEqual({ engine: 'breadth-first' });
    expect(json.stats.phases.random?.violations ?? []).toEqual([]);
    expect(typeof json.coverage['lossy-crash']).toBe('number');
  });

  it('reports holds with the exploration size and exit 0 on a tiny complete configuration', async () => {
    const r = await run('check', '--rf', '2', '--json', '--set', 'maxRecords=1', '--set', 'maxCrashes=0', '--lossy-crashes', '0',
      '--set', 'maxHeartbeatLosses=0', '--set', 'maxLeaderChanges=0', '--set', 'maxLeaderMoves=0', ...FAST);
    const json = JSON.parse(r.out);
    expect(r.code).toBe(0);
    expect(json.verdict).toBe('holds');
    expect(json.stats.complete).toBe(true);
    expect(json.invariants.every((v: { verdict: string }) => v.verdict === 'holds' || v.verdict === 'not-exercised')).toBe(true);
    expect(json.summary).toMatch(/^Kafka 4\.1, rf 2, .*, no faults: the 27 invariants checked hold in any behaviour within these bounds \(every reachable state explored: [\d,]+ states\)\.$/);
    expect(json.stats.states).toBeGreaterThan(1000);
    // Every kind of step that can happen here is listed, taken or not; the impossible ones are not.
    expect(json.stepCoverage.FollowerFetch).toBeGreaterThan(0);
    expect(json.stepCoverage).toHaveProperty('BrokerApplyMetadata');
    expect(json.stepCoverage).not.toHaveProperty('BrokerCrash');
  });


  it('by default runs breadth-first search and random runs at once for the whole time limit, and reports both', async () => {
    const r = await run('check', '--time-limit', '4', '--seed', '1', '--json', '--workers', '2', ...FAST);
    const json = JSON.parse(r.out);
    expect(r.code).toBe(0);
    // A search stopped by the clock never says "holds", for the check or for any invariant.
    expect(json.verdict).toBe('no-violation-found');
    expect(json.invariants.map((v: { verdict: string }) => v.verdict)).not.toContain('holds');
    expect(json.summary).toMatch(/: no violation of the 27 invariants checked found in any behaviour up to \d+ steps? \([\d,]+ states\); longer behaviours were sampled \([\d,]+ random runs? of up to \d+ steps?\), not proven\.$/);
    expect(json.stats.engine).toBe('exhaustive+random');
    expect(json.stats.phases.exhaustive).toMatchObject({ stopReason: 'time', violations: [] });
    expect(json.stats.phases.random.runs).toBeGreaterThan(0);
    expect(json.stats.steps).toBe(json.stats.phases.exhaustive.steps + json.stats.phases.random.steps);
    expect(json.stats.phases.together).toBe(true);
    // Starting the random runs' thread takes part of the time limit (more when it compiles TypeScript, as here).
    const human = (await run('check', '--time-limit', '4', '--workers', '2', ...FAST)).out;
    expect(human).toMatch(/Explored breadth-first: .* all behaviours up to depth \d+ and some of depth \d+ in /);
    expect(human).toMatch(/At the same time at random: [\d,]+ random runs/);
  });

  it('on one thread runs breadth-first for half the time limit, then random runs, as a browser does', async () => {
    const r = await run('check', '--time-limit', '4', '--seed', '1', '--json', '--timings', '--workers', '1', ...FAST);
    const json = JSON.parse(r.out);
    expect(json.stats.phases.together).toBeUndefined();
    expect(json.stats.phases.exhaustive).toMatchObject({ stopReason: 'time', violations: [] });
    // Half of the 4 s, give or take a check of the clock.
    expect(json.stats.phases.exhaustive.elapsedMs).toBeGreaterThanOrEqual(2_000);
    expect(json.stats.phases.exhaustive.elapsedMs).toBeLessThan(3_000);
    expect(json.stats.phases.random.runs).toBeGreaterThan(0);
    const human = (await run('check', '--time-limit', '2', '--workers', '1', ...FAST)).out;
    expect(human).toMatch(/Then at random: [\d,]+ random runs/);
  });

  it('says which invariants a pass covers when --invariant narrows the check', async () => {
    const r = await run('check', '--engine', 'random', '--runs', '50', '--seed', '1', '--invariant', 'hw-le-leo', '--invariant', 'weak-isr', ...FAST);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/No violation found \(checked hw-le-leo, weak-isr; \d+ others not checked\), which is not a proof: the search was not complete\./);
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^Kafka 4\.1, .*: no violation of hw-le-leo, weak-isr found in 50 random runs of up to \d+ steps \([\d,]+ states\); the behaviours they missed are not proven\.$/);
    expect(r.out).toContain('cannot happen here (no lost fetch messages in the bounds): NetworkLoseFetchRequest, NetworkLoseFetchResponse');
    expect(r.out).toMatch(/Kinds of step never taken \(\d+ of the \d+ that can happen here\)|Every kind of step that can happen here was taken \(\d+ kinds\)/);
  });
  it('runs the random engine and certifies its counterexample', async () => {
    const r = await run('check', '--acks', '1', '--engine', 'random', '--runs', '300', '--seed', '3', '--json', ...FAST);
    const v = JSON.parse(r.out).violations[0];
    expect(r.code).toBe(1);
    expect(v).toMatchObject({ invariant: 'acks-one-durable', length: 3, certifiedMinimal: true, seed: 3, shortest: 'certified' });
    expect(v.shortestWhy).toBe('a breadth-first search of every behaviour up to 2 steps found none shorter');
  });

  it.each([
    [['--rf', '9'], 'rf'],
    [['--rf', 'three'], '--rf expects a whole number'],
    [['--acks', '2'], '--acks must be 0, 1 or all'],
    [['--min-isr', '0'], 'minIsr'],
    [['--truncation', 'kip999'], '--truncation must be one of'],
    [['--protocol', 'kafka-9.9'], "unknown protocol 'kafka-9.9'"],
    [['--invariant', 'no-such-thing'], "unknown invariant 'no-such-thing'"],
    [['--set', 'nonsense=1'], "unknown setting 'nonsense'"],
    [['--set', 'rf'], 'expects key=value'],
    [['--set', 'elr=maybe'], 'elr'],
    [['--set', 'observers=3'], 'observers (3) must be fewer than rf (3)'],
    [['--set', 'lossyCrashes=3', '--set', 'maxCrashes=1'], 'lossyCrashes (3) cannot exceed maxCrashes (1)'],
    [['--engine', 'magic'], '--engine must be both, exhaustive, random or liveness'],
    [['--config', join(dir, 'missing.json')], 'cannot read'],
    [['--bogus'], "unknown option '--bogus'"],
  ])('rejects %j with a one-line error and exit 2', async (args, message) => {
    const r = await run('check', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });

  it('reads settings from a --config file, overridden by flags', async () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ acks: 1, rf: 2, consumer: false }));
    const json = JSON.parse((await run('check', '--config', file, '--rf', '3', '--first', '--json')).out);
    expect(json.config).toMatchObject({ acks: 1, rf: 3 });
    writeFileSync(file, '[1, 2]');
    expect((await run('check', '--config', file)).err).toContain('is not a JSON object');
    writeFileSync(file, '{"rf": 3,}');
    expect((await run('check', '--config', file)).err).toContain('is not valid JSON: Expected double-quoted property name at line 1, column 10');
  });
});

describe('settings by Kafka\'s own names', () => {
  const small = ['--engine', 'exhaustive', '--depth', '1', '--json', ...FAST];

  it('takes them in --set and in a --config file, for the key the model has', async () => {
    const set = JSON.parse((await run('check', ...small, '--set', 'min.insync.replicas=1', '--set', 'unclean.leader.election.enable=true',
      '--set', 'acks=-1', '--set', 'eligible.leader.replicas.version=0', '--set', 'default.replication.factor=2')).out);
    expect(set.config).toMatchObject({ minIsr: 1, unclean: true, acks: 'all', elr: false, rf: 2 });
    const file = join(dir, 'kafka-names.json');
    writeFileSync(file, JSON.stringify({ 'min.insync.replicas': 1, 'replication.factor': '2', 'log.flush.interval.messages': 1, consumer: false }));
    const fromFile = JSON.parse((await run('check', '--config', file, '--engine', 'exhaustive', '--depth', '1', '--json')).out);
    expect(fromFile.config).toMatchObject({ minIsr: 1, rf: 2, flushEveryRecord: true, consumer: false });
  });

  it.each([
    [['--set', 'replica.lag.time.max.ms=30000'], "--set: the model has no equivalent of Kafka's replica.lag.time.max.ms: time is abstracted"],
    [['--set', 'min.insync.replica=2'], "--set: unknown setting 'min.insync.replica': did you mean min.insync.replicas?"],
    [['--set', 'minisr=2'], "--set: unknown setting 'minisr': did you mean minIsr?"],
    [['--set', 'max_records=2'], "--set: unknown setting 'max_records': did you mean maxRecords?"],
    [['--set', 'eligible.leader.replicas.version=2'], '--set eligible.leader.replicas.version: expected 0 | 1, got \'2\''],
    [['--set', 'log.flush.interval.messages=5'], '--set log.flush.interval.messages: expected 1 | 9223372036854775807'],
  ])('answers %j in one line, exit 2', async (args, message) => {
    const r = await run('check', ...args);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toContain(message);
  });

  it('answers an unknown key of a --config file with the closest name', async () => {
    const file = join(dir, 'near.json');
    writeFileSync(file, JSON.stringify({ 'unclean.leader.election': true }));
    const r = await run('check', '--config', file);
    expect([r.code, r.err]).toEqual([2, "kafka-spec: config: unknown setting 'unclean.leader.election': did you mean unclean.leader.election.enable? (see 'kafka-spec list')"]);
  });
});

describe('the slips a user meets', () => {
  it('says in one line that min.insync.replicas above rf is capped as Kafka caps it, and explores the same states as min ISR = rf', async () => {
    const args = ['--engine', 'exhaustive', '--depth', '4', '--json', ...FAST];
    const four = await run('check', '--min-isr', '4', '--rf', '3', ...args);
    expect(four.code).toBe(0);
    expect(four.err).toBe('kafka-spec: note: min.insync.replicas 4 is above the replication factor 3: as in Kafka (Partition.effectiveMinIsr), 3 in-sync replicas are required');
    const three = await run('check', '--min-isr', '3', '--rf', '3', ...args);
    expect(three.err).toBe('');
    expect(JSON.parse(four.out).stats.states).toBe(JSON.parse(three.out).stats.states);
  });

  it('puts commander\'s suggestion on the line of the unknown option, without a backslash', async () => {
    const r = await run('check', '--lossy-crash', '1');
    expect([r.code, r.err]).toEqual([2, "kafka-spec: unknown option '--lossy-crash' (did you mean --lossy-crashes?)"]);
    expect((await run('chek')).err).toBe("kafka-spec: unknown command 'chek' (did you mean check?)");
  });

  it('reports a --config file\'s JSON syntax error with its line and column', async () => {
    const file = join(dir, 'trailing-comma.json');
    writeFileSync(file, '{\n  "rf": 3,\n}\n');
    const r = await run('check', '--config', file);
    expect([r.code, r.err]).toEqual([2, `kafka-spec: --config: '${file}' is not valid JSON: Expected double-quoted property name at line 3, column 1`]);
  });

  it('refuses a time limit that is not positive', async () => {
    const r = await run('check', '--time-limit', '0');
    expect([r.code, r.err]).toEqual([2, 'kafka-spec: --time-limit must be at least 1 (second)']);
  });

  it('refuses a trace cut short between two steps (still JSON, fewer steps than its recorded violation): one line, exit 2', async () => {
    const file = join(dir, 'cut.json');
    expect((await run('check', '--acks', '1', '--first', '--out', file, ...FAST)).code).toBe(1);
    const trace = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...trace, steps: trace.steps.slice(0, -1) }));
    const r = await run('replay', file);
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err).toBe(`kafka-spec: ${file}: violation.step: the violation is recorded after step 3, but the trace has 2 steps (cut short?)`);
  });

  it('replay starts with the configuration, what differs from its release\'s defaults, and the recorded violation', async () => {
    const file = join(dir, 'header.json');
    expect((await run('check', '--acks', '1', '--rf', '2', '--first', '--out', file, ...FAST)).code).toBe(1);
    const r = await run('replay', file);
    expect(r.out.split('\n').slice(0, 4)).toEqual([
      `Replaying ${file}`,
      '  Configuration: kafka-4.1, replication.factor=2, acks=1, min.insync.replicas=2',
      '  Differs from kafka-4.1\'s defaults: consumer=false',
      '  Recorded: acks-one-durable violated after step 3',
    ]);
    expect(JSON.parse((await run('replay', file, '--json')).out).verdict).toBe('violated');
  });
});

describe('kafka-spec replay', async () => {
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const config = JSON.parse((await run('list', '--json')).out).defaults;
  const good = { format: 'kafka-spec-trace', version: 1, model: 'kafka-replication', config, steps: [{ step: 'ProducerSend', broker: 1, value: 1 }] };

  it('replays a trace without a violation with exit 0', async () => {
    const r = await run('replay', write('ok.json', JSON.stringify(good)));
    expect(r.code).toBe(0);
    expect(r.out).toContain('Replayed 1 step: no violation on this trace');
    expect(JSON.parse((await run('replay', write('ok.json', JSON.stringify(good)), '--json')).out)).toMatchObject({ verdict: 'no-violation-on-trace' });
  });

  it.each([
    ['truncated.json', JSON.stringify(good).slice(0, 40), 'not valid JSON'],
    ['other-model.json', JSON.stringify({ ...good, model: 'raft' }), "a trace of model 'raft'"],
    ['bad-step.json', JSON.stringify({ ...good, steps: [{ step: 'ProducerSend', broker: 2, value: 1 }] }), 'step 1 (ProducerSend broker=2 value=1) is not enabled'],
    ['bad-config.json', JSON.stringify({ ...good, config: { ...config, rf: 0 } }), 'config: rf'],
    ['bad-shape.json', JSON.stringify({ ...good, steps: 'all of them' }), 'steps'],
  ])('rejects %s with a one-line error and exit 2', async (name, text, message) => {
    const r = await run('replay', write(name, text));
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err.split('\n')).toHaveLength(1);
  });

  it('rejects a missing file', async () => {
    expect(await run('replay', join(dir, 'nope.json'))).toMatchObject({ code: 2 });
  });
});

describe('the installed command', () => {
  const bin = join(import.meta.dirname, '../../bin/kafka-spec.mjs');
  it('exits 2 with one line on stderr for bad input, and 1 on a violation', () => {
    const bad = spawnSync(process.execPath, [bin, 'check', '--rf', '9'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const violated = spawnSync(process.execPath, [bin, 'check', '--acks', '1', '--first', '--set', 'consumer=false'], { encoding: 'utf8' });
    expect(violated.status).toBe(1);
    expect(violated.stdout).toContain('VIOLATED acks-one-durable');
  });

  it('lists invariants, goals, versions and switches', () => {
    const list = spawnSync(process.execPath, [bin, 'list'], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    for (const word of ['leader-completeness', 'divergent-fetch', 'kafka-0.10', 'truncateBeforeHwUpdate', 'maxRecords']) expect(list.stdout).toContain(word);
    expect(list.stdout).toMatch(/\n {2}min\.insync\.replicas +minIsr +1\.\.5\n/);
    expect(list.stdout).toMatch(/\n {2}replica\.lag\.time\.max\.ms +time is abstracted/);
  });
});

describe('a counterexample from check --out renders in every format', () => {
  it.each(['text', 'markdown', 'mermaid', 'html', 'itf', 'vitest'])('%s', async (format) => {
    const trace = join(dir, 'for-render.json');
    expect((await run('check', '--acks', '1', '--first', '--out', trace, ...FAST)).code).toBe(1);
    const out = join(dir, `rendered.${format}`);
    const r = await run('replay', trace, '--format', format, ...(format === 'text' ? [] : ['--out', out]));
    expect(r.code).toBe(1);
    const text = format === 'text' ? r.out : readFileSync(out, 'utf8');
    expect(text).toContain(format === 'itf' ? '"action_taken"' : 'acks-one-durable');
  });
});
