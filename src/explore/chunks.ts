/**
 * The one successor loop of breadth-first search, and the way back from a state's id to the state.
 *
 * The visited-state table (fpset.ts) holds no state objects: per id, the parent's id and the
 * index of the action that reached it. `Ancestors` rebuilds a state by stepping its parent, which
 * it rebuilds the same way, keeping the last state rebuilt at each depth, so a level expanded in
 * id order rebuilds each parent once for all its children; traces are rebuilt by re-executing the
 * recorded action indices from the initial state.
 *
 * A level is cut into chunks of ids, expanded on whichever thread took them (levels.ts). Each
 * state of a chunk is rebuilt and stepped, and every successor is recorded with its fingerprint,
 * parent, action index and step kind, the invariants it breaks and the goals it reaches, in the
 * order one thread would meet them; for a state graph (liveness), also each step's fairness label,
 * the steps the model's bounds cut, and each new state's settled bits. The thread that keeps the
 * table adds the records in chunk order, which is all the rest of the work.
 */
import type { Action, LivenessProperty, Model, StateInvariant, StepFairness, TransitionInvariant } from '../model.ts';
import { fingerprintInto } from './fingerprint.ts';
import { type BudgetCap, boundsOf, capOf } from './result.ts';

/** Per state id, its parent's id and the index of the action that reached it. */
export interface Links {
  parentOf(id: number): number;
  actionOf(id: number): number;
}

/**
 * The states of the search tree, rebuilt on demand from the parent links: the one at depth d is
 * its parent (depth d - 1) stepped by the recorded action. Keeps, per depth, the last state
 * rebuilt and its enabled actions. The initial state (id 0) is always kept.
 */
export class Ancestors<S, A extends Action> {
  private readonly ids: number[] = [0];
  private readonly states: S[];
  private readonly actions: (A[] | undefined)[] = [undefined];
  /** The most states held at once (one per depth). */
  peak = 1;

  constructor(private readonly model: Model<S, A>, private readonly links: Links) {
    this.states = [model.initial];
  }

  /** The state with this id, found at this depth of the search. */
  state(id: number, depth: number): S {
    const chain: number[] = [];
    let d = depth;
    for (let cur = id; this.ids[d] !== cur; d--) {
      chain.push(cur);
      cur = this.links.parentOf(cur);
    }
    for (let k = chain.length - 1; k >= 0; k--, d++) {
      const action = this.enabled(d)[this.links.actionOf(chain[k])];
      this.ids[d + 1] = chain[k];
      this.states[d + 1] = this.model.step(this.states[d], action);
      this.actions[d + 1] = undefined;
    }
    if (this.states.length > this.peak) this.peak = this.states.length;
    return this.states[depth];
  }

  /** The actions enabled in the state last rebuilt at this depth. */
  enabled(depth: number): A[] {
    return (this.actions[depth] ??= this.model.enabled(this.states[depth]));
  }
}

/** The steps from the initial state to state `id`, rebuilt by re-executing the recorded action indices. */
export function traceTo<S, A extends Action>(model: Model<S, A>, links: Links, id: number): A[] {
  return actionsAlong(model, indicesTo(links, id)).trace;
}

/** The steps to state `parent`, then its action number `action`. */
export function traceThrough<S, A extends Action>(model: Model<S, A>, links: Links, parent: number, action: number): A[] {
  return actionsAlong(model, [...indicesTo(links, parent), action]).trace;
}

function indicesTo(links: Links, id: number): number[] {
  const indices: number[] = [];
  for (let cur = id; links.parentOf(cur) >= 0; cur = links.parentOf(cur)) indices.push(links.actionOf(cur));
  return indices.reverse();
}

/** The actions that `indices` (into each state's enabled actions) name from the initial state, and the state they lead to. */
export function actionsAlong<S, A extends Action>(model: Model<S, A>, indices: readonly number[], from: S = model.initial): { trace: A[]; state: S } {
  const trace: A[] = [];
  let s = from;
  for (const index of indices) {
    const a = model.enabled(s)[index];
    trace.push(a);
    s = model.step(s, a);
  }
  return { trace, state: s };
}

/** A successor's fairness label in a state graph: a fault, unfair, or (≥ 0) the number of its fair action instance. */
export const FAULT = -2;
export const UNFAIR = -3;

/** The successors of one chunk; pairs are (successor index, invariant or goal index). */
export interface ChunkResult {
  readonly kind: 'chunk';
  readonly index: number;
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly parent: Int32Array;
  readonly action: Int32Array;
  /** Per successor, its step's index into `names`. */
  readonly step: Uint16Array;
  readonly names: readonly string[];
  /** The first state of the chunk with a successor the budget cap left out, or -1 when it left none out. */
  readonly capCutAt: number;
  readonly stepFails: Int32Array;
  readonly stateFails: Int32Array;
  readonly goals: Int32Array;
  /**
   * A state graph only, per successor: its fairness label (FAULT, UNFAIR, or an index into
   * `instances`), whether the model's bounds cut it (1: no state, no fingerprint), and the
   * settled bits of a state not met before (-1 for one met before).
   */
  readonly graph: { readonly label: Int32Array; readonly cut: Uint8Array; readonly settled: Int32Array; readonly instances: readonly string[] } | null;
}

