/**
 * The command line by what the user wants: `check --help` shows the common options in their
 * groups with two examples, `--help-all` every option, each help line on one line; every flag
 * the commands took before the options were grouped still parses; the mode is chosen one way,
 * and the flags that cannot go with a mode or with each other are refused, one line each, as the
 * table in src/cli/refusals.ts declares.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram, CHECK_EXAMPLES } from '../../src/cli/main.ts';
import { CONFIGURATION, GROUPS, OUTPUT, SCALE, SEARCH } from '../../src/cli/flags.ts';
import { type Mode, MODES, REFUSALS } from '../../src/cli/refusals.ts';
import { runCli } from './run-cli.ts';

const program = buildProgram({ out: () => {}, progress: () => {} }, () => {}, true);
const commandNamed = (name: string): Command => program.commands.find((c) => c.name() === name)!;
const longs = (c: Command) => c.options.map((o) => o.long!);

/** The lines of a help text between its first option heading and the examples. */
const optionLines = (help: string) => help.slice(help.indexOf('\n\n', help.indexOf('Usage:')), help.indexOf('Examples:') < 0 ? undefined : help.indexOf('Examples:'))
  .split('\n').filter((l) => l.startsWith('  -'));

describe('kafka-spec check --help', async () => {
  const help = (await runCli('check', '--help')).out;
  const all = (await runCli('check', '--help-all')).out;

  it('shows the common options, grouped, and no rare one', () => {
    const common = GROUPS.flatMap((g) => Object.values(g.options)).filter((o) => o.common).map((o) => o.flags.split(' ')[0]);
    const shown = optionLines(help).map((l) => l.trim().split(/[ ,]/)[0]);
    expect(shown.filter((f) => f !== '-h' && f !== '--help-all')).toEqual(longs(commandNamed('check')).filter((f) => common.includes(f) && f !== '--help-all'));
    expect(shown.length).toBeGreaterThanOrEqual(12);
    expect(shown.length).toBeLessThanOrEqual(20);
    for (const heading of [CONFIGURATION, SEARCH, OUTPUT, SCALE].map((g) => g.heading)) expect(help).toContain(`\n${heading}\n`);
    for (const rare of ['--truncation', '--elr ', '--no-guide', '--states-out', '--shard', '--fewest', '--liveness']) expect(help).not.toContain(rare);
  });

  it('ends with two examples: the default check and a Kafka engineer\'s question', () => {
    expect(CHECK_EXAMPLES).toHaveLength(2);
    for (const [what, line] of CHECK_EXAMPLES) {
      for (const l of what.split('\n')) expect(help).toContain(`\n  # ${l}\n`);
      for (const l of line.split('\n')) expect(`${help}\n`).toContain(`\n  ${l}\n`);
    }
    expect(help).toContain('# can two power losses lose an acknowledged write?');
    // Every line fits a terminal of 80 columns.
    expect(help.split('\n').filter((l) => [...l].length > 80), 'lines longer than 80 columns').toEqual([]);
  });

  it('--help-all shows every option check declares, and the same examples', () => {
    const shown = optionLines(all).map((l) => l.trim().split(/[ ,]/)[0]);
    expect(new Set(shown)).toEqual(new Set(['-h', ...longs(commandNamed('check'))]));
    expect(all).toContain(CHECK_EXAMPLES[1][1].replace(/\n/g, '\n  '));
  });

  it('gives every option one line of help, in every command, with --help-all', async () => {
    for (const c of program.commands.filter((c) => c.name() !== 'help')) {
      const text = (await runCli(c.name(), '--help-all')).out;
      const lines = text.slice(0, text.indexOf('Examples:') < 0 ? undefined : text.indexOf('Examples:')).split('\n');
      // A wrapped help line continues on a line of spaces only.
      expect(lines.filter((l) => /^ {6,}\S/.test(l)), c.name()).toEqual([]);
      for (const long of longs(c)) expect(text, `${c.name()} ${long}`).toContain(long);
    }
  });

  it('every option declared in a group is taken by some command', () => {
    const taken = new Set(program.commands.flatMap(longs));
    for (const g of GROUPS) for (const o of Object.values(g.options)) expect(taken, o.flags).toContain(o.flags.split(' ')[0]);
  });

  it('keeps --help-all valid wherever --help is', async () => {
    expect((await runCli('--help-all')).code).toBe(0);
    expect((await runCli('replay', '--help-all')).out).toContain('--format <format>');
  });
});

