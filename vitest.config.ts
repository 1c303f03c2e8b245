import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that take minutes (they regenerate the guarantees matrix or search for pinned
 * counterexamples) start first, so that on two cores the short files fill the time beside them
 * instead of the long ones running alone at the end. The rest keep vitest's own order.
 */
const LONG_FIRST = [
  'test/docs/guarantees.test.ts',
  'properties/evidence.prop.test.ts',
  'properties/goals.prop.test.ts',
  'properties/consumer.prop.test.ts',
  'properties/current.prop.test.ts',
];

class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONG_FIRST.findIndex((name) => f.moduleId.endsWith(name));
      return i < 0 ? LONG_FIRST.length : i;
    };
    const sorted = await super.sort(files);
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'properties/**/*.prop.test.ts'],
    // vitest runs cores − 1 files at a time by default, one on a 2-core machine; the tests are
    // CPU-bound and the main process idles, so every core runs a file. The timeouts are generous
    // because two searches share the cores; they catch a hang, they time nothing.
    maxWorkers: availableParallelism(),
    testTimeout: 300_000,
    hookTimeout: 300_000,
    sequence: { sequencer: LongFirst },
  },
});
