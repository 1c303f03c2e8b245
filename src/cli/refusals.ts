/**
 * `kafka-spec check`'s modes, and the flags that cannot go with a mode or with each other,
 * declared in one table with the reason for each. The check reads the table once, before it
 * explores; each refusal is one line. The table knows flags only by what the command line holds;
 * where a technique cannot be split over threads or shards, the reason is the engine's own
 * (src/explore/compose.ts).
 */
import { DOES_NOT_COMPOSE } from '../explore/compose.ts';

/** What check does: breadth-first search and random runs (both: at once on two threads or more, else one then the other), one of them alone, or a liveness check. */
export type Mode = 'both' | 'exhaustive' | 'random' | 'liveness';
export const MODES: readonly Mode[] = ['both', 'exhaustive', 'random', 'liveness'];

/** The flags the table reads, as commander parses them (every value still text); `CheckFlags` adds the rest. */
export interface ModeFlags {
  /** both (default), exhaustive, random or liveness: the one way to choose the mode. */
  engine?: string;
  /** The same as `--engine liveness`: check the liveness properties (V1-V6) instead of the invariants. */
  liveness?: boolean;
  /** Liveness: build the graph from the end of this trace's steps, under its configuration. */
  from?: string;
  runs?: string;
  maxSteps?: string;
  /** Liveness: random fair runs made when the graph is not complete (`--runs` is still read in that mode). */
  fairRuns?: string;
  /** Liveness: fair steps per fair run (`--max-steps` is still read in that mode). */
  fairSteps?: string;
  seed?: string;
  depth?: string;
  first?: boolean;
  /** Certify random counterexamples shortest (`--certify [s]`). */
  certify?: string | boolean;
  /** Breadth-first search bounded by this budget of the model, fewest first (e.g. leaderChanges). */
  fewest?: string;
  /** Threads (default: every core, except for random runs given a seed or a state limit). */
  workers?: string;
  /** Random or exhaustive engine: run shard k of n of the campaign or search (`k/n`). */
  shard?: string;
  /** Random or exhaustive engine: write the distinct states met to this file, for `merge --states`. */
  statesOut?: string;
  /** Random runs: false (`--no-guide`) starts every run at the initial state. */
  guide?: boolean;
  /** Breadth-first search of the model through a scenario's milestones (src/cli/scenario.ts). */
  scenario?: string;
  /** A file of settings; a scenario holds its own. */
  config?: string;
}

/** A flag as the user wrote it, and whether the command line holds it. */
interface Flag {
  readonly name: string;
  readonly given: (f: ModeFlags) => boolean;
}

const flag = (name: string, key: keyof ModeFlags): Flag => ({ name, given: (f) => f[key] !== undefined });

const F = {
  noGuide: { name: '--no-guide', given: (f) => f.guide === false },
  workers: { name: '--workers above 1', given: (f) => f.workers !== undefined && /^\d+$/.test(f.workers) && Number(f.workers) > 1 },
  shard: flag('--shard', 'shard'),
  fewest: flag('--fewest', 'fewest'),
  statesOut: flag('--states-out', 'statesOut'),
  first: { name: '--first', given: (f) => f.first === true },
  runs: flag('--runs', 'runs'),
  maxSteps: flag('--max-steps', 'maxSteps'),
  seed: flag('--seed', 'seed'),
  depth: flag('--depth', 'depth'),
  fairRuns: flag('--fair-runs', 'fairRuns'),
  fairSteps: flag('--fair-steps', 'fairSteps'),
  from: flag('--from', 'from'),
  scenario: flag('--scenario', 'scenario'),
  config: flag('--config', 'config'),
  engine: { name: '--engine', given: (f) => f.engine !== undefined && f.engine !== 'exhaustive' },
  liveness: { name: '--liveness', given: (f) => f.liveness === true },
  certify: flag('--certify', 'certify'),
} as const satisfies Record<string, Flag>;

/** A flag that cannot go with some modes, or with another flag; `why` completes the line. */
export type Refusal =
  | { readonly flag: Flag; readonly modes: readonly Mode[]; readonly why: string }
  | { readonly flag: Flag; readonly with: Flag; readonly why: string };

const RANDOM = 'it shapes random runs';
const BREADTH_FIRST = 'it bounds breadth-first search';
const ONE_SEARCH = 'it splits one engine\'s search: use --engine random or exhaustive';
const FAIR = 'it shapes the fair runs of a liveness check';
const SCENARIO = 'a scenario is searched breadth-first through its milestones, with no random runs';

