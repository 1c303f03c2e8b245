/**
 * `kafka-spec mutate`: verdicts and exit codes. Exit 0 when every mutant judged is killed,
 * equivalent (with a documented reason) or a documented survivor, 1 when one survives
 * unexplained, 2 for bad input (an unknown mutant, a bad bound, a configuration that already
 * fails at the bounds). The later stages (random runs, rf 3, scenario shapes, focused
 * configurations) are asked for with `--runs`; `--runs 0` leaves them out.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-mutate-'));
const SMALL = ['--depth', '4', '--runs', '0'];

describe('kafka-spec mutate', () => {
  it('kills a switch flip and a guard whose step throws, writes their traces, and exits 0', async () => {
    const page = join(dir, 'mutations.md');
    const r = await runCli('mutate', ...SMALL, '--only', 'switch:hwRequiresMinIsr=false', '--only', 'guard:replica.canFetch=true', '--out', page);
    expect(r.code).toBe(0);
    const text = readFileSync(page, 'utf8');
    expect(text).toContain('**Score: 2/2 = 100.0%**');
    expect(text).toContain('killed: `strong-isr` fails after 3 steps (shortest) ([trace](mutants/switch-hwRequiresMinIsr-false.json))');
    expect(existsSync(join(dir, 'mutants', 'guard-replica.canFetch-true.json'))).toBe(true);
    // The killing trace replays to its violation.
    expect((await runCli('replay', join(dir, 'mutants', 'switch-hwRequiresMinIsr-false.json'))).code).toBe(1);
  });

  // KAFKA-13141's fix turned off dies only past depth 4, in the random stages `--runs 0` leaves out,
  // so no reason is ever written for it: at these bounds it survives unexplained.
  it('exits 1 when a mutant survives unexplained, and says so in --json', async () => {
    const r = await runCli('mutate', ...SMALL, '--only', 'switch:skipFollowerUpdateOnDiverging=false', '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.summary).toMatchObject({ total: 1, survived: 1, unexplained: 1, score: 0 });
    expect(json.mutants[0]).toMatchObject({ id: 'switch:skipFollowerUpdateOnDiverging=false', verdict: 'survived' });
  });

  it('the original\'s state space is equivalence only with a documented reason; without one the mutant survives', async () => {
    const documented = await runCli('mutate', ...SMALL, '--only', 'guard:controller.hasCaughtUp=true', '--json');
    expect(documented.code).toBe(0);
    const eq = JSON.parse(documented.out).mutants[0];
    expect(eq).toMatchObject({ verdict: 'equivalent' });
    expect(eq.explained).toMatch(/ControllerUnfenceBroker/);
    const bare = await runCli('mutate', ...SMALL, '--only', 'switch:skipFollowerUpdateOnDiverging=false', '--json');
    expect(bare.code).toBe(1);
    const row = JSON.parse(bare.out).mutants[0];
    expect(row).toMatchObject({ verdict: 'survived' });
    expect(row.how).toMatch(/^the same [\d,]+ states/);
    expect(row.explained).toBeUndefined();
  });

  it('a mutant the bounds leave alive is killed by a scenario\'s shape, with a trace that replays to the violation', { timeout: 180_000 }, async () => {
    const page = join(dir, 'staged.md');
    const r = await runCli('mutate', '--depth', '4', '--runs', '200', '--only', 'guard:replica.isCurrentResponse=true', '--out', page);
    expect(r.code).toBe(0);
    const text = readFileSync(page, 'utf8');
    expect(text).toContain('**Score: 1/1 = 100.0%**');
    expect(text).toMatch(/killed \(a scenario\): `log-epochs-increasing` fails after \d+ steps \(found by scenario kafka-14704/);
    expect(text).toContain('guided random runs of up to 60 steps with rf=3 consumer=true (seed 1)');
    const trace = JSON.parse(readFileSync(join(dir, 'mutants', 'guard-replica.isCurrentResponse-true.json'), 'utf8'));
    expect(trace.note).toMatch(/^found by scenario kafka-14704/);
    expect(trace.config.rf).toBe(3);
    expect((await runCli('replay', join(dir, 'mutants', 'guard-replica.isCurrentResponse-true.json'))).code).toBe(1);
  });

  it('a mutant every other stage leaves alive is killed in a focused configuration, judged by the invariants the original keeps there', { timeout: 180_000 }, async () => {
    const page = join(dir, 'focused.md');
    const r = await runCli('mutate', '--depth', '4', '--runs', '200', '--only', 'switch:consumerValidatesEpoch=false', '--out', page);
    expect(r.code).toBe(0);
    const text = readFileSync(page, 'utf8');
    expect(text).toContain('**Score: 1/1 = 100.0%**');
    expect(text).toContain('killed (a focused configuration): `monotonic-reads` fails after 12 steps (in the focused configuration unclean election with a consumer (');
    // Unclean election loses acknowledged writes in the original too: those invariants are not asked there.
    expect(text).toContain('each judged by the invariants the original keeps there');
    const file = join(dir, 'mutants', 'switch-consumerValidatesEpoch-false.json');
    const trace = JSON.parse(readFileSync(file, 'utf8'));
    expect(trace.config).toMatchObject({ unclean: true, minIsr: 1, consumer: true, consumerValidatesEpoch: false });
    expect(trace.violation.invariant).toBe('monotonic-reads');
    expect((await runCli('replay', file, '--set', 'consumerValidatesEpoch=false', '--invariant', 'monotonic-reads')).code).toBe(1);
  });

  it('bad input is one line and exit 2', async () => {
    const cases = [
      ['--only', 'switch:nope=true'],
      ['--depth', 'x'],
      ['--protocol', 'kafka-9'],
      ['--set', 'hwRequiresMinIsr=false', ...SMALL], // the configuration itself already loses a committed record
    ];
    for (const argv of cases) {
      const r = await runCli('mutate', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.out).toBe('');
    }
  });

  it('a forced guard the machines lack is one line and exit 2 in check as well', async () => {
    const r = await runCli('check', '--set', 'forcedGuard=replica.noSuchGuard=true', '--depth', '1', '--engine', 'exhaustive');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^kafka-spec: impossible configuration: forcedGuard: the replica machine has no guard 'noSuchGuard'/);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});
