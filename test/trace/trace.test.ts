import { describe, expect, it } from 'vitest';
import { makeTrace, parseTrace, TraceError } from '../../src/trace/schema.ts';
import { replay, ReplayError } from '../../src/trace/replay.ts';
import { renderTraceText } from '../../src/report/text.ts';
import { exploreExhaustive } from '../../src/explore/index.ts';
import { toyModel } from '../fixtures/toy-model.ts';
import { configOfRecord } from '../../spec/config.ts';

describe('trace files', () => {
  it('round-trip through JSON and replay to the recorded violation', () => {
    const model = toyModel(true);
    const v = exploreExhaustive(model).violations[0];
    const trace = makeTrace({ model: 'toy', config: {}, steps: v.trace, violation: { invariant: v.invariant, step: v.length } });
    const back = parseTrace(JSON.stringify(trace));
    const r = replay(model, back.steps);
    expect(r.violation).toMatchObject({ invariant: 'not-both-full', step: 6 });
    expect(r.states).toHaveLength(7);
    const text = renderTraceText(model, back.steps, r.states, r.violation);
    expect(text).toContain('6. Inc');
    expect(text).toContain('Violated after step 6: not-both-full');
  });

  it('rejects a step that is not enabled with one line naming it', () => {
    expect(() => replay(toyModel(true), [{ step: 'Reset' }])).toThrow(ReplayError);
    expect(() => replay(toyModel(true), [{ step: 'IncA' }, { step: 'IncA', by: 2 }])).toThrow('step 2 (IncA by=2) is not enabled');
  });

  it.each([
    ['{', 'not valid JSON'],
    ['[]', 'file: '],
    ['{"format":"kafka-spec-trace","version":2,"model":"m","config":{},"steps":[]}', 'version'],
    ['{"format":"kafka-spec-trace","version":1,"model":"m","config":{},"steps":[{"step":3}]}', 'steps[0].step'],
    ['{"format":"kafka-spec-trace","version":1,"model":"m","config":{},"steps":[{"step":"A","x":{}}]}', 'steps[0].x'],
    ['{"format":"kafka-spec-trace","version":1,"model":"m","config":{}}', 'steps'],
  ])('rejects malformed input %s with a one-line error', (text, where) => {
    try {
      parseTrace(text, 't.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TraceError);
      expect((e as Error).message).toContain(where);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});

describe('trace headers written by earlier versions of the model', () => {
  it('read a switch since split as all of its parts: isrEligibilityChecksBrokerState=false turned off KIP-841, KIP-903 and KAFKA-15221', () => {
    const off = configOfRecord({ protocol: 'kafka-4.1', isrEligibilityChecksBrokerState: false });
    expect(off).toMatchObject({ isrEligibilityChecksBrokerState: false, isrEligibilityChecksBrokerEpoch: false, fetchChecksBrokerEpoch: false });
    const partOn = configOfRecord({ protocol: 'kafka-4.1', isrEligibilityChecksBrokerState: false, fetchChecksBrokerEpoch: true });
    expect(partOn).toMatchObject({ isrEligibilityChecksBrokerEpoch: false, fetchChecksBrokerEpoch: true });
    expect(configOfRecord({ protocol: 'kafka-4.1' })).toMatchObject({ isrEligibilityChecksBrokerEpoch: true, fetchChecksBrokerEpoch: true });
  });
});