/** Every flag each command took before its options were grouped, and how one is used. */
const BEFORE: Readonly<Record<string, readonly string[]>> = {
  check: ['--protocol', '--truncation', '--rf', '--acks', '--min-isr', '--unclean', '--elr', '--no-elr', '--lossy-crashes', '--restart-leaves-isr', '--set',
    '--config', '--engine', '--runs', '--max-steps', '--seed', '--depth', '--fewest', '--workers', '--no-guide', '--shard', '--states-out',
    '--time-limit', '--max-states', '--max-memory', '--invariant', '--first', '--liveness', '--from', '--out', '--timings', '--json'],
  replay: ['--format', '--out', '--protocol', '--set', '--json'],
  guarantees: ['--out', '--json', '--part'],
  explore: ['--port', '--out'],
  mutate: ['--protocol', '--rf', '--set', '--depth', '--runs', '--only', '--out', '--json'],
  diff: ['--protocol', '--against', '--rf', '--acks', '--min-isr', '--unclean', '--lossy-crashes', '--set', '--depth', '--out', '--json'],
  merge: ['--states', '--json'],
  list: ['--json'],
};

const TINY = ['--rf', '2', '--set', 'consumer=false', '--set', 'maxRecords=1', '--set', 'maxLeaderChanges=1', '--set', 'maxHeartbeatLosses=0'];

describe('every flag that worked before still works', () => {
  it.each(Object.entries(BEFORE))('%s declares each of its old flags', (name, flags) => {
    expect(longs(commandNamed(name))).toEqual(expect.arrayContaining([...flags]));
  });

  const trace = 'docs/traces/kip101-scenario2-prefix.json';
  const config = join(mkdtempSync(join(tmpdir(), 'kafka-spec-help-')), 'config.json');
  writeFileSync(config, JSON.stringify({ acks: 1 }));
  const bfs = ['--engine', 'exhaustive', '--depth', '2', ...TINY];
  const rnd = ['--engine', 'random', '--runs', '5', '--seed', '1', ...TINY];
  const USE: Readonly<Record<string, readonly string[]>> = {
    '--protocol': ['--protocol', 'kafka-3.7', ...bfs], '--truncation': ['--truncation', 'kip279', ...bfs], '--rf': bfs, '--acks': ['--acks', '1', ...bfs],
    '--min-isr': ['--min-isr', '1', ...bfs], '--unclean': ['--unclean', ...bfs], '--elr': ['--elr', ...bfs], '--no-elr': ['--no-elr', ...bfs],
    '--lossy-crashes': ['--lossy-crashes', '0', ...bfs], '--restart-leaves-isr': ['--restart-leaves-isr', ...bfs], '--set': bfs,
    '--config': ['--config', config, ...bfs], '--engine': bfs, '--runs': rnd, '--max-steps': ['--max-steps', '5', ...rnd], '--seed': rnd,
    '--depth': bfs, '--fewest': ['--fewest', 'leaderChanges', ...bfs], '--workers': ['--workers', '1', ...bfs],
    '--no-guide': ['--no-guide', ...rnd], '--shard': ['--shard', '1/2', ...rnd], '--states-out': ['--states-out', '/dev/null', ...rnd],
    '--time-limit': ['--time-limit', '5', ...rnd], '--max-states': ['--max-states', '50', ...bfs], '--max-memory': ['--max-memory', '100000', ...bfs],
    '--invariant': ['--invariant', 'hw-le-leo', ...bfs], '--first': ['--first', ...bfs], '--liveness': ['--liveness', '--depth', '2', '--fair-runs', '0', ...TINY],
    '--from': ['--from', trace, '--invariant', 'logs-converge', '--depth', '1', '--fair-runs', '0'], '--out': ['--out', '/dev/null', ...bfs],
    '--timings': ['--timings', '--json', ...bfs], '--json': ['--json', ...bfs],
  };

  it.each(BEFORE.check)('check %s', async (flag) => {
    const argv = USE[flag];
    expect(argv, flag).toBeDefined();
    expect(argv).toContain(flag);
    const r = await runCli('check', ...argv);
    expect(r.err).toBe('');
    expect([0, 1]).toContain(r.code);
  });

  it('replay, diff, mutate, explore and list run with each of their old flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-old-'));
    const hw = 'docs/traces/truncate-to-hw-loss.json';
    const runs: (readonly string[])[] = [
      ['replay', hw, '--format', 'markdown', '--out', join(dir, 'hw.md')], ['replay', hw, '--json'], ['replay', hw, '--protocol', 'kafka-0.11', '--set', 'consumer=false'],
      ['diff', '--protocol', 'kafka-0.10', '--against', 'kafka-0.11', '--rf', '2', '--acks', 'all', '--min-isr', '1', '--unclean', '--lossy-crashes', '0',
        '--set', 'consumer=false', '--depth', '3', '--out', join(dir, 'w.json'), '--json'],
      ['mutate', '--protocol', 'kafka-4.1', '--rf', '2', '--set', 'maxRecords=1', '--depth', '2', '--runs', '0', '--only', 'switch:elr=false', '--out', join(dir, 'm.md'), '--json'],
      ['explore', '--out', join(dir, 'site')], ['list', '--json'],
    ];
    for (const argv of runs) {
      const r = await runCli(...argv);
      expect([r.err, [0, 1].includes(r.code)], argv.join(' ')).toEqual(['', true]);
    }
  });

  it('reads --runs and --max-steps as --fair-runs and --fair-steps in a liveness check', async () => {
    const base = ['--liveness', '--from', trace, '--invariant', 'logs-converge', '--depth', '2', '--seed', '1', '--json'];
    const old = await runCli('check', ...base, '--runs', '7', '--max-steps', '30');
    const now = await runCli('check', ...base, '--fair-runs', '7', '--fair-steps', '30');
    expect(old.err).toBe('');
    expect(JSON.parse(old.out).fairRuns).toEqual(JSON.parse(now.out).fairRuns);
    expect(JSON.parse(now.out).fairRuns.runs).toBe(7);
  });
});

