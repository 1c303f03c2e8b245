/**
 * `check --shard k/n` and `kafka-spec merge`: the shards of a random campaign, written as
 * `check --json` files, merge into one result with the runs summed and the shortest violation of
 * each invariant; bad input to either is one line and exit 2.
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
  const file = join(dir, `shard-${k}-of-${n}${extra.join('')}.json`);
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
