/**
 * `check --shard k/n` and `kafka-spec merge`: the shards of a random campaign, written as
 * `check --json` files, merge into one result with the runs summed and the shortest violation of
 * each invariant, and with their `--states-out` files the distinct states counted once; bad input
 * to either is one line and exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const CAMPAIGN = ['check', '--engine', 'random', '--runs', '60', '--max-steps', '15', '--seed', '3', '--rf', '2', '--set', 'consumer=false', '--json'];
const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-merge-'));

async function shardFile(k: number, n: number, ...extra: string[]): Promise<string> {
  const r = await runCli(...CAMPAIGN, '--shard', `${k}/${n}`, ...extra);
  const file = join(dir, `shard-${k}-of-${n}${extra.join('').replace(/[^\w-]/g, '_')}.json`);
  writeFileSync(file, r.out);
  return file;
}

describe('check --shard and merge', () => {
  it('merges the shards of a campaign: runs, steps and coverage summed, the shortest violation of each invariant', async () => {
    const files = [await shardFile(1, 2, '--acks', '1'), await shardFile(2, 2, '--acks', '1')];
    const parts = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
    const r = await runCli('merge', '--json', ...files);
    expect(r.code).toBe(parts.some((p) => p.verdict === 'violated') ? 1 : 0);
    const merged = JSON.parse(r.out);
    expect(merged.stats.runs).toBe(parts[0].stats.runs + parts[1].stats.runs);
    expect(merged.stats.steps).toBe(parts[0].stats.steps + parts[1].stats.steps);
    expect(merged.stats.merged).toBe(2);
    expect(merged.stats.guided.resumedRuns).toBe(parts[0].stats.guided.resumedRuns + parts[1].stats.guided.resumedRuns);
    for (const [goal, n] of Object.entries(merged.coverage)) expect(n).toBe(parts[0].coverage[goal] + parts[1].coverage[goal]);
    const shortest = Math.min(...parts.flatMap((p) => p.violations.filter((v: { invariant: string }) => v.invariant === 'acks-one-durable').map((v: { length: number }) => v.length)));
    expect(merged.violations.find((v: { invariant: string }) => v.invariant === 'acks-one-durable').length).toBe(shortest);
    const text = await runCli('merge', ...files);
    expect(text.out).toMatch(/^Merged 2 results: [\d,]+ random runs/);
  });

  it('counts the distinct states of the shards\' states files once, as the same campaign on threads counts them', async () => {
    const states = [1, 2].map((k) => join(dir, `states-${k}.fp`));
    const files = [await shardFile(1, 2, '--states-out', states[0]), await shardFile(2, 2, '--states-out', states[1])];
    const parts = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
    const union = JSON.parse((await runCli('merge', '--json', ...files, '--states', ...states)).out);
    const summed = JSON.parse((await runCli('merge', '--json', ...files)).out);
    const threads = JSON.parse((await runCli(...CAMPAIGN, '--workers', '2')).out);
    expect([union.stats.statesCounted, summed.stats.statesCounted]).toEqual(['union', 'summed']);
    expect(summed.stats.states).toBe(parts[0].stats.states + parts[1].stats.states);
    expect(union.stats.states).toBe(threads.stats.states);
    expect(union.stats.states).toBeLessThan(summed.stats.states);
    expect((await runCli('merge', ...files, '--states', ...states)).out).toMatch(/ [\d,]+ distinct states \(each counted once, from the states files\)/);
  });

  it('rejects a states file that is missing, malformed or one too few, and --states-out without random runs, with one line, exit 2', async () => {
    const file = await shardFile(1, 2);
    const good = join(dir, 'good.fp');
    await shardFile(2, 2, '--states-out', good);
    const garbage = join(dir, 'garbage.fp');
    writeFileSync(garbage, 'not fingerprints at all!');
    const odd = join(dir, 'odd.fp');
    writeFileSync(odd, 'seventeen bytes..');
    const cut = join(dir, 'cut.fp');
    writeFileSync(cut, readFileSync(good).subarray(0, 24));
    for (const [args, message] of [
      [[file, '--states', join(dir, 'missing.fp')], /cannot read/],
      [[file, '--states', garbage], /is not a states file written by check --states-out \(no KSFP header\)/],
      [[file, '--states', cut], /says \d+ fingerprints but holds 1/],
      [[file, '--states', odd], /17 bytes, not a header and whole fingerprints/],
      [[file, file, '--states', good], /one states file per result \(1 for 2 results\)/],
      [[file, '--states', good], /holds \d+ states but .* reports \d+: give the states files in the order of the results/],
    ] as const) {
      const r = await runCli('merge', ...args);
      expect([r.code, r.err.split('\n').length]).toEqual([2, 1]);
      expect(r.err).toMatch(message);
    }
    const exhaustive = await runCli('check', '--engine', 'exhaustive', '--depth', '2', '--states-out', good);
    expect([exhaustive.code, exhaustive.err]).toEqual([2, expect.stringMatching(/--states-out writes the states random runs met/)]);
    const liveness = await runCli('check', '--liveness', '--states-out', good);
    expect([liveness.code, liveness.err]).toEqual([2, expect.stringMatching(/a liveness check has none to write/)]);
  });

  it('runs each shard from its own seed, deterministically', async () => {
    const [a, b] = [await runCli(...CAMPAIGN, '--shard', '2/2'), await runCli(...CAMPAIGN, '--shard', '2/2')];
    expect(a.out).toBe(b.out);
    expect(JSON.parse(a.out).stats.runs).toBe(30);
    expect((await runCli(...CAMPAIGN, '--shard', '1/1')).out).toBe((await runCli(...CAMPAIGN)).out);
  });

  it('rejects bad shards and bad files with one line, exit 2', async () => {
    for (const shard of ['3/2', '0/2', 'x', '1/0']) {
      const r = await runCli(...CAMPAIGN, '--shard', shard);
      expect([r.code, r.err.split('\n').length]).toEqual([2, 1]);
    }
    expect((await runCli('check', '--engine', 'exhaustive', '--shard', '1/2')).err).toMatch(/--shard splits a random campaign/);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'hello');
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ verdict: 'holds' }));
    const other = await shardFile(1, 2, '--min-isr', '1');
    const mine = await shardFile(2, 2);
    for (const [files, message] of [
      [[join(dir, 'missing.json')], /cannot read/], [[notJson], /is not JSON/], [[wrong], /is not a check --json output/],
      [[mine, other], /checks another configuration/],
    ] as const) {
      const r = await runCli('merge', ...files);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.split('\n')).toHaveLength(1);
    }
    expect((await runCli('merge')).code).toBe(2);
  });
});
