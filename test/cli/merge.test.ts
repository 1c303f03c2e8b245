/**
 * `check --shard k/n` and `kafka-spec merge`: the shards of a random campaign, written as
 * `check --json` files, merge into one result with the runs summed and the shortest violation of
 * each invariant, and with their `--states-out` files the distinct states counted once. The
 * shards of a breadth-first search merge into that search: its states, depth and shortest
 * violations, and only when every shard is there. Bad input to either is one line and exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const CAMPAIGN = ['check', '--engine', 'random', '--runs', '60', '--max-steps', '20', '--seed', '3', '--rf', '2', '--set', 'consumer=false', '--json'];
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

  it('rejects a states file that is missing, malformed or one too few, and --states-out without one search, with one line, exit 2', async () => {
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
    const both = await runCli('check', '--depth', '2', '--states-out', good);
    expect([both.code, both.err]).toEqual([2, expect.stringMatching(/--states-out cannot go with --engine both \(the default\): it writes the states one search of the invariants met: use --engine random or exhaustive/)]);
    const liveness = await runCli('check', '--liveness', '--states-out', good);
    expect([liveness.code, liveness.err]).toEqual([2, expect.stringMatching(/--states-out cannot go with a liveness check: it writes the states one search of the invariants met/)]);
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
    for (const [args, message] of [
      [[], /--shard cannot go with --engine both \(the default\): it splits one engine's search: use --engine random or exhaustive/],
      [['--engine', 'exhaustive', '--fewest', 'crashes'], /--shard cannot go with --fewest: fewest-first search proves a count of its budget only when every round searched the whole graph below it/],
    ] as const) {
      const r = await runCli('check', '--shard', '1/2', ...args);
      expect([r.code, r.err.split('\n').length]).toEqual([2, 1]);
      expect(r.err).toMatch(message);
    }
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

/** A breadth-first search to depth 6 with acks=1 (violated in 3 steps), whose level at depth 4 is split between 2 shards. */
const SEARCH = ['check', '--engine', 'exhaustive', '--acks', '1', '--depth', '6', '--json'];

