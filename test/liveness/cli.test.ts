/**
 * Liveness from the command line: `check --liveness` finds a lasso and writes it; `replay`
 * confirms it in every format (the cycle in each: text markers, a Markdown ↻, a Mermaid `loop`,
 * the HTML highlight, ITF's `loop`, a vitest test that replays it); a tampered lasso replays as
 * no violation and says why; bad input is one line with exit code 2. `--from TRACE` starts the
 * graph after a trace's steps and writes a lasso that includes them; a graph that is not
 * complete gets random fair runs as evidence, which never change the verdict.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/run-cli.ts';

const traces = join(import.meta.dirname, '../../docs/traces');

const SMALL = ['--rf', '2', '--set', 'consumer=false', '--set', 'maxRecords=1', '--set', 'maxCrashes=0', '--set', 'lossyCrashes=0',
  '--set', 'maxHeartbeatLosses=0', '--set', 'maxLeaderMoves=0', '--set', 'maxLeaderChanges=1', '--set', 'permanentFailures=1'];

describe('kafka-spec check --liveness and replay of a lasso', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lasso-'));
  const file = join(dir, 'v6.json');

  it('check reports the lasso, writes it, and says which properties hold over the whole graph', async () => {
    const r = await runCli('check', ...SMALL, '--liveness', '--out', file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('VIOLATED writes-eventually-accepted');
    expect(r.out).toContain('(the whole graph within the bounds)');
    expect(r.out).toMatch(/Holds: .*leader-eventually-elected/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ lasso: { cycleStart: 4 }, violation: { invariant: 'writes-eventually-accepted', step: 4 } });
  });

  it('replay confirms it and renders it in every format', async () => {
    const text = await runCli('replay', file);
    expect(text.code).toBe(1);
    expect(text.out).toContain('is violated for ever');
    expect(text.out).toContain('<-- stays here: no fair step is enabled');
    expect((await runCli('replay', file, '--format', 'markdown')).out).toContain('Violated for ever after step 4');
    expect((await runCli('replay', file, '--format', 'mermaid')).out).toContain('VIOLATED for ever (no fair step is enabled after step 4)');
    expect(JSON.parse((await runCli('replay', file, '--format', 'itf')).out)).toMatchObject({ loop: 4 });
    expect((await runCli('replay', file, '--format', 'html')).out).toContain('Violated for ever');
    const test = (await runCli('replay', file, '--format', 'vitest')).out;
    expect(test).toContain('replayLasso(model, trace.steps, trace.cycleStart, trace.property)');
    expect(test).toContain('violates: true');
  });

  it('a mutation\'s lasso replays, and a tampered lasso replays as no violation, saying why', async () => {
    const cycled = join(dir, 'mutation.json');
    const r = await runCli('check', '--rf', '2', '--set', 'consumer=false', '--set', 'maxRecords=1', '--set', 'maxCrashes=0',
      '--set', 'lossyCrashes=0', '--set', 'maxHeartbeatLosses=0', '--set', 'maxLeaderMoves=0', '--set', 'mutation=followers-stop-fetching',
      '--invariant', 'hw-eventually-advances', '--out', cycled);
    expect(r.code).toBe(1);
    expect((await runCli('replay', cycled)).code).toBe(1);
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), lasso: { cycleStart: 3 } }));
    const t = await runCli('replay', tampered);
    expect(t.code).toBe(0);
    expect(t.out).toContain('not a lasso violating writes-eventually-accepted');
  });

  it('bad input is one line and exit code 2', async () => {
    expect(await runCli('check', ...SMALL, '--invariant', 'logs-converge', '--invariant', 'hw-le-leo')).toMatchObject({ code: 2 });
    const past = join(dir, 'past.json');
    writeFileSync(past, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), lasso: { cycleStart: 99 } }));
    const r = await runCli('replay', past);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/lasso.cycleStart: 99 is past the trace's 4 steps/);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});

describe('kafka-spec check --liveness --from TRACE, and fair runs where the graph is not complete', () => {
  const dir = mkdtempSync(join(tmpdir(), 'from-'));
  const prefix = join(traces, 'kip101-scenario2-prefix.json');

  it('finds the lasso after the trace\'s steps under its configuration, writes it with them, and replay confirms it', async () => {
    const out = join(dir, 'kip101.json');
    const r = await runCli('check', '--liveness', '--from', prefix, '--invariant', 'logs-converge', '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`distinct states from the state after the 14 steps of ${prefix}`);
    expect(r.out).toMatch(/Lasso: \d+ steps \(the 14 given steps, then \d+ more, the fewest: breadth-first\), then a cycle of 3/);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ config: { protocol: 'kafka-0.10', restartLeavesIsr: false } });
    expect((await runCli('replay', out)).code).toBe(1);
  });

  it('--protocol and --set move the trace\'s configuration: today\'s rules hold from the same steps', async () => {
    const r = await runCli('check', '--liveness', '--from', prefix, '--invariant', 'logs-converge', '--protocol', 'kafka-4.1', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ verdict: 'holds', fromSteps: 14, config: { protocol: 'kafka-4.1', maxCrashes: 2 }, stats: { complete: true } });
    expect((await runCli('check', '--from', prefix, '--invariant', 'logs-converge', '--set', 'truncation=kip101')).out)
      .toContain('Holds: logs-converge (every fair behaviour after the 14 given steps, over the whole bounded graph from there, settles again and again).');
    expect(JSON.parse(r.out).summary).toMatch(/^Kafka 4\.1, .* after the 14 steps of .*: logs-converge holds in every fair behaviour once faults stop \(the whole bounded graph, [\d,]+ states\)\.$/);
  });

  it('a step the configuration does not allow, a flag that would build another configuration, or an unreadable trace: one line, exit code 2', async () => {
    const kip279 = join(traces, 'kip279-fast-failover-prefix.json');
    const notEnabled = await runCli('check', '--liveness', '--from', kip279, '--protocol', 'kafka-4.1');
    expect(notEnabled).toMatchObject({ code: 2, out: '' });
    expect(notEnabled.err).toBe(`kafka-spec: --from ${kip279}: step 15 (ProducerSend broker=1 value=4) of the prefix is not enabled under kafka-4.1`);
    expect((await runCli('check', '--liveness', '--from', prefix, '--rf', '3')).err)
      .toBe('kafka-spec: --from checks the trace\'s own configuration: change it with --protocol and --set, not --rf');
    expect(await runCli('check', '--liveness', '--from', join(dir, 'missing.json'))).toMatchObject({ code: 2 });
    expect((await runCli('check', '--from', prefix, '--invariant', 'hw-le-leo')).err)
      .toBe('kafka-spec: --from starts a liveness check: name liveness properties with --invariant, or none for all of them');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "kafka-spec-trace"');
    expect((await runCli('check', '--liveness', '--from', bad)).err).toBe(`kafka-spec: ${bad}: not valid JSON: Expected ',' or '}' after property value at line 1, column 30`);
  });

  it('where the graph is not complete, fair runs report how many settled each property and name suspects by seed, and a suspect\'s own graph gives the lasso', async () => {
    const args = ['check', '--liveness', '--from', prefix, '--invariant', 'logs-converge', '--depth', '3', '--runs', '30', '--max-steps', '100'];
    const r = await runCli(...args);
    // The graph to depth 3 has no lasso; the first suspect's graph, from where its faults stopped, has one.
    expect(r.code).toBe(1);
    expect(r.out).toContain('Random fair runs, evidence and not proof: 30 runs, each up to 60 steps in which faults may happen, then 100 weakly fair steps without faults (seeds 0-29).');
    expect(r.out).toMatch(/logs-converge: settled again in \d+ of 30 runs; suspects \(never settled in the last quarter of their fair steps; not counterexamples, a lasso needs a cycle\): seeds \d+/);
    expect(r.out).toMatch(/From where a suspect's faults stopped, faults left out: run \d+ \(logs-converge\): [\d,]+ states?, complete, a lasso\./);
    expect(r.out).toMatch(/Lasso: \d+ steps \(from fair run \d+, which never settled: \d+ steps of that run before its faults stopped, then \d+ more without faults, the fewest from there: not known to be the shortest prefix\)/);
    const json = JSON.parse((await runCli(...args, '--json')).out);
    expect(json).toMatchObject({ verdict: 'violated', stats: { complete: false }, fairRuns: { runs: 30, fairSteps: 100 } });
    expect(json.lassos[0]).toMatchObject({ property: 'logs-converge', shortestPrefix: false, fromSuspect: { seed: json.suspects.at(-1).seed } });
    expect(json.summary).toMatch(/^Kafka 0\.10 .* after the 14 steps of .*: logs-converge fails for ever after \d+ steps, then a fair cycle of \d+ steps repeats \(a prefix from fair run \d+, not known to be the shortest\)\.$/);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe(json.summary);
    // The lasso replays on the whole model, without the prefix file.
    const out = join(mkdtempSync(join(tmpdir(), 'suspect-')), 'lasso.json');
    expect((await runCli(...args, '--out', out)).code).toBe(1);
    const replayed = await runCli('replay', out);
    expect(replayed.code).toBe(1);
    expect(replayed.out).toContain('is violated for ever');
    const none = await runCli(...args.slice(0, -4), '--runs', '0');
    expect(none.out).not.toContain('Random fair runs');
  });
});
