/**
 * Runs the CLI in this process as the tests need it: the exit code, what it printed, and the
 * one-line errors it reported (progress lines are dropped).
 */
import { main } from '../../src/cli/main.ts';

export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), progress: (t) => (t.startsWith('kafka-spec:') ? err.push(t) : undefined) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
