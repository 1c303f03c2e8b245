/**
 * The one seam between a protocol model and the engine.
 *
 * The engine explores any `Model`: it never looks inside a state except to fingerprint it as plain
 * data, and it never interprets an action beyond its `step` name and parameters. Everything the
 * engine needs from a protocol goes through this interface.
 */

/** A parameter value of a step: traces are JSON, so only primitives. */
export type ActionParam = string | number | boolean;

/**
 * A named step with its parameters, e.g. `{ step: 'FollowerFetch', broker: 2 }`.
 * Traces record actions as they are, so they survive a reordering of `enabled()`.
 */
export interface Action {
  readonly step: string;
  readonly [param: string]: ActionParam;
}

/**
 * A safety property. Its `kind` says what it constrains, and the engines dispatch on it (never on
 * the shape of `holds`): a `state` invariant is checked on every reachable state, the initial one
 * included; a `transition` invariant on every step taken, even one into a state seen before.
 */
export type Invariant<S> = StateInvariant<S> | TransitionInvariant<S>;

interface Named {
  /** Kebab-case name used on the command line, e.g. `hw-le-leo`. */
  readonly name: string;
  /** The property in one line of English. */
  readonly statement: string;
  /**
   * Optional: the goals (by name) an exploration must reach for this property to be able to fail,
   * e.g. a consumer read for a read property. A pass that did not reach them all is reported as
   * not exercised, never as holding.
   */
  readonly requires?: readonly string[];
  /** Optional: the well-known name of the anomaly a violation is, e.g. `lost acknowledged write`. */
  readonly anomaly?: string;
}

/** A predicate on one state. */
export interface StateInvariant<S> extends Named {
  readonly kind: 'state';
  holds(state: S): boolean;
}

/** A predicate on one step: the state before it and the state after it. */
export interface TransitionInvariant<S> extends Named {
  readonly kind: 'transition';
  holds(prev: S, next: S): boolean;
}

/** Whether `inv` fails on reaching `next` from `prev` (undefined for the initial state). */
export function violates<S>(inv: Invariant<S>, prev: S | undefined, next: S): boolean {
  if (inv.kind === 'state') return !inv.holds(next);
  return prev !== undefined && !inv.holds(prev, next);
}

/** A reachability goal ("sometimes"): evidence that exploration reached a state that matters. */
export interface Goal<S, A extends Action> {
  readonly name: string;
  readonly statement: string;
  /** True when the step `prev --action--> next` reaches the goal. */
  reached(prev: S, action: A, next: S): boolean;
}

/**
 * A liveness property ("eventually, and again and again"): `settled` holds in the states where
 * nothing the property waits for is pending. It is violated by a behaviour that, once faults
 * stop, runs fairly forever without reaching a settled state again: a lasso (a prefix, then a
 * cycle of unsettled states). Kept apart from `invariants`, so engines that check safety never
 * meet one.
 */
export interface LivenessProperty<S> extends Named {
  readonly kind: 'liveness';
  settled(state: S): boolean;
}

/**
 * How a step counts for liveness: a `fault` (the cycle of a lasso never contains one: faults
 * stop), weakly `fair` (a cycle in which it stays enabled must take it), or `unfair` (allowed in
 * a cycle, never owed). Fairness is per action instance: the step with its parameters.
 */
export type StepFairness = 'fault' | 'fair' | 'unfair';

/**
 * A protocol model: states are immutable plain data (objects, arrays, numbers, strings, booleans,
 * null); `step` returns a new state and never mutates its argument.
 *
 * The core is what every engine needs: the initial state, the enabled steps, a step, the bounds,
 * the properties and how to tell people about states and steps. What only one technique needs
 * comes as an optional capability object (`liveness`, `reduction`, `guidance`, `presentation`),
 * each documented by its interface below; a model without one gets that technique's default.
 */
