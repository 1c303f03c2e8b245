/**
 * Writes kernel-figures.json: the figures of the engine the kernel replaced (commit 9c678c2's
 * src/), run on this checkout's model (spec/ and properties/), for the configurations of
 * kernel.test.ts. Run it after a change of the model: `npx tsx test/explore/kernel-figures.pin.ts`.
 *
 * The older engine reads the model through the seam of its day, in which the capabilities were
 * members of the model itself; `olderSeam` flattens them back. Run on the model of the commit the
 * figures were first pinned from, this gives them byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ENGINE_COMMIT = '9c678c2';
const repo = fileURLToPath(new URL('../..', import.meta.url));

const SEARCH = `
import { kafkaModelOf } from './properties/kafka-model.ts';
import { exploreExhaustive } from './src/explore/index.ts';
import { exploreLiveness } from './src/explore/liveness.ts';
import { LIVENESS, SAFETY } from './kernel-configurations.ts';

const sorted = (entries) => Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const olderSeam = (m) => ({
  ...m, liveness: m.liveness?.properties, fairness: m.liveness?.fairness, independence: m.reduction?.independence,
  sketch: m.guidance?.sketch, budgets: m.guidance?.budgets, stepKinds: m.presentation?.stepKinds, views: m.presentation?.views,
  goalsImpossible: m.presentation?.goalsImpossible, configuration: m.presentation?.configuration,
});
const out = {};
for (const [name, config, options] of SAFETY) {
  const r = exploreExhaustive(olderSeam(kafkaModelOf(config)), options);
  out[name] = {
    states: r.stats.states, transitions: r.stats.transitions, depth: r.stats.depth, stop: r.stopReason,
    steps: sorted(Object.entries(r.coverage.steps)), violations: sorted(r.violations.map((v) => [v.invariant, v.length])),
    goals: sorted(Object.entries(r.coverage.goals).filter(([, g]) => g.firstDepth !== null).map(([k, g]) => [k, g.firstDepth])),
  };
}
for (const [name, config] of LIVENESS) {
  const r = exploreLiveness(olderSeam(kafkaModelOf(config)));
  out[name] = {
    states: r.stats.states, transitions: r.stats.transitions, stop: r.stopReason, verdict: r.verdict,
    lassos: sorted(r.lassos.map((l) => [l.property, [l.prefix.length, l.cycle.length]])),
  };
}
console.log(JSON.stringify(out, null, 1));
`;

const dir = mkdtempSync(join(tmpdir(), `kafka-spec-engine-${ENGINE_COMMIT}-`));
try {
  const extracted = spawnSync('sh', ['-c', `git -C '${repo}' archive ${ENGINE_COMMIT} src | tar -x -C '${dir}'`], { encoding: 'utf8' });
  if (extracted.status !== 0) throw new Error(`cannot read commit ${ENGINE_COMMIT}: ${extracted.stderr.trim()}`);
  for (const part of ['spec', 'properties', 'tsconfig.json', 'package.json']) cpSync(join(repo, part), join(dir, part), { recursive: true });
  cpSync(join(repo, 'test/explore/kernel-configurations.ts'), join(dir, 'kernel-configurations.ts'));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'pin.ts'), SEARCH);
  const tsx = join(repo, 'node_modules/tsx/dist/cli.mjs');
  const r = spawnSync(process.execPath, [tsx, 'pin.ts'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`the older engine's search failed: ${r.stderr.trim().split('\n').slice(0, 3).join(' ')}`);
  writeFileSync(join(repo, 'test/explore/kernel-figures.json'), r.stdout);
  console.log(`kernel-figures.json written from the engine of ${ENGINE_COMMIT} on this checkout's model (${pathToFileURL(dir).href} removed)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