/** The ids of chunk `c` of a level cut into chunks of `chunk` ids: the first, and the one after the last. */
export function chunkSpan(level: { readonly start: number; readonly end: number; readonly chunk: number }, c: number): [from: number, to: number] {
  const from = level.start + c * level.chunk;
  return [from, Math.min(level.end, from + level.chunk)];
}

/** The buffers of a chunk result, which a worker hands over instead of copying. */
export function buffersOf(r: ChunkResult): ArrayBuffer[] {
  const graph = r.graph === null ? [] : [r.graph.label, r.graph.cut, r.graph.settled];
  return [r.hi, r.lo, r.parent, r.action, r.step, r.stepFails, r.stateFails, r.goals, ...graph].map((a) => a.buffer as ArrayBuffer);
}

/** What a search records of each step besides the state it reaches, the same on every thread. */
export interface Recording {
  /** Budget cap on top of the model's bounds (see bounded.ts). */
  readonly cap?: BudgetCap;
  /** Whether goals are checked (a state graph needs none). */
  readonly goals: boolean;
  /** Indices into `model.liveness.properties` of the properties whose settled bits a state graph keeps; null: no graph. */
  readonly graph: readonly number[] | null;
}

/** What a thread needs to expand the chunks of one level. */
export interface LevelOf {
  readonly depth: number;
  readonly links: Links;
  /** Indices into `model.invariants` of those still checked. */
  readonly invariants: readonly number[];
}

/** A key naming an action instance: the step and its parameters. */
export function instanceKey(a: Action): string {
  let key = a.step;
  for (const k in a) if (k !== 'step') key += ` ${k}=${a[k]}`;
  return key;
}

/**
 * Expands chunks of levels on one thread. `seenBefore(hi, lo)` says the state was already met
 * earlier in the search order (in the table, or in a chunk this thread expanded before), so its
 * state invariants (and settled bits) were taken where it was first added; a false answer only
 * costs a check.
 */
export class ChunkExpander<S, A extends Action> {
  private readonly inBounds: (s: S) => boolean;
  private readonly inCap: ((s: S) => boolean) | null;
  private readonly view: (s: S) => unknown;
  private readonly fp = new Uint32Array(2);
  private readonly live: readonly LivenessProperty<S>[] | null;
  private readonly fairness: (s: S, a: A) => StepFairness;
  /** The most states held as objects at once by this thread (the ancestors of the state being expanded, one per depth). */
  peak = 1;

  constructor(private readonly model: Model<S, A>, private readonly recording: Recording, private readonly seenBefore: (hi: number, lo: number) => boolean) {
    this.inBounds = boundsOf(model);
    this.inCap = capOf(model, recording.cap);
    this.view = model.fingerprintView ?? ((s: S) => s);
    this.live = recording.graph === null ? null : recording.graph.map((i) => model.liveness!.properties[i]);
    this.fairness = model.liveness?.fairness === undefined ? () => 'fair' : (s, a) => model.liveness!.fairness!(s, a);
  }

  /** A function expanding chunks of this level; call it in increasing chunk order (the state rebuilt last is reused). */
  level(task: LevelOf): (index: number, from: number, to: number) => ChunkResult {
    const { model, live } = this;
    const ancestors = new Ancestors(model, task.links);
    const checked = (kind: 'state' | 'transition') => task.invariants.filter((i) => model.invariants[i].kind === kind);
    const stepIndex = checked('transition');
    const stepInvs = stepIndex.map((i) => model.invariants[i] as TransitionInvariant<S>);
    const stateIndex = checked('state');
    const stateInvs = stateIndex.map((i) => model.invariants[i] as StateInvariant<S>);
    const goals = this.recording.goals ? model.goals : [];
    const fp = this.fp;
    return (index, from, to) => {
      const out = new ChunkBuilder(index, live !== null);
      for (let id = from; id < to; id++) {
        const s = ancestors.state(id, task.depth);
        const actions = ancestors.enabled(task.depth);
        for (let j = 0; j < actions.length; j++) {
          const a = actions[j];
          const n = model.step(s, a);
          const label = live === null ? 0 : this.label(out, s, a);
          if (!this.inBounds(n)) {
            if (live !== null) out.add(0, 0, id, j, a.step, label, true);
            continue;
          }
          if (this.inCap !== null && !this.inCap(n)) {
            if (out.capCutAt < 0) out.capCutAt = id;
            continue;
          }
          fingerprintInto(this.view(n), fp);
          const i = out.add(fp[0], fp[1], id, j, a.step, label, false);
          for (let k = 0; k < stepInvs.length; k++) if (!stepInvs[k].holds(s, n)) out.stepFails.pair(i, stepIndex[k]);
          if ((stateInvs.length > 0 || live !== null) && !this.seenBefore(fp[0], fp[1])) {
            for (let k = 0; k < stateInvs.length; k++) if (!stateInvs[k].holds(n)) out.stateFails.pair(i, stateIndex[k]);
            if (live !== null) out.settle(i, settledBits(live, n));
          }
          for (let g = 0; g < goals.length; g++) if (goals[g].reached(s, a, n)) out.goals.pair(i, g);
        }
      }
      this.peak = Math.max(this.peak, ancestors.peak);
      return out.build();
    };
  }

