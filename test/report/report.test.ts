/**
 * The renderers of results (src/report/) take exploration results and return strings or plain
 * data: they import nothing from the command line (src/cli/), and the JSON of a check carries
 * wall-clock figures only when asked.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { exploreCombined } from '../../src/explore/index.ts';
import { checkJson, checkText } from '../../src/report/check.ts';
import { oneLine } from '../../src/report/line.ts';

const reportDir = join(import.meta.dirname, '../../src/report');

describe('src/report', () => {
  it('imports nothing from src/cli/', () => {
    for (const file of readdirSync(reportDir).filter((f) => f.endsWith('.ts'))) {
      const imports = [...readFileSync(join(reportDir, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect(imports.filter((i) => i.includes('/cli/')), file).toEqual([]);
    }
  });

  it('checkJson leaves out elapsedMs unless timings are asked for', () => {
    const model = kafkaModelOf({ acks: 1, consumer: false });
    const r = exploreCombined(model, { maxDepth: 3, runs: 10, maxSteps: 10, seed: 1 });
    const plain = JSON.stringify(checkJson(model, r, []));
    expect(plain).not.toContain('elapsedMs');
    const timed = checkJson(model, r, [], { timings: true }) as { stats: { elapsedMs: number; phases: { exhaustive: { elapsedMs: number } } } };
    expect(timed.stats.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(timed.stats.phases.exhaustive.elapsedMs).toBeGreaterThanOrEqual(0);
    // Apart from the timings, the two are the same object.
    expect(JSON.stringify(timed).replace(/"elapsedMs":\d+,/g, '')).toBe(plain);
    expect(checkText(model, r, model.invariants.map((i) => i.name))).toMatch(/^Explored breadth-first: /);
  });

  it('oneLine writes control characters as escapes and leaves the rest alone', () => {
    expect(oneLine('a\nb\r\tc\u000b\u0085\u2028 é "q"')).toBe('a\\nb\\r\\tc\\u000b\\u0085\\u2028 é "q"');
  });
});
