/**
 * Liveness from the command line: `check --liveness` finds a lasso and writes it; `replay`
 * confirms it in every format (the cycle in each: text markers, a Markdown ↻, a Mermaid `loop`,
 * the HTML highlight, ITF's `loop`, a vitest test that replays it); a tampered lasso replays as
 * no violation and says why; bad input is one line with exit code 2.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/run-cli.ts';

const SMALL = ['--rf', '2', '--set', 'consumer=false', '--set', 'maxRecords=1', '--set', 'maxCrashes=0', '--set', 'lossyCrashes=0',
  '--set', 'maxHeartbeatLosses=0', '--set', 'maxLeaderMoves=0', '--set', 'maxLeaderChanges=1', '--set', 'permanentFailures=1'];

describe('kafka-spec check --liveness and replay of a lasso', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lasso-'));
  const file = join(dir, 'v6.json');

  it('check reports the lasso, writes it, and says which properties hold over the whole graph', async () => {
    const r = await runCli('check', ...SMALL, '--liveness', '--out', file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('VIOLATED writes-eventually-accepted');
    expect(r.out).toContain('(the whole graph within the bounds)');
    expect(r.out).toMatch(/Holds: .*leader-eventually-elected/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ lasso: { cycleStart: 4 }, violation: { invariant: 'writes-eventually-accepted', step: 4 } });
  });

  it('replay confirms it and renders it in every format', async () => {
    const text = await runCli('replay', file);
    expect(text.code).toBe(1);
    expect(text.out).toContain('is violated for ever');
    expect(text.out).toContain('<-- stays here: no fair step is enabled');
    expect((await runCli('replay', file, '--format', 'markdown')).out).toContain('Violated for ever after step 4');
    expect((await runCli('replay', file, '--format', 'mermaid')).out).toContain('VIOLATED for ever (no fair step is enabled after step 4)');
    expect(JSON.parse((await runCli('replay', file, '--format', 'itf')).out)).toMatchObject({ loop: 4 });
    expect((await runCli('replay', file, '--format', 'html')).out).toContain('Violated for ever');
    const test = (await runCli('replay', file, '--format', 'vitest')).out;
    expect(test).toContain('replayLasso(model, trace.steps, trace.cycleStart, trace.property)');
    expect(test).toContain('violates: true');
  });

  it('a mutation\'s lasso replays, and a tampered lasso replays as no violation, saying why', async () => {
    const cycled = join(dir, 'mutation.json');
    const r = await runCli('check', '--rf', '2', '--set', 'consumer=false', '--set', 'maxRecords=1', '--set', 'maxCrashes=0',
      '--set', 'lossyCrashes=0', '--set', 'maxHeartbeatLosses=0', '--set', 'maxLeaderMoves=0', '--set', 'mutation=followers-stop-fetching',
      '--invariant', 'hw-eventually-advances', '--out', cycled);
    expect(r.code).toBe(1);
    expect((await runCli('replay', cycled)).code).toBe(1);
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), lasso: { cycleStart: 3 } }));
    const t = await runCli('replay', tampered);
    expect(t.code).toBe(0);
    expect(t.out).toContain('not a lasso violating writes-eventually-accepted');
  });

  it('bad input is one line and exit code 2', async () => {
    expect(await runCli('check', ...SMALL, '--invariant', 'logs-converge', '--invariant', 'hw-le-leo')).toMatchObject({ code: 2 });
    const past = join(dir, 'past.json');
    writeFileSync(past, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), lasso: { cycleStart: 99 } }));
    const r = await runCli('replay', past);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/lasso.cycleStart: 99 is past the trace's 4 steps/);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});