export interface Model<S, A extends Action> {
  /** Identifies the model in trace files, e.g. `kafka-replication`. */
  readonly name: string;
  readonly initial: S;
  /** Every action enabled in `state`, in a deterministic order. */
  enabled(state: S): A[];
  /** The state after `action`; only called with an action that `enabled(state)` returned. */
  step(state: S, action: A): S;
  /**
   * Optional: false for a state past a bound that no step can check before it is taken (e.g. a
   * budget of elections). The engines neither check nor explore such a state: the step that
   * reached it counts as not taken.
   */
  withinBounds?(state: S): boolean;
  /** One line for people, e.g. `broker 2 fetches from broker 1`. */
  describe(action: A): string;
  /** A few lines for people showing the state (logs, HW, ISR, …). */
  summarize(state: S): string;
  /**
   * The part of a state that identifies it for duplicate detection; defaults to the whole state.
   * Must be plain data and must include everything that can influence future behaviour or
   * property verdicts.
   */
  fingerprintView?(state: S): unknown;
  readonly invariants: readonly Invariant<S>[];
  readonly goals: readonly Goal<S, A>[];
  /** Optional: what the liveness engine checks, and under which fairness. */
  readonly liveness?: Liveness<S, A>;
  /** Optional: which steps commute, for partial-order reduction. */
  readonly reduction?: Reduction<S, A>;
  /** Optional: what steers random runs and fewest-first search. */
  readonly guidance?: Guidance<S>;
  /** Optional: what reports and traces show of the model beyond `describe` and `summarize`. */
  readonly presentation?: Presentation<S, A>;
}

/**
 * The liveness capability: the properties the liveness engine checks (src/explore/liveness.ts,
 * fair runs, lasso replay), and how each step counts for them.
 */
export interface Liveness<S, A extends Action> {
  /** The liveness properties, checked under `fairness`. */
  readonly properties: readonly LivenessProperty<S>[];
  /** Optional: the class of step `action` in `state`; every step counts as `fair` without it. */
  fairness?(state: S, action: A): StepFairness;
}

/** The reduction capability: what a partial-order reduction would prune with. */
export interface Reduction<S, A extends Action> {
  /**
   * Which steps are independent. No engine prunes with it today (sleep sets took 0.89× the CPU
   * of plain search for 5% fewer steps, and were removed); the footprints are kept, and tested to
   * commute, for a reduction that pays.
   */
  readonly independence: Independence<S, A>;
}

/**
 * The guidance capability: what steers which behaviours a search tries first. Pure; it only
 * steers which behaviours are tried, never what a step or a verdict is.
 */
export interface Guidance<S> {
  /**
   * Optional: a coarse summary of a state, as a 32-bit integer, naming the few facts that bring a
   * state near a violation (for a replicated log: each replica's role and how much of the committed
   * history it holds, the ISR, the faults spent). Random search keeps the runs that meet a summary
   * no run met before and starts later runs where those left off (src/explore/random.ts).
   */
  sketch?(state: S): number;
  /**
   * Optional: the budgets the model's bounds ration (leader changes, crashes, …), by name. The
   * bounded strategy (src/explore/bounded.ts) searches the behaviours that spend little of one
   * budget before those that spend more.
   */
  readonly budgets?: Readonly<Record<string, Budget<S>>>;
}

/** The presentation capability: what reports, trace files and the explorer show of the model. */
export interface Presentation<S, A extends Action> {
  /** Optional: how traces of this model are drawn (step tables, sequence diagrams). */
  readonly views?: TraceViews<S, A>;
  /**
   * Optional: every kind of step (by name) with the reason this model's configuration rules it
   * out, or null when it can happen; reports use it to list the kinds exploration never took.
   */
  readonly stepKinds?: Readonly<Record<string, string | null>>;
  /** Optional: the goals this model's configuration rules out, each with the reason. */
  readonly goalsImpossible?: Readonly<Record<string, string>>;
  /**
   * Optional: the configuration the model was built from, as plain data (written into trace
   * files), in a few lines for people (report headers), and in a phrase that opens a report's
   * closing sentence (`brief`, e.g. `Kafka 4.1, rf 3, acks=all, …`).
   */
  readonly configuration?: { readonly values: Readonly<Record<string, unknown>>; readonly lines: readonly string[]; readonly brief?: string };
}

