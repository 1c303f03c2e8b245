/**
 * docs/findings.md ranks its traces by the late deliveries each needs (rules.md W1-W6). Every
 * trace file the page names is in that table, each count is what a replay of the file counts,
 * the rows run from the most plausible timing to the least, and the ELR headline trace needs none.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaModel } from '../../properties/kafka-model.ts';
import { configOfRecord } from '../../spec/config.ts';
import { parseTrace } from '../../src/trace/schema.ts';
import { replay } from '../../src/trace/replay.ts';
import { lateDeliveries } from '../../src/report/late.ts';

const root = join(import.meta.dirname, '../..');
const findings = readFileSync(join(root, 'docs/findings.md'), 'utf8');

/** The ranking table's rows: the count and the trace files of each. */
function ranking(): { late: number; files: string[] }[] {
  return [...findings.matchAll(/^\| (\d+) \| ((?:`[\w.-]+\.json`(?:, )?)+) \|/gm)]
    .map((m) => ({ late: Number(m[1]), files: [...m[2].matchAll(/`([\w.-]+\.json)`/g)].map((f) => f[1]) }));
}

/** The late deliveries a replay of docs/traces/`name` counts. */
function lateOf(name: string): number {
  const trace = parseTrace(readFileSync(join(root, 'docs/traces', name), 'utf8'), name);
  const model = kafkaModel(configOfRecord(trace.config));
  const { states } = replay(model, trace.steps, { invariants: [] });
  return lateDeliveries(model, trace.steps, states)!.count;
}

describe('findings.md, most plausible timing first', () => {
  const rows = ranking();

  it('lists every trace the page names, in rows ordered by late deliveries', () => {
    const named = new Set([...findings.matchAll(/docs\/traces\/([\w.-]+\.json)/g)].map((m) => m[1]));
    const listed = new Set(rows.flatMap((r) => r.files));
    expect([...named].filter((f) => !listed.has(f))).toEqual([]);
    expect(rows.map((r) => r.late)).toEqual([...rows.map((r) => r.late)].sort((a, b) => a - b));
  });

  it('gives each trace the count a replay of it counts', () => {
    for (const row of rows) for (const file of row.files) expect({ file, late: lateOf(file) }).toEqual({ file, late: row.late });
  });

  it('shows the ELR last-known-leader loss without a late delivery, at min.insync.replicas=2 said to be no Kafka default', () => {
    expect(lateOf('elr-last-known-leader-loss-on-time.json')).toBe(0);
    expect(findings).toMatch(/## ELR's last-known-leader election .*min\.insync\.replicas=2\)/);
    expect(findings).toContain("Kafka's broker default for `min.insync.replicas` is 1");
  });
});