/** Every combination check refuses, and why. */
export const REFUSALS: readonly Refusal[] = [
  // A scenario is its own search, so what cannot go with it is said first, before any mode's refusal.
  { flag: F.engine, with: F.scenario, why: SCENARIO },
  { flag: F.liveness, with: F.scenario, why: SCENARIO },
  { flag: F.runs, with: F.scenario, why: SCENARIO },
  { flag: F.maxSteps, with: F.scenario, why: SCENARIO },
  { flag: F.seed, with: F.scenario, why: SCENARIO },
  { flag: F.noGuide, with: F.scenario, why: SCENARIO },
  { flag: F.certify, with: F.scenario, why: 'a scenario search is breadth-first, so what it finds is already shortest' },
  { flag: F.fewest, with: F.scenario, why: 'the milestones order the search, not a budget' },
  { flag: F.shard, with: F.scenario, why: DOES_NOT_COMPOSE.scenario!.shards! },
  { flag: F.statesOut, with: F.scenario, why: 'the states of a scenario search are states of the product, not of the model' },
  { flag: F.from, with: F.scenario, why: 'it starts a liveness check' },
  { flag: F.fairRuns, with: F.scenario, why: FAIR },
  { flag: F.fairSteps, with: F.scenario, why: FAIR },
  { flag: F.config, with: F.scenario, why: 'the scenario file holds the configuration (--protocol, the named flags and --set move it)' },
  { flag: F.runs, modes: ['exhaustive'], why: RANDOM },
  { flag: F.maxSteps, modes: ['exhaustive'], why: RANDOM },
  { flag: F.seed, modes: ['exhaustive'], why: 'breadth-first search takes no seed' },
  { flag: F.noGuide, modes: ['exhaustive', 'liveness'], why: 'it changes random runs of the invariants (fair runs are never guided)' },
  { flag: F.depth, modes: ['random'], why: `${BREADTH_FIRST} (random runs take --max-steps)` },
  { flag: F.fewest, modes: ['random', 'liveness'], why: BREADTH_FIRST },
  { flag: F.shard, modes: ['liveness'], why: DOES_NOT_COMPOSE.liveness!.shards! },
  { flag: F.shard, modes: ['both'], why: ONE_SEARCH },
  { flag: F.shard, with: F.fewest, why: DOES_NOT_COMPOSE['fewest-first']!.shards! },
  { flag: F.statesOut, modes: ['both', 'liveness'], why: 'it writes the states one search of the invariants met: use --engine random or exhaustive' },
  { flag: F.statesOut, with: F.fewest, why: 'it writes the states of plain breadth-first search' },
  { flag: F.first, modes: ['liveness'], why: 'a liveness check finds every property\'s lasso in one graph' },
  { flag: F.certify, modes: ['exhaustive', 'liveness'], why: 'it certifies what random runs find (breadth-first search finds the shortest already)' },
  { flag: F.fairRuns, modes: ['both', 'exhaustive', 'random'], why: FAIR },
  { flag: F.fairSteps, modes: ['both', 'exhaustive', 'random'], why: FAIR },
  { flag: F.from, modes: ['both', 'exhaustive', 'random'], why: 'it starts a liveness check' },
  { flag: F.fairRuns, with: F.runs, why: '--runs is its old name in a liveness check: give one' },
  { flag: F.fairSteps, with: F.maxSteps, why: '--max-steps is its old name in a liveness check: give one' },
];

/** How a mode reads in a refusal: the flag that chose it, or the default. */
function modeName(mode: Mode, f: ModeFlags): string {
  if (mode === 'liveness') return f.engine === 'liveness' ? '--engine liveness' : 'a liveness check';
  return f.engine === undefined ? '--engine both (the default)' : `--engine ${mode}`;
}

/** The first refusal that applies to these flags in this mode, as its one line, or undefined. */
export function refusalOf(f: ModeFlags, mode: Mode): string | undefined {
  for (const r of REFUSALS) {
    if (!r.flag.given(f)) continue;
    if ('modes' in r && r.modes.includes(mode)) return `${r.flag.name} cannot go with ${modeName(mode, f)}: ${r.why}`;
    if ('with' in r && r.with.given(f)) return `${r.flag.name} cannot go with ${r.with.name}: ${r.why}`;
  }
  return undefined;
}

/**
 * The mode the flags choose, one way: `--engine`, which `--liveness` spells `--engine liveness`.
 * Without `--engine`, what is checked decides: a liveness check when `--from` is given or every
 * property named is a liveness property (`isLiveness`), else both engines. Returns the mode, or
 * the line that refuses a contradiction.
 */
export function modeOf(f: ModeFlags, named: readonly string[], isLiveness: (name: string) => boolean): { mode: Mode } | { refused: string } {
  const refused = (line: string) => ({ refused: line });
  if (f.engine !== undefined && !(MODES as readonly string[]).includes(f.engine)) return refused(`--engine must be ${MODES.slice(0, -1).join(', ')} or liveness, got '${f.engine}'`);
  const engine = f.engine as Mode | undefined;
  if (f.liveness === true && engine !== undefined && engine !== 'liveness') return refused(`--liveness cannot go with --engine ${engine}: it means --engine liveness`);
  const live = named.filter(isLiveness);
  const mode: Mode = f.liveness === true ? 'liveness' : engine ?? (f.from !== undefined || (named.length > 0 && live.length === named.length) ? 'liveness' : 'both');
  if (mode === 'liveness' && live.length < named.length) {
    return refused(f.from !== undefined && live.length === 0
      ? '--from starts a liveness check: name liveness properties with --invariant, or none for all of them'
      : 'liveness properties and invariants are checked by separate runs: name only one kind with --invariant');
  }
  if (mode !== 'liveness' && live.length > 0) {
    return refused(live.length < named.length
      ? 'liveness properties and invariants are checked by separate runs: name only one kind with --invariant'
      : `${live[0]} is a liveness property: check it with --engine liveness, not ${modeName(mode, f)}`);
  }
  return { mode };
}