  private label(out: ChunkBuilder, s: S, a: A): number {
    const cls = this.fairness(s, a);
    return cls === 'fault' ? FAULT : cls === 'unfair' ? UNFAIR : out.instance(instanceKey(a));
  }
}

/** Bit k set when `s` is settled for property k. */
function settledBits<S>(properties: readonly LivenessProperty<S>[], s: S): number {
  let bits = 0;
  for (let k = 0; k < properties.length; k++) if (properties[k].settled(s)) bits |= 1 << k;
  return bits;
}

/** A growable typed array of 32-bit integers. */
class Ints {
  private data: Int32Array;
  length = 0;

  constructor(capacity = 64) {
    this.data = new Int32Array(capacity);
  }

  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }

  /** Pushes a pair (a successor's index and an invariant's or goal's). */
  pair(x: number, y: number): void {
    this.push(x);
    this.push(y);
  }

  set(i: number, x: number): void {
    this.data[i] = x;
  }

  /** The integers pushed, in a buffer of their own. */
  done(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** The successors of a chunk as they are found, then as typed arrays. */
class ChunkBuilder {
  private readonly hi = new Ints(1024);
  private readonly lo = new Ints(1024);
  private readonly parent = new Ints(1024);
  private readonly action = new Ints(1024);
  private readonly step = new Ints(1024);
  private readonly names = new Map<string, number>();
  /** The step named last and its index: successors come grouped by kind. */
  private lastName = '';
  private lastIndex = -1;
  private readonly labels: Ints | null;
  private readonly cuts: Ints | null;
  private readonly settled: Ints | null;
  private readonly instances = new Map<string, number>();
  readonly stepFails = new Ints(16);
  readonly stateFails = new Ints(16);
  readonly goals = new Ints(256);
  capCutAt = -1;

  constructor(private readonly index: number, graph: boolean) {
    this.labels = graph ? new Ints(1024) : null;
    this.cuts = graph ? new Ints(1024) : null;
    this.settled = graph ? new Ints(1024) : null;
  }

  /** Records a successor; its index within the chunk. */
  add(hi: number, lo: number, parent: number, action: number, step: string, label: number, cut: boolean): number {
    let k = step === this.lastName ? this.lastIndex : this.names.get(step);
    if (k === undefined) this.names.set(step, (k = this.names.size));
    this.lastName = step;
    this.lastIndex = k;
    this.hi.push(hi);
    this.lo.push(lo);
    this.parent.push(parent);
    this.action.push(action);
    this.step.push(k);
    this.labels?.push(label);
    this.cuts?.push(cut ? 1 : 0);
    this.settled?.push(-1);
    return this.hi.length - 1;
  }

  /** The chunk's number for a fair action instance. */
  instance(key: string): number {
    let n = this.instances.get(key);
    if (n === undefined) this.instances.set(key, (n = this.instances.size));
    return n;
  }

  settle(i: number, bits: number): void {
    this.settled!.set(i, bits);
  }

  build(): ChunkResult {
    const graph = this.labels === null ? null : {
      label: this.labels.done(), cut: Uint8Array.from(this.cuts!.done()), settled: this.settled!.done(), instances: [...this.instances.keys()],
    };
    return {
      kind: 'chunk', index: this.index, hi: new Uint32Array(this.hi.done().buffer), lo: new Uint32Array(this.lo.done().buffer),
      parent: this.parent.done(), action: this.action.done(), step: Uint16Array.from(this.step.done()),
      names: [...this.names.keys()], capCutAt: this.capCutAt,
      stepFails: this.stepFails.done(), stateFails: this.stateFails.done(), goals: this.goals.done(), graph,
    };
  }
}

/**
 * States whose state invariants one thread already checked: a direct-mapped cache of 2^bits
 * fingerprints (8 MB for a worker's 2^20). A state met again needs no second check: the table takes chunks in order
 * and each thread takes its chunks in increasing order, so the first time this thread met it was
 * earlier in the search, where the table added it (and took any violation), or will add it, earlier
 * in the chunk it is met in again. A miss only costs a check: invariants are pure, and what must be
 * counted once per state (a digest of the state space) is read from the table, not from them.
 */
export class CheckedStates {
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;

  constructor(private readonly bits = 20) {
    this.hi = new Uint32Array(1 << bits);
    this.lo = new Uint32Array(1 << bits);
  }

  /** True when `hi:lo` was marked before; marks it now. */
  readonly before = (hi: number, lo: number): boolean => {
    if (hi === 0 && lo === 0) return false; // what an empty slot holds
    const slot = (lo ^ Math.imul(hi, 0x9e3779b1)) >>> (32 - this.bits);
    if (this.hi[slot] === hi && this.lo[slot] === lo) return true;
    this.hi[slot] = hi;
    this.lo[slot] = lo;
    return false;
  };
}
