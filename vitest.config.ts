import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The tests by what they cost, as four vitest projects (`vitest run --project NAME`, or
 * `npm run test:NAME`); `npm test` runs them all.
 *
 *  - unit: the inner loop, `npm run test:unit`: the spec's helpers and rules on hand-built states,
 *    the engine on small models, the CLI's commands and errors, traces and reports. Under a
 *    minute on two cores.
 *  - evidence: what takes tens of seconds to minutes a file: the property suites that show the
 *    model reproduces what is known about Kafka (pinned counterexamples, goals reached, today's
 *    protocol holding within its bounds), and the longer searches of the engine's and CLI's own
 *    tests (threads, shards, reductions, fingerprint sets grown large, liveness lassos, the
 *    fuzzing of the command line, the machines against xstate on random walks).
 *  - docs: the generated pages are what the sources generate now (test/docs/).
 *  - browser: the HTML viewer and the explorer in headless Chromium (test/browser/).
 *  - kafka: real Kafka clusters (test/kafka-real/), `npm run test:kafka` only: the project exists
 *    only when VITEST_KAFKA=1, so `npm test` never starts a JVM.
 *
 * A file is in unit unless EVIDENCE lists it or it sits under test/docs/ or test/browser/, so a
 * new test file joins the inner loop until it is measured to be slow. Measured by running all the
 * files of test/ but docs and browser together on two cores under a load average of about 20:
 * the ones EVIDENCE lists took 25 s to 148 s each and four fifths of the time together. Then,
 * to keep the unit project near 40 s beside others' work, the files spent mostly in one search
 * (fingerprint-set growth, goals exercised, a liveness lasso) joined them; the slowest kept in unit
 * is test/cli/cli.test.ts (about 30 s under that load), the command line's contract.
 */
const EVIDENCE = [
  'properties/**/*.prop.test.ts',
  'test/explore/split.test.ts',
  'test/explore/kernel.test.ts',
  'test/explore/parallel.test.ts',
  'test/explore/guide.test.ts',
  'test/explore/shard.test.ts',
  'test/explore/frontier.test.ts',
  'test/explore/exercised.test.ts',
  'test/explore/fpset.test.ts',
  // Every scenario of docs/scenarios/ searched under its bug and its fix: about a second each.
  'test/scenario/scenarios.test.ts',
  'test/cli/merge.test.ts',
  'test/cli/fuzz.test.ts',
  'test/cli/workers.test.ts',
  'test/cli/reduce.test.ts',
  'test/cli/deterministic.test.ts',
  'test/liveness/availability.test.ts',
  'test/liveness/history.test.ts',
  'test/liveness/rejected-expansion.test.ts',
  'test/spec/independence.test.ts',
  'test/spec/differential.test.ts',
  // npm pack, an offline install into a new project and the docs' example run there: a minute or two.
  'test/api/package.test.ts',
];
const DOCS = ['test/docs/**/*.test.ts'];
const BROWSER = ['test/browser/**/*.test.ts'];
/** Real Kafka clusters (Java 17+ and `npm run kafka:fetch`): `npm run test:kafka` only, never in `npm test`'s projects. */
const KAFKA = ['test/kafka-real/**/*.test.ts'];

/**
 * The longest files start first, longest first (as the evidence project measured them on a
 * lightly loaded machine, the docs' matrix longest of all), so
 * that on two cores the short files fill the time beside them instead of the long ones running
 * alone at the end. The rest keep vitest's own order. This holds for any selection of projects:
 * `npm test` starts with the docs' matrix and the minutes-long evidence, the unit project with its
 * four longest files.
 */
const LONG_FIRST = [
  'test/docs/guarantees.test.ts',
  'properties/evidence.prop.test.ts',
  'properties/goals.prop.test.ts',
  'properties/current.prop.test.ts',
  'properties/consumer.prop.test.ts',
  'test/explore/split.test.ts',
  'properties/moves.prop.test.ts',
  'test/cli/merge.test.ts',
  'test/explore/parallel.test.ts',
  'test/liveness/availability.test.ts',
  'test/cli/fuzz.test.ts',
  'test/explore/kernel.test.ts',
  'test/cli/workers.test.ts',
  'test/liveness/history.test.ts',
  'test/cli/cli.test.ts',
  'test/cli/stop-report.test.ts',
  'test/cli/limits.test.ts',
  'test/liveness/cli.test.ts',
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
    // vitest runs cores − 1 files at a time by default, one on a 2-core machine; the tests are
    // CPU-bound and the main process idles, so every core runs a file. The timeouts are generous
    // because two searches share the cores; they catch a hang, they time nothing.
    maxWorkers: availableParallelism(),
    testTimeout: 300_000,
    hookTimeout: 300_000,
    sequence: { sequencer: LongFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...EVIDENCE, ...DOCS, ...BROWSER, ...KAFKA],
          // The unit files import the same spec and engine modules; importing them afresh for each
          // file took two fifths of the project's time (48 s against 29 s, run one after the other). So a
          // worker keeps its modules from one file to the next: a unit test that mocks a module or
          // changes global state must undo it. (test/spec/log.test.ts's fast-check seed stays set for
          // the files after it in its worker, which only fixes their properties' seed.)
          isolate: false,
        },
      },
      { extends: true, test: { name: 'evidence', include: EVIDENCE } },
      { extends: true, test: { name: 'docs', include: DOCS } },
      { extends: true, test: { name: 'browser', include: BROWSER } },
      // One cluster at a time: each is four JVMs on a two-core machine.
      ...(process.env.VITEST_KAFKA === '1' ? [{ extends: true, test: { name: 'kafka', include: KAFKA, maxWorkers: 1, fileParallelism: false } }] : []),
    ],
  },
});
