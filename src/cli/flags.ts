/**
 * The command line's options, declared once in four groups by what the user wants to say:
 * which Kafka to model (configuration), how to search it (search), what to print (output) and
 * how to spread a large search (scale). Each option has one help line and is common (shown by
 * `--help`) or rare (shown by `--help-all` only). A command takes the groups it needs, picking
 * options and, where its meaning differs, its own help line; commander then parses them.
 */
import { Command, Option } from 'commander';

/** One option: commander's flags text, its help line, and whether plain `--help` shows it. */
export interface OptionDecl {
  readonly flags: string;
  readonly help: string;
  readonly common: boolean;
  /** Given more than once, its values are collected in order. */
  readonly repeatable?: boolean;
}

const common = (flags: string, help: string, repeatable = false): OptionDecl => ({ flags, help, common: true, repeatable });
const rare = (flags: string, help: string, repeatable = false): OptionDecl => ({ flags, help, common: false, repeatable });

/** Which Kafka: the protocol release, the topic and broker settings, and anything else by name. */
export const CONFIGURATION = {
  heading: 'Configuration (which Kafka):',
  options: {
    protocol: common('--protocol <version>', 'Kafka release, e.g. kafka-3.7 (default kafka-4.1)'),
    rf: common('--rf <n>', 'replication factor, 1-5 (default 3)'),
    acks: common('--acks <acks>', 'producer acks: 0, 1 or all (default all)'),
    minIsr: common('--min-isr <n>', 'min.insync.replicas (default 2)'),
    unclean: common('--unclean', 'unclean.leader.election.enable=true'),
    noElr: common('--no-elr', 'turn eligible leader replicas (KIP-966) off'),
    lossyCrashes: common('--lossy-crashes <n>', 'crashes that lose unflushed records (default 1)'),
    set: common('--set <key=value>', 'a setting, by its name or Kafka\'s (repeatable)', true),
    config: common('--config <file>', 'a JSON file of settings (keys as --set takes them)'),
    elr: rare('--elr', 'turn ELR on (for a release before 4.1)'),
    restartLeavesIsr: rare('--restart-leaves-isr', 'restarts keep the ISR (ZooKeeper before KIP-380)'),
    truncation: rare('--truncation <generation>', 'the era of a truncation rule: hw, kip101, kip279, …'),
    against: common('--against <version>', 'release B, that A\'s counterexamples are replayed under'),
  },
} as const;

/** How to search: the mode, its bounds, and what to look for. */
export const SEARCH = {
  heading: 'Search (how to look):',
  options: {
    engine: common('--engine <mode>', 'both (default), exhaustive, random or liveness'),
    depth: common('--depth <n>', 'breadth-first search: stop at this depth'),
    timeLimit: common('--time-limit <s>', 'seconds the whole command may take (default 60)'),
    invariant: common('--invariant <name>', 'check only this property (repeatable; see list)', true),
    seed: rare('--seed <n>', 'seed of random or fair runs (random: one thread)'),
    first: rare('--first', 'stop at the first violation found'),
    certify: rare('--certify [s]', 'certify a random trace shortest (60 s)'),
    runs: rare('--runs <n>', 'random runs (default 10000 with --engine random)'),
    maxSteps: rare('--max-steps <n>', 'steps per random run (default 60)'),
    fewest: rare('--fewest <budget>', 'fewest of a budget first, e.g. leaderChanges'),
    from: rare('--from <trace>', 'liveness: start the graph where a trace\'s steps end'),
    scenario: common('--scenario <file>', 'search through a scenario file\'s milestones'),
    fairRuns: rare('--fair-runs <n>', 'liveness: fair runs on an incomplete graph (200)'),
    fairSteps: rare('--fair-steps <n>', 'liveness: fair steps per fair run (400)'),
    liveness: rare('--liveness', 'the same as --engine liveness'),
    only: common('--only <id>', 'only this mutant, e.g. switch:elr=false (repeatable)', true),
  },
} as const;

