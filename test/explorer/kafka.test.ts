/**
 * The explorer's DOM-free half: the form covers every key `kafka-spec list` shows, form values
 * become a validated configuration, a replay under another configuration says where it stops
 * or what it violates (and goes on past a violation), and a shared address carries the
 * configuration and trace both ways.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DECLARATIONS } from '../../spec/config.ts';
import {
  ConfigError, configFromForm, decodeShare, defaultsOf, encodeShare, FIELDS, kafkaModel, markers, replayUnder, ShareError,
} from '../../explorer/kafka.ts';
import { configOfRecord } from '../../spec/config.ts';
import { parseTrace } from '../../src/trace/schema.ts';
import type { ClusterAction } from '../../spec/actions.ts';

const trace = parseTrace(readFileSync('docs/traces/truncate-to-hw-loss.json', 'utf8'));
const config = configOfRecord(trace.config);
const invariant = trace.violation!.invariant;

describe('the configuration form', () => {
  it('has one field per switch, setting, bound and the mutation', () => {
    expect(FIELDS.map((f) => f.key).sort()).toEqual(Object.keys(DECLARATIONS).filter((k) => k !== 'protocol').sort());
    expect(FIELDS.find((f) => f.key === 'rf')!.input).toEqual({ type: 'whole', min: 1, max: 5 });
    expect(FIELDS.find((f) => f.key === 'elr')!.input).toEqual({ type: 'flag' });
    expect(FIELDS.find((f) => f.key === 'acks')!.input).toEqual({ type: 'choice', options: ['0', '1', 'all'] });
  });

  it('groups the fields by what a Kafka engineer chooses', () => {
    const section = (key: string) => FIELDS.find((f) => f.key === key)!.section;
    for (const f of FIELDS) if (f.group === 'switch') expect(f.section, f.key).toBe('protocol');
    expect(['rf', 'acks', 'minIsr', 'unclean', 'flushEveryRecord'].map(section)).toEqual(Array(5).fill('durability'));
    expect(['maxCrashes', 'lossyCrashes', 'maxMessageLosses', 'permanentFailures'].map(section)).toEqual(Array(4).fill('faults'));
    expect(['consumer', 'followerReads', 'autoOffsetReset'].map(section)).toEqual(Array(3).fill('clients'));
    expect(['mutation', 'forcedGuard'].map(section)).toEqual(['mutation', 'mutation']);
  });

  it('reads form values as the declarations do, and names what is impossible', () => {
    const c = configFromForm('kafka-2.0', { acks: '1', rf: '2', elr: 'true', mutation: '' });
    expect(c).toMatchObject({ protocol: 'kafka-2.0', truncation: 'kip279', acks: 1, rf: 2, elr: true });
    expect(c.mutation).toBeUndefined();
    expect(() => configFromForm('kafka-2.0', { rf: '2', observers: '2' })).toThrow(new ConfigError('observers (2) must be fewer than rf (2)'));
    expect(() => configFromForm('kafka-2.0', { acks: 'some' })).toThrow(new ConfigError("acks: expected 0 | 1 | all, got 'some'"));
    expect(() => configFromForm('kafka-9', {})).toThrow(ConfigError);
  });
});

describe('replaying under another configuration', () => {
  it('finds the recorded violation under the recorded configuration, and goes on past it', () => {
    const model = kafkaModel(config);
    const r = replayUnder(model, trace.steps, [invariant]);
    expect(r.violation).toMatchObject({ invariant, step: trace.violation!.step });
    expect(r.stopped).toBeUndefined();
    const next = model.enabled(r.states.at(-1)!)[0];
    const extended = replayUnder(model, [...trace.steps, next], [invariant]);
    expect(extended.states).toHaveLength(trace.steps.length + 2);
    expect(extended.violation?.step).toBe(trace.violation!.step);
  });

  it('says where the trace stops being possible, keeping the states before it', () => {
    const fixed = kafkaModel({ ...config, truncation: 'kip101' });
    const r = replayUnder(fixed, trace.steps, [invariant]);
    expect(r.violation).toBeUndefined();
    const impossible = replayUnder(kafkaModel(config), [trace.steps[0], { step: 'BrokerRestart', broker: 1 }]);
    expect(impossible.stopped).toEqual({ step: 2, reason: 'step 2 (BrokerRestart broker=1) is not enabled' });
    expect(impossible.states).toHaveLength(2);
  });
});

describe('markers on the diagram', () => {
  it('marks an election and an ISR change on the controller and a fence on the broker', () => {
    const model = kafkaModel(config);
    const { states } = replayUnder(model, trace.steps);
    const all = trace.steps.flatMap((a, i) => markers(states[i], a as ClusterAction, states[i + 1]));
    expect(all.some((m) => m.kind === 'election' && m.over === 'controller')).toBe(true);
    expect(all.some((m) => m.kind === 'isr' && m.over === 'controller')).toBe(true);
    expect(all.some((m) => m.kind === 'fence' && /^b\d$/.test(m.over))).toBe(true);
    expect(markers(states[0], trace.steps[0] as ClusterAction, states[0])).toEqual([]);
  });
});

describe('shared addresses', () => {
  it('carry the configuration (only what differs from the protocol) and the steps', () => {
    const fragment = encodeShare({ config: { ...defaultsOf('kafka-0.10'), rf: 2 }, steps: trace.steps, invariants: [invariant] });
    const shared = decodeShare(`#${fragment}`);
    expect(shared).toEqual({ config: { ...defaultsOf('kafka-0.10'), rf: 2 }, steps: trace.steps, invariants: [invariant] });
    expect(fragment.length).toBeLessThan(JSON.stringify(trace).length);
  });

  it('that are cut short or tampered with give one line', () => {
    expect(() => decodeShare('#x=1')).toThrow(ShareError);
    expect(() => decodeShare('#s=bm90IGpzb24')).toThrow(new ShareError('the link\'s configuration is not readable (cut short?)'));
    const wrong = encodeShare({ config: defaultsOf('kafka-0.10'), steps: [], invariants: [] }).replace(/^s=/, '');
    const tampered = JSON.parse(Buffer.from(wrong, 'base64url').toString());
    tampered.steps = [{ nope: 1 }];
    expect(() => decodeShare(`s=${Buffer.from(JSON.stringify(tampered)).toString('base64url')}`)).toThrow(ShareError);
    tampered.steps = [];
    tampered.config.rf = 7;
    expect(() => decodeShare(`s=${Buffer.from(JSON.stringify(tampered)).toString('base64url')}`)).toThrow(ConfigError);
  });
});
