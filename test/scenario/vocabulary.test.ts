/**
 * The Kafka milestone vocabulary (properties/scenarios.ts): its table of step parameters is the
 * actions' own, and each kind of fact reads the state it names.
 */
import { describe, expect, it } from 'vitest';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { compileScenario, readScenario, STEP_PARAMS } from '../../properties/scenarios.ts';
import type { StateMilestone, StepMilestone } from '../../src/explore/scenario.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import type { ClusterState } from '../../spec/cluster.ts';

const model = kafkaModelOf({ rf: 3, maxCrashes: 2, lossyCrashes: 1, maxLeaderMoves: 1 });

/** The states and actions of a few deterministic walks (each step the i-th enabled action, i cycling). */
function walk(steps: number, stride: number): { states: ClusterState[]; actions: ClusterAction[] } {
  let s = model.initial;
  const states = [s];
  const actions: ClusterAction[] = [];
  for (let i = 0; i < steps; i++) {
    const enabled = model.enabled(s);
    if (enabled.length === 0) break;
    const a = enabled[(i * stride) % enabled.length];
    s = model.step(s, a);
    states.push(s);
    actions.push(a);
  }
  return { states, actions };
}

const milestone = (m: Record<string, unknown>) => compileScenario(readScenario({ name: 't', source: 't', config: {}, breaks: ['weak-isr'], milestones: [m] }), 3).milestones[0];
const holds = (m: Record<string, unknown>, s: ClusterState) => (milestone(m) as StateMilestone<ClusterState, ClusterAction>).holds(s);

describe('the Kafka milestone vocabulary', () => {
  it('names each step\'s parameters as its actions carry them', () => {
    const seen = new Set<string>();
    for (const stride of [1, 3, 7, 11]) {
      for (const a of walk(200, stride).actions) {
        seen.add(a.step);
        expect(Object.keys(a).filter((k) => k !== 'step').sort(), a.step).toEqual(Object.keys(STEP_PARAMS[a.step]).sort());
      }
    }
    expect(seen.size).toBeGreaterThan(8);
  });

  it('matches a step by its name and the parameters given, and no others', () => {
    const m = milestone({ step: 'LeaderHandleFetch', broker: 1 }) as StepMilestone<ClusterState, ClusterAction>;
    const s = model.initial;
    expect(m.reached(s, { step: 'LeaderHandleFetch', broker: 1, from: 2 }, s)).toBe(true);
    expect(m.reached(s, { step: 'LeaderHandleFetch', broker: 2, from: 1 }, s)).toBe(false);
    expect(m.reached(s, { step: 'FollowerFetch', broker: 1 }, s)).toBe(false);
  });

  it('reads each fact from the state it names', () => {
    const s0 = model.initial;
    expect(holds({ leader: 1, leaderEpoch: 0, leaderEpochAtLeast: 0, isr: [3, 2, 1], isrContains: 2, elr: [] }, s0)).toBe(true);
    expect(holds({ leader: 2 }, s0)).toBe(false);
    expect(holds({ leaderEpochAtLeast: 1 }, s0)).toBe(false);
    expect(holds({ isr: [1, 2] }, s0)).toBe(false);
    let s = s0;
    for (const a of [{ step: 'ProducerSend', broker: 1, value: 1 }, { step: 'FollowerFetch', broker: 2 }, { step: 'LeaderHandleFetch', broker: 1, from: 2 },
      { step: 'FollowerHandleFetchResponse', broker: 2, from: 1 }, { step: 'BrokerCrash', broker: 3 }] as ClusterAction[]) s = model.step(s, a);
    expect(holds({ replicas: { 1: { log: [1], leo: 1, hw: 0, role: 'leader' }, 2: { holds: { offset: 0, value: 1 }, log: [1] }, 3: { offline: true, leo: 0 } } }, s)).toBe(true);
    expect(holds({ replicas: { 2: { holds: { offset: 0, value: 2 } } } }, s)).toBe(false);
    expect(holds({ replicas: { 3: { offline: false } } }, s)).toBe(false);
    expect(holds({ replicas: { 3: { fenced: true } } }, s)).toBe(false);
    s = model.step(s, { step: 'ControllerFenceBroker', broker: 3 });
    expect(holds({ replicas: { 3: { fenced: true, failed: false } }, isr: [1, 2] }, s)).toBe(true);
  });
});
