/**
 * The command line sizes V8's heap for searching (src/cli/heap.ts), which must not change what a
 * search finds: the same search through `kafka-spec check` (heap sized) and called directly with
 * V8's defaults visits the same states. Run in processes of their own on the compiled CLI and
 * engine (`npm run build`). How small the young generation stays is a measurement, not a
 * behaviour: `npm run bench -- limits` records it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function node(args: string[]): string {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

describe('the heap of a kafka-spec process', () => {
  it('sized for searching, it searches the same states as V8\'s defaults', () => {
    const cli = node(['bin/kafka-spec.mjs', 'check', '--engine', 'exhaustive', '--max-states', '2000', '--json', '--set', 'consumer=false', '--rf', '2']);
    const plain = node(['--input-type=module', '-e', `
      const { kafkaModelOf } = await import('./dist/properties/kafka-model.js');
      const { exploreExhaustive } = await import('./dist/src/explore/index.js');
      console.log(exploreExhaustive(kafkaModelOf({ rf: 2, consumer: false }), { maxStates: 2000 }).stats.states);`]);
    const states = JSON.parse(cli).stats.states;
    expect(states).toBeGreaterThan(0);
    expect(states).toBe(Number(plain));
  });
});
