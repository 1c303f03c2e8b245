/**
 * The command line sizes V8's heap for searching (src/cli/heap.ts): the young generation stays at
 * its start-up size (2 MB) instead of growing to V8's 16 MB semi-spaces, which is most of what a search
 * costs in resident memory beyond its fingerprint table. Measured in processes of their own on
 * the compiled CLI and engine (`npm run build`): the same search through `kafka-spec check` and
 * called directly with V8's defaults, which shows the measure tells the two apart.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MB = 2 ** 20;

/** Writes the young generation's size in bytes to stderr as the process exits (loaded by --import). */
const reportYoung = 'data:text/javascript,import v8 from "node:v8"; process.on("exit", () => process.stderr.write(`young ${'
  + 'v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size}\\n`));';

function node(args: string[]): { young: number; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', reportYoung, ...args], { cwd: root, encoding: 'utf8' });
  const young = /young (\d+)/.exec(r.stderr);
  if (young === null) throw new Error(`no heap figure from node ${args.join(' ')}: ${r.stderr}`);
  return { young: Number(young[1]), stdout: r.stdout };
}

describe('the heap of a kafka-spec process', () => {
  it('keeps the young generation small through a search, which V8 alone lets grow', () => {
    const cli = node(['bin/kafka-spec.mjs', 'check', '--engine', 'exhaustive', '--max-states', '6000', '--json', '--set', 'consumer=false', '--rf', '2']);
    const plain = node(['--input-type=module', '-e', `
      const { kafkaModelOf } = await import('./dist/properties/kafka-model.js');
      const { exploreExhaustive } = await import('./dist/src/explore/index.js');
      console.log(exploreExhaustive(kafkaModelOf({ rf: 2, consumer: false }), { maxStates: 6000 }).stats.states);`]);
    expect(cli.young).toBeLessThanOrEqual(4 * MB);
    expect(plain.young).toBeGreaterThanOrEqual(16 * MB);
    // The same search either way.
    expect(JSON.parse(cli.stdout).stats.states).toBe(Number(plain.stdout));
  });
});