/** What to print and where. */
export const OUTPUT = {
  heading: 'Output:',
  options: {
    out: common('--out <file>', 'write the first counterexample as a trace file'),
    json: common('--json', 'machine-readable result'),
    format: common('--format <format>', 'text (default), markdown, mermaid, html, itf or vitest'),
    timings: rare('--timings', 'with --json: include elapsed times and threads'),
    port: common('--port <n>', 'serve on this port (default: any free one)'),
    part: common('--part <part>', 'all (default), matrix or availability'),
  },
} as const;

/** Spreading a large search over threads, processes and memory. */
export const SCALE = {
  heading: 'Scale (large searches):',
  options: {
    workers: common('--workers <n>', 'threads (default: every core)'),
    maxStates: rare('--max-states <n>', 'stop once more than n distinct states were visited'),
    maxMemory: rare('--max-memory <mb>', 'stop once the process holds more than this many MB'),
    shard: rare('--shard <k/n>', 'run shard k of n; combine the shards with merge'),
    statesOut: rare('--states-out <file>', 'write the distinct states met, for merge --states'),
    noGuide: rare('--no-guide', 'random runs always start at the initial state'),
    states: common('--states <files...>', 'the shards\' --states-out files: count their union'),
  },
} as const;

/** A real Kafka cluster (`reproduce`). */
export const REAL = {
  heading: 'Real Kafka:',
  options: {
    kafka: common('--kafka <version>', 'the Kafka release to run (default 4.1.2)'),
    keep: common('--keep <dir>', "keep the logs and report here (default: a temp dir)"),
    portBase: rare('--port-base <n>', 'use the ports from n on (default: any free ones)'),
  },
} as const;

export interface Group {
  readonly heading: string;
  readonly options: Readonly<Record<string, OptionDecl>>;
}

/** Every group, in the order help shows them. */
export const GROUPS: readonly Group[] = [CONFIGURATION, SEARCH, OUTPUT, SCALE, REAL];

/** What a command takes from a group: which options, each with the group's help line or its own, and whether it is common here. */
export type Use<G extends Group> = readonly (keyof G['options'] | readonly [keyof G['options'], Partial<Pick<OptionDecl, 'help' | 'common'>>])[];

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The flag that shows every option in help, which every command takes. */
export const HELP_ALL = '--help-all';

/**
 * Adds `use` of `group` to `command`, under the group's heading; a rare option is hidden unless
 * `all` (the command line asked for `--help-all`). A `--no-x` option comes after the group's
 * `--x`, added hidden when the command did not pick it, so that x stays unset unless one of the
 * two is given (commander would otherwise default x to true). Returns the command.
 */
export function addGroup<G extends Group>(command: Command, group: G, use: Use<G>, all: boolean): Command {
  const add = (d: OptionDecl, hidden: boolean) => {
    const option = new Option(d.flags, d.help).helpGroup(group.heading).hideHelp(hidden);
    if (d.repeatable === true) option.argParser(collect);
    command.addOption(option);
  };
  for (const item of use) {
    const [key, own] = typeof item === 'string' ? [item, {}] : (item as readonly [string, Partial<OptionDecl>]);
    const d = { ...group.options[key], ...own };
    if (command.options.some((o) => o.flags === d.flags)) continue;
    const positive = /^--no-/.test(d.flags) ? Object.values(group.options).find((o) => o.flags === d.flags.replace(/^--no-/, '--')) : undefined;
    if (positive !== undefined && command.options.every((o) => o.long !== positive.flags)) add(positive, !all);
    add(d, !d.common && !all);
  }
  return command;
}

/**
 * Gives `command` its help options (`-h, --help` and `--help-all`) and, when given, examples
 * after the options: what each asks (a comment) and the command line, each of one or more lines.
 */
export function helpOptions(command: Command, examples?: readonly (readonly [string, string])[]): Command {
  command.addHelpOption(new Option('-h, --help', 'show the common options').helpGroup('Help:'));
  command.addOption(new Option(HELP_ALL, 'show every option').helpGroup('Help:'));
  if (examples !== undefined) {
    const example = ([what, line]: readonly [string, string]) => [...what.split('\n').map((l) => `  # ${l}`), ...line.split('\n').map((l) => `  ${l}`)];
    command.addHelpText('after', ['', 'Examples:', ...examples.flatMap(example)].join('\n'));
  }
  return command;
}