describe('check --engine exhaustive --shard and merge', () => {
  const made = new Map<string, Promise<[json: string, states: string]>>();
  /** Shard k of n (or the whole search) as a check --json file and its states file, made once. */
  function searchFile(name: string, ...extra: string[]): Promise<[json: string, states: string]> {
    const [json, states] = [join(dir, `${name}.json`), join(dir, `${name}.fp`)];
    if (!made.has(name)) {
      made.set(name, runCli(...SEARCH, '--states-out', states, ...extra).then((r) => {
        writeFileSync(json, r.out);
        return [json, states];
      }));
    }
    return made.get(name)!;
  }

  it('merges every shard into the whole search: its distinct states, depth and shortest violations, certified', async () => {
    const whole = JSON.parse(readFileSync((await searchFile('whole'))[0], 'utf8'));
    const shards = [await searchFile('bfs-1', '--shard', '1/2'), await searchFile('bfs-2', '--shard', '2/2')];
    const parts = shards.map(([f]) => JSON.parse(readFileSync(f, 'utf8')));
    for (const [k, p] of parts.entries()) {
      expect(p.stats.split).toMatchObject({ index: k + 1, count: 2, at: { depth: 4 } });
      expect(p.stats.states).toBeLessThan(whole.stats.states);
    }
    const r = await runCli('merge', '--json', ...shards.map(([f]) => f), '--states', ...shards.map(([, s]) => s));
    expect(r.code).toBe(1);
    const merged = JSON.parse(r.out);
    expect(merged.stats).toMatchObject({ engine: 'exhaustive', states: whole.stats.states, statesCounted: 'union', depth: 6, complete: false, stopReason: 'depth' });
    const lengths = (o: { violations: { invariant: string; length: number }[] }) => o.violations.map((v) => `${v.invariant} in ${v.length}`).sort();
    expect(lengths(merged)).toEqual(lengths(whole));
    expect(merged.violations.every((v: { certifiedMinimal: boolean }) => v.certifiedMinimal)).toBe(true);
    const text = await runCli('merge', ...shards.map(([f]) => f), '--states', ...shards.map(([, s]) => s));
    expect(text.out).toMatch(/^Merged the 2 shards of a breadth-first search, split at depth 4 \([\d,]+ states\): [\d,]+ steps, [\d,]+ distinct states \(each counted once, from the states files\), all behaviours up to depth 6\./);
    expect(text.out).toMatch(/VIOLATED acks-one-durable: shortest counterexample 3 steps \(certified: every shard searched all shorter behaviours\)/);
    // A shard stopped early (by the clock, say) at depth 1 leaves lengths past 2 unsearched there.
    const early = join(dir, 'bfs-2-early.json');
    writeFileSync(early, JSON.stringify({ ...parts[1], stats: { ...parts[1].stats, stopReason: 'time', depth: 1 } }));
    const cut = JSON.parse((await runCli('merge', '--json', shards[0][0], early)).out);
    expect(cut.stats).toMatchObject({ depth: 1, complete: false, stopReason: 'depth,time', statesCounted: 'summed' });
    expect(cut.violations.map((v: { length: number; certifiedMinimal: boolean }) => [v.length, v.certifiedMinimal])).toContainEqual([3, false]);
    expect((await runCli('merge', shards[0][0], early)).out).toMatch(/shortest counterexample 3 steps \(shorter ones not ruled out: a shard covered only depth 1\)/);
    // Shards that each exhausted their part (crafted: their depths differ) make a complete search, as deep as the deepest.
    const exhausted = parts.map((p, i) => {
      const file = join(dir, `bfs-${i + 1}-exhausted.json`);
      writeFileSync(file, JSON.stringify({ ...p, stats: { ...p.stats, stopReason: 'exhausted', depth: 9 + i } }));
      return file;
    });
    // A shard stopped before the split level searched the whole graph to its depth, and merges as such.
    const unsplit = join(dir, 'bfs-2-unsplit.json');
    writeFileSync(unsplit, JSON.stringify({ ...parts[1], stats: { ...parts[1].stats, stopReason: 'time', depth: 3, split: { ...parts[1].stats.split, at: null } } }));
    expect(JSON.parse((await runCli('merge', '--json', shards[0][0], unsplit)).out).stats).toMatchObject({ depth: 3, split: { count: 2, at: { depth: 4 } } });
    const done = JSON.parse((await runCli('merge', '--json', ...exhausted)).out);
    expect(done.stats).toMatchObject({ depth: 10, complete: true, stopReason: 'exhausted' });
    expect((await runCli('merge', ...exhausted)).out).toMatch(/, every reachable state within the bounds\./);
    expect((await runCli(...SEARCH.filter((a) => a !== '--json'), '--shard', '1/2')).out).toMatch(/, those longer than 4 steps through this shard 1 of 2's [\d,]+ of the [\d,]+ states at depth 4 \(merge the shards' outputs for the whole search\)/);
  });

  it('refuses a missing, repeated or foreign shard with one line, exit 2', async () => {
    const [one] = await searchFile('bfs-1', '--shard', '1/2');
    const [two] = await searchFile('bfs-2', '--shard', '2/2');
    const [ofThree] = await searchFile('bfs-1-of-3', '--shard', '1/3');
    const elsewhere = join(dir, 'bfs-2-elsewhere.json');
    const other = JSON.parse(readFileSync(two, 'utf8'));
    writeFileSync(elsewhere, JSON.stringify({ ...other, stats: { ...other.stats, split: { ...other.stats.split, at: { ...other.stats.split.at, depth: 5 } } } }));
    const random = join(dir, 'random-acks-1.json');
    writeFileSync(random, (await runCli('check', '--engine', 'random', '--acks', '1', '--runs', '20', '--seed', '1', '--json')).out);
    for (const [files, message] of [
      [[one], /shard 2 of 2 missing/],
      [[one, one, two], /are both shard 1 of 2/],
      [[one, ofThree], /is shard 1 of 3 but .* is of 2/],
      [[one, elsewhere], /has a split at depth 5 of [\d]+ states but .* has a split at depth 4 of [\d]+ states: not shards of one search/],
      [[one, two, random], /is not a shard of a breadth-first search and the others are/],
    ] as const) {
      const r = await runCli('merge', ...files);
      expect([r.code, r.err.split('\n').length]).toEqual([2, 1]);
      expect(r.err).toMatch(message);
    }
  });
});