describe('one way to choose the mode', () => {
  it('--engine liveness is --liveness, and naming a liveness property or --from still implies it', async () => {
    const args = ['--depth', '2', '--fair-runs', '0', ...TINY, '--json'];
    const engine = JSON.parse((await runCli('check', '--engine', 'liveness', ...args)).out);
    const old = JSON.parse((await runCli('check', '--liveness', ...args)).out);
    expect(engine.checked).toEqual(old.checked);
    expect(engine.stats.states).toBe(old.stats.states);
    const named = JSON.parse((await runCli('check', '--invariant', 'logs-converge', ...args)).out);
    expect(named.checked).toEqual(['logs-converge']);
  });

  it.each([
    [['--liveness', '--engine', 'random'], '--liveness cannot go with --engine random: it means --engine liveness'],
    [['--invariant', 'logs-converge', '--engine', 'exhaustive'], 'logs-converge is a liveness property: check it with --engine liveness, not --engine exhaustive'],
    [['--engine', 'liveness', '--invariant', 'hw-le-leo'], 'liveness properties and invariants are checked by separate runs'],
  ])('refuses %j in one line', async (args, message) => {
    const r = await runCli('check', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^kafka-spec: /);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toContain(message);
  });
});

describe('the refusals table', () => {
  /** The arguments that give each flag the table names, and that choose each mode. */
  const GIVE: Readonly<Record<string, readonly string[]>> = {
    '--no-guide': ['--no-guide'], '--workers above 1': ['--workers', '2'], '--shard': ['--shard', '1/2'],
    '--fewest': ['--fewest', 'leaderChanges'], '--states-out': ['--states-out', '/dev/null'], '--first': ['--first'], '--runs': ['--runs', '3'],
    '--max-steps': ['--max-steps', '3'], '--seed': ['--seed', '1'], '--depth': ['--depth', '1'], '--fair-runs': ['--fair-runs', '3'],
    '--fair-steps': ['--fair-steps', '3'], '--from': ['--from', 'docs/traces/kip101-scenario2-prefix.json'],
    '--scenario': ['--scenario', 'docs/scenarios/kip101-scenario2.json'], '--config': ['--config', 'docs/traces/kip101-scenario2-prefix.json'],
    '--engine': ['--engine', 'random'], '--liveness': ['--liveness'], '--certify': ['--certify', '5'],
  };
  const MODE: Readonly<Record<Mode, readonly string[]>> = {
    both: ['--engine', 'both'], exhaustive: ['--engine', 'exhaustive'], random: ['--engine', 'random'], liveness: ['--engine', 'liveness'],
  };
  const cases = REFUSALS.flatMap((r) => 'modes' in r
    ? r.modes.map((m) => ({ name: `${r.flag.name} with ${m}`, args: [...GIVE[r.flag.name], ...MODE[m]], why: r.why }))
    : [{
      name: `${r.flag.name} with ${r.with.name}`,
      // A scenario chooses its own search, so its rows give no mode.
      args: [...GIVE[r.flag.name], ...GIVE[r.with.name], ...(r.with.name === '--scenario' ? [] : r.flag.name.startsWith('--fair') ? MODE.liveness : MODE.exhaustive)],
      why: r.why,
    }]);

  it('names a mode that exists in every row', () => {
    for (const r of REFUSALS) if ('modes' in r) for (const m of r.modes) expect(MODES).toContain(m);
  });

  it.each(cases)('$name: one line, exit 2, nothing explored', async ({ args, why }) => {
    const r = await runCli('check', ...args, ...TINY);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^kafka-spec: --[a-z-]+.* cannot go with /);
    expect(r.err).toContain(why);
  });
});
