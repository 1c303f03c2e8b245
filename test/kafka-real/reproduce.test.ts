/**
 * Real Kafka clusters (`npm run test:kafka`; Java 17+ and `npm run kafka:fetch`): counterexamples
 * the model found, replayed on Kafka, and a run the model says is clean. Each reproduction starts
 * a controller and two brokers: under a minute each on a two-core machine.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/run-cli.ts';
import { running } from '../../src/kafka/processes.ts';

const keep = mkdtempSync(join(tmpdir(), 'kafka-spec-real-'));

async function reproduce(trace: string, ...flags: string[]) {
  const dir = join(keep, `${trace.replace(/\W+/g, '-')}-${flags.join('-')}`);
  const r = await runCli('reproduce', trace, '--json', '--keep', dir, ...flags);
  return { ...r, dir, json: r.code === 2 ? null : JSON.parse(r.out) };
}

afterAll(() => {
  expect(running()).toBe(0);
});

describe('kafka-spec reproduce on real Kafka', () => {
  it("ELR's last-known-leader election loses an acknowledged write on Kafka 4.1.2, as the model says", async () => {
    const r = await reproduce('docs/traces/elr-last-known-leader-loss.json', '--kafka', '4.1.2');
    expect(r.code).toBe(0);
    expect(r.json.verdict).toBe('reproduced');
    expect(r.json.broken.check).toBe('acked-lost');
    expect(r.json.broken.evidence).toMatch(/v1, acknowledged at offset 0, is not in the log of leader 1/);
    expect(r.json.acks).toEqual([{ id: 0, value: '1', offset: 0, error: null }]);
    // every step happened as in the model: no difference after any step
    expect(r.json.steps.flatMap((s: { differences: unknown[] }) => s.differences)).toEqual([]);
    // Kafka's own controller log shows the election the model predicts
    expect(readFileSync(join(r.dir, 'controller', 'logs', 'server.log'), 'utf8')).toMatch(/UNCLEAN partition change for t-0 .*leader: -1 -> 1/);
    expect(existsSync(join(r.dir, 'report.json'))).toBe(true);
    expect(existsSync(join(r.dir, 'frames.log'))).toBe(true);
  });

  it("KIP-320's consumer validation passes a diverged history on Kafka 4.1.2: Kafka's own consumer reads v3 then v2", async () => {
    const r = await reproduce('docs/traces/kip320-consumer-validation-boundary.json', '--kafka', '4.1.2');
    expect(r.code).toBe(0);
    expect(r.json.verdict).toBe('reproduced');
    expect(r.json.consumed.map((c: { offset: number; value: string }) => `v${c.value}@${c.offset}`)).toEqual(['v3@0', 'v2@1']);
  });

  it('the same trace with a process crash in place of the power loss: the model says it holds, and Kafka loses nothing', async () => {
    const r = await reproduce('test/kafka-real/traces/elr-process-crash-clean.json', '--kafka', '4.1.2');
    expect(r.json?.summary).toBeDefined();
    expect(r.json.verdict).toBe('clean');
    expect(r.code).toBe(0);
  });
});

describe('kafka-spec reproduce on a machine that cannot run it', () => {
  it('no Java: one line, exit 2', async () => {
    const before = process.env.KAFKA_SPEC_JAVA;
    process.env.KAFKA_SPEC_JAVA = '/nonexistent/bin/java';
    try {
      const r = await runCli('reproduce', 'docs/traces/elr-last-known-leader-loss.json');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^kafka-spec: no Java: '\/nonexistent\/bin\/java' does not run/);
      expect(r.err.split('\n')).toHaveLength(1);
    } finally {
      if (before === undefined) delete process.env.KAFKA_SPEC_JAVA; else process.env.KAFKA_SPEC_JAVA = before;
    }
  });

  it('a port taken: one line, exit 2, nothing left running', async () => {
    const s = createServer();
    const port = await new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));
    try {
      const r = await runCli('reproduce', 'docs/traces/elr-last-known-leader-loss.json', '--port-base', String(port));
      expect(r.code).toBe(2);
      expect(r.err).toBe(`kafka-spec: port 127.0.0.1:${port} is taken (the cluster needs 5 free ports from ${port})`);
      expect(running()).toBe(0);
    } finally {
      s.close();
    }
  });
});
