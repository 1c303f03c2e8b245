import { describe, expect, it } from 'vitest';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { exploreExhaustive } from '../../src/explore/index.ts';
import { replay } from '../../src/trace/replay.ts';
import { renderTraceMarkdown } from '../../src/report/markdown.ts';
import { renderTraceMermaid } from '../../src/report/mermaid.ts';
import { renderTraceItf, toItfValue } from '../../src/report/itf.ts';
import { main } from '../../src/cli/main.ts';

const model = kafkaModelOf({ acks: 1, consumer: false });
const v = exploreExhaustive(model, { invariants: ['acks-one-durable'] }).violations[0];
const { states, violation } = replay(model, v.trace, { invariants: [v.invariant] });

describe('trace renderings', () => {
  it('markdown: a row per step told in Kafka\'s words, a column per broker, changed cells in bold, the violation stated with what is missing where', () => {
    const md = renderTraceMarkdown(model, v.trace, states, violation);
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows[0]).toBe('| # | step | b1 | b2 | b3 | controller | in flight | committed |');
    expect(rows).toHaveLength(1 + 1 + v.length);
    expect(rows[2]).toContain('**leader [v1@e0] LEO 1');
    expect(md).toContain('Violated after step 3: `acks-one-durable`');
    expect(rows[2]).toMatch(/^\| 1 \| the producer sends v1 to leader 1; broker 1 appends v1 at offset 0; v1 is acknowledged \(acks=1, offset 0\) \|/);
    expect(md).toContain('v1 was acknowledged at step 1 (acks=1, offset 0) and is not at offset 0 in leader 2\'s log (which holds nothing there): broker 1 holds v1');
  });

  it('mermaid: lifelines for clients, brokers and controller; the produce as an arrow; local events told in Kafka\'s words; the violation as a note', () => {
    const mm = renderTraceMermaid(model, v.trace, states, violation);
    expect(mm.startsWith('sequenceDiagram\n')).toBe(true);
    for (const p of ['producer', 'b1', 'b2', 'b3', 'controller', 'consumer']) expect(mm).toContain(`participant ${p}`);
    expect(mm).toContain('producer->>b1: 1. Produce v1 (acked)');
    expect(mm).toContain('Note over producer,consumer: VIOLATED after step 3: acks-one-durable');
    expect(mm).toContain('Note over controller: 2. the controller stops hearing broker 1\'s heartbeats · the controller fences broker 1 · the controller elects broker 2 leader in epoch 1 (ISR {2,3})');
    expect(mm).not.toMatch(/;/);
  });

  it('ITF: one state per step, integers as #bigint, the action taken recorded', () => {
    const itf = JSON.parse(renderTraceItf(model, v.trace, states));
    expect(itf.states).toHaveLength(v.length + 1);
    expect(itf.vars).toContain('replicas');
    expect(itf.states[1].action_taken).toEqual({ step: 'ProducerSend', broker: { '#bigint': '1' }, value: { '#bigint': '1' } });
    expect(itf.states[0].nextValue).toEqual({ '#bigint': '1' });
    expect(toItfValue(null)).toEqual({ '#unserializable': 'null' });
  });

  it('the CLI refuses an unknown format with one line and exit 2', async () => {
    const err: string[] = [];
    const code = await main(['replay', 'docs/traces/truncate-to-hw-loss.json', '--format', 'pdf'], { out: () => {}, progress: (t) => err.push(t) });
    expect(code).toBe(2);
    expect(err).toEqual(["kafka-spec: --format must be one of text, markdown, mermaid, html, itf, vitest, got 'pdf'"]);
  });
});

describe('a failing property says how to replay it', () => {
  it('writes the trace and names the replay command, seed and path', async () => {
    const { expectHolds } = await import('../../properties/expect-holds.ts');
    const { exploreRandom } = await import('../../src/explore/index.ts');
    const r = exploreRandom(model, { runs: 200, maxSteps: 30, seed: 9, invariants: ['acks-one-durable'] });
    expect(() => expectHolds(model, r, 'acks-one-example')).toThrow(/acks-one-durable violated after \d+ steps \(random search\)\. fast-check seed 9, path "[\d:]+"\. Replay: npx kafka-spec replay .*tmp\/failures\/acks-one-example\.json/);
    expect(await main(['replay', 'tmp/failures/acks-one-example.json'], { out: () => {}, progress: () => {} })).toBe(1);
  });
});
