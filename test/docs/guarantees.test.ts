/**
 * docs/guarantees.md and docs/counterexamples/ are generated; this regenerates them and fails
 * when the committed copies are stale (run `npx kafka-spec guarantees` to refresh them).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { EMPTY_SECTION, withSection } from '../../src/report/availability.ts';
import { MATRIX } from '../../properties/matrix.ts';

const root = join(import.meta.dirname, '../..');

describe('generated guarantees documentation', () => {
  // Regenerating the whole matrix takes minutes (rows run on one worker thread per core).
  it('is up to date with the model', { timeout: 900_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guarantees-'));
    // The durability and availability section takes minutes more; test/liveness/availability.test.ts
    // checks it, so here it is left empty on both sides.
    expect(await main(['guarantees', '--part', 'matrix', '--out', dir], { out: () => {}, progress: () => {} })).toBe(0);
    const committed = readFileSync(join(root, 'docs/guarantees.md'), 'utf8');
    expect(withSection(committed, EMPTY_SECTION), 'guarantees.md').toBe(readFileSync(join(dir, 'guarantees.md'), 'utf8'));
    expect(readFileSync(join(root, 'docs/machines.md'), 'utf8'), 'machines.md').toBe(readFileSync(join(dir, 'machines.md'), 'utf8'));
    const fresh = readdirSync(join(dir, 'counterexamples')).sort();
    expect(readdirSync(join(root, 'docs/counterexamples')).filter((f) => !f.startsWith('availability-')).sort()).toEqual(fresh);
    for (const f of fresh) {
      expect(readFileSync(join(root, 'docs/counterexamples', f), 'utf8'), f).toBe(readFileSync(join(dir, 'counterexamples', f), 'utf8'));
    }
  });

  it('leaves no property unexercised for want of depth: each ○ is a goal that cannot happen in its configuration', () => {
    const page = readFileSync(join(root, 'docs/guarantees.md'), 'utf8');
    const idle = page.slice(page.indexOf('## Not exercised'), page.indexOf('## Evidence of reach'));
    expect(idle).toContain('acks-one-durable needs acks-one-acknowledged (acks=all)');
    expect(idle).not.toContain('not reached within the bounds');
    expect(page).not.toMatch(/\*\*not reached\*\*: [^;]*\b(consumer-read|record-committed|election-after-\w+|acks-\w+-acknowledged|write-after-ack)\b/);
  });

  it('names the anomaly on counterexample pages, and a breaker or none for every property', () => {
    const page = readFileSync(join(root, 'docs/guarantees.md'), 'utf8');
    expect(readFileSync(join(root, 'docs/counterexamples/acks-1--acks-one-durable.md'), 'utf8')).toContain('Anomaly: **lost acknowledged write**.');
    const section = page.slice(page.indexOf('## How each ✓ could have failed'), page.indexOf('## Not exercised'));
    expect(section).toMatch(/\| weak-isr \| divergent logs \| \[(≤ )?\d+ steps\]\(counterexamples\/today-rf2-[^)]+--weak-isr\.md\)/);
    expect(section).toContain('| hw-le-leo |  | no known breaker at these bounds |');
  });

  it('links every violated cell to a page whose trace replays to that violation', async () => {
    const page = readFileSync(join(root, 'docs/guarantees.md'), 'utf8');
    const links = [...page.matchAll(/\(counterexamples\/([^)]+)\.md\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(5);
    for (const name of links.slice(0, 4)) {
      const recorded = JSON.parse(readFileSync(join(root, 'docs/counterexamples', `${name}.json`), 'utf8')).violation;
      let out = '';
      const code = await main(['replay', join(root, 'docs/counterexamples', `${name}.json`), '--json'], { out: (t) => (out = t), progress: () => {} });
      expect(code).toBe(1);
      expect(JSON.parse(out).violation).toMatchObject({ invariant: recorded.invariant, step: recorded.step });
    }
  });
});

describe('kafka-spec guarantees --json', () => {
  it('gives one cell per (configuration, invariant) with verdict, length and evidence', async () => {
    const { runGuarantees } = await import('../../src/cli/guarantees.ts');
    let out = '';
    // An id without trace files under docs/counterexamples/, so nothing kept competes with what the runs find.
    const rows = [{ id: 'acks-1-random-only', title: 'acks=1', config: { acks: 1 as const, consumer: false }, depth: 4 }];
    expect(await runGuarantees({ json: true }, { out: (t) => (out = t), progress: () => {} }, rows)).toBe(0);
    const { cells } = JSON.parse(out);
    const { kafkaModelOf } = await import('../../properties/kafka-model.ts');
    expect(cells).toHaveLength(kafkaModelOf(rows[0].config).invariants.length);
    expect(cells.find((c: { invariant: string }) => c.invariant === 'acks-one-durable')).toMatchObject({ verdict: 'violated', length: 3, config: { acks: 1 } });
    expect(cells.find((c: { invariant: string }) => c.invariant === 'acks-one-durable').evidence.foundBy).toBe('exhaustive');
    expect(cells.find((c: { invariant: string }) => c.invariant === 'hw-le-leo')).toMatchObject({
      verdict: 'no-violation-found', evidence: { engine: 'exhaustive+random', depth: 4, random: { runs: 5000, seed: 1 } },
    });
    expect(cells.find((c: { invariant: string }) => c.invariant === 'monotonic-reads')).toMatchObject({
      verdict: 'not-exercised', reason: 'consumer-read (no consumer)',
    });
  });

  it('names, for each property, the breaker that violates it at the row\'s bounds, or none', async () => {
    const { runGuarantees } = await import('../../src/cli/guarantees.ts');
    let out = '';
    const rows = [{ id: 'rf2', title: 'rf 2', config: { rf: 2, consumer: false, maxLeaderMoves: 0 }, depth: 4, randomRuns: 200 }];
    const breakers = [{ id: 'rf2-acks-1', base: 'rf2', change: { acks: 1 as const }, what: 'with acks=1' }];
    expect(await runGuarantees({ json: true }, { out: (t) => (out = t), progress: () => {} }, rows, breakers)).toBe(0);
    const found = JSON.parse(out).breakers as { invariant: string; breaker: { row: string; length: number } | null }[];
    expect(found.find((b) => b.invariant === 'acks-one-durable')?.breaker).toMatchObject({ row: 'rf2-acks-1', length: 3 });
    expect(found.find((b) => b.invariant === 'hw-le-leo')?.breaker).toBeNull();
  });

  it('reports what random runs find past the breadth-first depth, marked as not known to be shortest', async () => {
    const { runGuarantees } = await import('../../src/cli/guarantees.ts');
    let out = '';
    // An id without trace files under docs/counterexamples/, so nothing kept competes with what the runs find.
    const rows = [{ id: 'acks-1-random-only', title: 'acks=1', config: { acks: 1 as const, consumer: false }, depth: 2, randomRuns: 300 }];
    expect(await runGuarantees({ json: true }, { out: (t) => (out = t), progress: () => {} }, rows)).toBe(0);
    const cell = JSON.parse(out).cells.find((c: { invariant: string }) => c.invariant === 'acks-one-durable');
    expect(cell).toMatchObject({ verdict: 'violated', evidence: { foundBy: 'random', depth: 2, random: { runs: 300 } } });
    expect(cell.length).toBeGreaterThanOrEqual(3);
  });

  it('keeps a counterexample of the page that this search missed while its trace still replays to the violation, and drops it when not', async () => {
    const { exploreRowData } = await import('../../src/cli/guarantees.ts');
    const history = MATRIX.find((r) => r.id === 'history-kafka-2.7')!;
    const kept = (config: typeof history.config) => exploreRowData({ ...history, config, depth: 2, randomRuns: 0 }).violations.find((v) => v.invariant === 'valid-hw');
    // docs/counterexamples/history-kafka-2.7--valid-hw.json: 13 steps, beyond this search's two.
    expect(kept(history.config)).toMatchObject({ foundBy: 'kept', length: 13 });
    // With the fix of KAFKA-13141 the same steps no longer break valid-hw.
    expect(kept({ ...history.config, skipFollowerUpdateOnDiverging: true })).toBeUndefined();
  });

  it('prefers a kept counterexample to a longer one of this search, and this search\'s when it is as short', async () => {
    const { withKept } = await import('../../src/cli/guarantees.ts');
    const found = (invariant: string, length: number, foundBy: 'random' | 'kept') => ({ invariant, statement: '', trace: [], length, foundBy });
    const chosen = withKept([found('a', 12, 'random'), found('b', 9, 'random'), found('c', 5, 'random')], [found('a', 10, 'kept'), found('b', 9, 'kept'), found('d', 7, 'kept')]);
    expect(chosen.map((v) => [v.invariant, v.length, v.foundBy]).sort()).toEqual([['a', 10, 'kept'], ['b', 9, 'random'], ['c', 5, 'random'], ['d', 7, 'kept']]);
  });
});
