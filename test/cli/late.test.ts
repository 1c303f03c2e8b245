/**
 * Every rendering of a replayed trace says how many late deliveries it needs (spec/steps/timing.ts),
 * counted along the trace: text, Markdown, HTML and JSON, for a trace that needs one and a trace
 * that needs none.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const ELR = 'docs/traces/elr-last-known-leader-loss.json';
const ON_TIME = 'docs/traces/kafka-4.1-rf3-two-power-losses.json';
const LINE = 'Late deliveries: 1 (step 8: fetch from broker 2 handled after broker 2 restarted)';

describe('kafka-spec replay reports late deliveries', () => {
  it('in text, Markdown and HTML', async () => {
    const text = await runCli('replay', ELR);
    expect(text.code).toBe(1);
    expect(text.out).toContain(LINE);
    expect((await runCli('replay', ELR, '--format', 'markdown')).out).toContain(LINE);
    expect((await runCli('replay', ELR, '--format', 'html')).out).toContain(`<p id="late">${LINE}</p>`);
    expect((await runCli('replay', ON_TIME)).out).toContain('Late deliveries: 0 (every message is handled before a timeout that would have ended it)');
  });

  it('in JSON, with each late step and why', async () => {
    const r = await runCli('replay', ELR, '--json');
    expect(JSON.parse(r.out).lateDeliveries).toEqual({ count: 1, steps: [{ step: 8, why: 'fetch from broker 2 handled after broker 2 restarted' }] });
    expect(JSON.parse((await runCli('replay', ON_TIME, '--json')).out).lateDeliveries).toEqual({ count: 0, steps: [] });
  });
});