/**
 * The footprints of steps. Two steps enabled in a state are independent there when neither
 * writes a part of the state the other reads or writes; then both orders reach the same state and
 * neither disables the other. A footprint may over-approximate, never miss a part.
 *
 * "Reads" covers everything a step's enabledness and outcome depend on, and everything a
 * transition invariant or goal looks at when it judges that step: those must judge a step by its
 * own footprint (each judges components the step changed; a component it did not change passes).
 */
export interface Independence<S, A extends Action> {
  /** Words per mask: a footprint is `2 × words` 32-bit words. */
  readonly words: number;
  /** A number naming the action: equal for equal actions (same step, same parameters), distinct otherwise. */
  key(action: A): number;
  /**
   * Writes the footprint of `action` in `state` into `out` from index `at`: the parts it reads
   * (writes included) at `out[at .. at + words)`, the parts it writes at
   * `out[at + words .. at + 2 × words)`, one bit per part.
   */
  footprint(state: S, action: A, out: Uint32Array, at: number): void;
}

/**
 * Whether the footprints written at `t` and `u` of `prints` (each `words` read words, then `words`
 * written ones) do not clash: neither writes a part the other reads or writes.
 */
export function independentAt(prints: Uint32Array, t: number, u: number, words: number): boolean {
  for (let i = 0; i < words; i++) {
    if ((prints[t + words + i] & prints[u + i]) !== 0 || (prints[u + words + i] & prints[t + i]) !== 0) return false;
  }
  return true;
}

/**
 * A rationed resource: how much of it a state has spent, never less than its predecessor spent
 * (spending is monotone along every step), and the most the model's configuration allows.
 */
export interface Budget<S> {
  /** What one unit is, in a few words, e.g. `leader elections after a failure`. */
  readonly statement: string;
  readonly limit: number;
  spent(state: S): number;
  /**
   * Optional: set when this configuration does not count the budget, a phrase saying so and what
   * to set so that it does (`is counted only when …`); a budget counted only when bounded keeps the
   * states of the other configurations as they were. Fewest-first search by it is refused with it.
   */
  readonly unavailable?: string;
}

/** What a sequence diagram shows of one step: messages between participants, and notes. */
export interface StepPicture {
  readonly arrows: readonly { readonly from: string; readonly to: string; readonly label: string }[];
  readonly notes: readonly { readonly over: string; readonly text: string }[];
}

/** Model-specific views the report renderers use; everything else about rendering is generic. */
export interface TraceViews<S, A extends Action> {
  /** Sequence-diagram lifelines, in order. */
  readonly participants: readonly string[];
  /** Named cells of a state for a step table (one column each), e.g. one per broker. */
  cells(state: S): Record<string, string>;
  picture(prev: S, action: A, next: S): StepPicture;
  /** Optional: the protocol and its size in a few words for a page's title, e.g. `kafka-4.1 · rf 3`. */
  readonly heading?: string;
  /**
   * Optional: why a step is a late delivery (a message handled after a timeout that would have
   * ended it, so the behaviour needs implausible timing), read from the state before it; null when
   * it is on time. Reports count a trace's late deliveries with it (src/report/late.ts).
   */
  late?(prev: S, action: A): string | null;
  /** Optional: what a step did in the protocol's own words, one clause a line, read from the states around it. */
  narrate?(prev: S, action: A, next: S): string[];
  /**
   * Optional: the messages a step put on the network and took off it, each by its connection (FIFO),
   * so a picture can draw one line from the step that sent a message to the step that received it.
   */
  traffic?(prev: S, action: A, next: S): StepTraffic;
  /**
   * Optional: at a violation of the named invariant in the last of `states` (the trace's states up to
   * it), what is missing where, in one sentence; null when the model has nothing to add to the statement.
   */
  missing?(invariant: string, states: readonly S[]): string | null;
}

/** What one step did to the network: messages sent on a connection, and connections whose oldest message it took. */
export interface StepTraffic {
  readonly sent: readonly { readonly connection: string; readonly from: string; readonly to: string; readonly label: string }[];
  /** `delivered` to its receiver, `lost` by the network, or `dropped` with a connection that closed (a crash). */
  readonly taken: readonly { readonly connection: string; readonly fate: 'delivered' | 'lost' | 'dropped' }[];
}
