/**
 * Every trace file the project names by hand (docs/traces, which the findings and the real-Kafka
 * page cite, and test/kafka-real/traces, which the real-Kafka tests drive) replays in today's
 * model, and a recorded violation fails again at its recorded step: a change to the model that
 * makes one stop replaying fails here, not first on a real cluster.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaModel } from '../../properties/kafka-model.ts';
import { configOfRecord } from '../../spec/config.ts';
import { replay, replayLasso } from '../../src/trace/replay.ts';
import { parseTrace } from '../../src/trace/schema.ts';

const root = join(import.meta.dirname, '../..');
const FOLDERS = ['docs/traces', 'test/kafka-real/traces'];

describe('the traces pinned by hand', () => {
  for (const folder of FOLDERS) {
    for (const name of readdirSync(join(root, folder)).filter((f) => f.endsWith('.json'))) {
      it(`${folder}/${name} replays to what it records`, () => {
        const trace = parseTrace(readFileSync(join(root, folder, name), 'utf8'), name);
        const model = kafkaModel(configOfRecord(trace.config));
        if (trace.lasso !== undefined) {
          const property = trace.violation?.invariant;
          expect(property).toBeDefined();
          expect(replayLasso(model, trace.steps, trace.lasso.cycleStart, property!).lasso).toMatchObject({ violates: true });
          return;
        }
        const recorded = trace.violation ?? null;
        // A trace that records no violation (a prefix, a clean run) only has to replay.
        const { violation } = replay(model, trace.steps, { invariants: recorded === null ? [] : [recorded.invariant] });
        if (recorded !== null) expect(violation).toMatchObject({ invariant: recorded.invariant, step: recorded.step });
      });
    }
  }
});
