/**
 * Which search techniques run on several threads and as shards, declared in one place: every
 * technique composes with both unless this table says why it does not. The engines refuse the
 * rest with the reason given here; the command line's refusals (src/cli/refusals.ts) quote it.
 */

/** The kernel's techniques, as a user names them. */
export type Technique = 'breadth-first' | 'fewest-first' | 'liveness' | 'random' | 'fair-runs' | 'scenario';

/** What a search is split over: worker threads of one process, or shards any batch system runs. */
export type Split = 'threads' | 'shards';

/** Why a technique does not compose with a split; absent where it does. */
export const DOES_NOT_COMPOSE: { readonly [T in Technique]?: { readonly [S in Split]?: string } } = {
  'fewest-first': {
    shards: 'fewest-first search proves a count of its budget only when every round searched the whole graph below it',
  },
  liveness: {
    shards: 'a lasso may run through states of every shard\'s block, so the liveness graph is built whole',
  },
  scenario: {
    shards: 'a scenario search reports how far its behaviours got through the milestones, which shards of one search would each know only in part',
  },
  'fair-runs': {
    threads: 'fair runs are evidence made in the time a liveness check leaves, on the thread that built its graph',
    shards: 'fair runs are evidence made in the time a liveness check leaves, on the thread that built its graph',
  },
};

/** The line refusing `technique` split as `uses` says, or null when it composes. */
export function refusal(technique: Technique, uses: { readonly [S in Split]?: boolean }): string | null {
  for (const split of ['threads', 'shards'] as const) {
    const why = DOES_NOT_COMPOSE[technique]?.[split];
    if (uses[split] === true && why !== undefined) return `${technique} search does not run ${split === 'threads' ? 'on several threads' : 'as shards'}: ${why}`;
  }
  return null;
}
