import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/run-cli.ts';
import { findJava } from '../../src/kafka/environment.ts';
import { HarnessError } from '../../src/kafka/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-reproduce-cli-'));
const ELR = 'docs/traces/elr-last-known-leader-loss.json';

function traceWith(name: string, change: (t: { config: Record<string, unknown>; steps: unknown[] }) => void): string {
  const t = JSON.parse(readFileSync(ELR, 'utf8'));
  change(t);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(t));
  return file;
}

/** Exit 2 with exactly one line on stderr and nothing on stdout. */
function oneLineRefusal(r: { code: number; out: string; err: string }, text: string): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.split('\n')).toHaveLength(1);
  expect(r.err).toContain(text);
}

describe('kafka-spec reproduce refuses, in one line and before starting anything', () => {
  it('a trace with a step the harness cannot drive, naming the step and why', async () => {
    const file = traceWith('failover.json', (t) => t.steps.splice(3, 0, { step: 'ControllerFailover' }));
    oneLineRefusal(await runCli('reproduce', file), 'cannot drive step 4 (ControllerFailover): the harness runs one controller');
  });

  it('a trace of a protocol before Kafka 4', async () => {
    oneLineRefusal(await runCli('reproduce', 'docs/traces/truncate-to-hw-loss.json'), 'a trace of kafka-0.10: the harness runs Kafka 4 releases only');
  });

  it('a liveness lasso, which no finite run shows', async () => {
    oneLineRefusal(await runCli('reproduce', 'docs/traces/kafka-4.1-hw-stuck-after-rejected-expansion.json'), 'is a liveness lasso (hw-eventually-advances)');
  });

  it('a release whose jars are not fetched, naming npm run kafka:fetch', async () => {
    oneLineRefusal(await runCli('reproduce', ELR, '--kafka', '9.9.9'), "Kafka 9.9.9's jars are not fetched: run `npm run kafka:fetch`");
  });

  it('a file that is not a trace, and a bad port', async () => {
    oneLineRefusal(await runCli('reproduce', join(dir, 'missing.json')), 'cannot read trace');
    oneLineRefusal(await runCli('reproduce', ELR, '--port-base', 'x'), "--port-base must be a port from 1024 to 65000, not 'x'");
  });
});

describe('the environment check', () => {
  it('no Java: one line saying what a real cluster needs', () => {
    expect(() => findJava({ PATH: '/nonexistent', KAFKA_SPEC_JAVA: '/nonexistent/java' })).toThrow(HarnessError);
    expect(() => findJava({ PATH: '/nonexistent', KAFKA_SPEC_JAVA: '/nonexistent/java' })).toThrow("no Java: '/nonexistent/java' does not run (a real cluster needs Java 17 or newer");
    expect(() => findJava({ PATH: '/nonexistent' })).toThrow("no Java: 'java' does not run");
  });
});
