/**
 * For property suites: fail with a message that says how to reproduce. When an exploration found
 * a violation, its trace is written to `tmp/failures/` and the message gives the `kafka-spec replay`
 * command, and, for the random engine, the fast-check seed and path.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExploreResult } from '../src/explore/index.ts';
import { makeTrace } from '../src/trace/schema.ts';
import type { ClusterAction } from '../spec/actions.ts';
import { MODEL_NAME, type KafkaModel } from './kafka-model.ts';

export function expectHolds(model: KafkaModel, result: ExploreResult<ClusterAction>, name: string): void {
  if (result.violations.length === 0) return;
  const v = result.violations[0];
  const dir = join(import.meta.dirname, '..', 'tmp', 'failures');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^a-z0-9-]+/gi, '-')}.json`);
  const trace = makeTrace({ model: MODEL_NAME, config: { ...model.config }, steps: v.trace, violation: { invariant: v.invariant, statement: v.statement, step: v.length } });
  writeFileSync(file, JSON.stringify(trace, null, 2) + '\n');
  const fastCheck = v.seed === undefined ? '' : ` fast-check seed ${v.seed}, path "${v.path}".`;
  throw new Error(`${v.invariant} violated after ${v.length} steps (${result.stats.engine} search).${fastCheck} Replay: npx kafka-spec replay ${file}`);
}
