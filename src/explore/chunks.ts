/**
 * One chunk of a breadth-first level, expanded on whichever thread took it (parallel.ts): each
 * state of a range of ids is rebuilt from the parent links and stepped, and every successor within
 * bounds is recorded with its fingerprint, parent, action index and step kind, the invariants it
 * breaks and the goals it reaches, in the order one thread would meet them. The thread that keeps
 * the visited-state table adds the records in chunk order, which is all the rest of the work.
 */
import type { Action, Model, StateInvariant, TransitionInvariant } from '../model.ts';
import { Ancestors, type Links } from './exhaustive.ts';
import { fingerprintInto } from './fingerprint.ts';
import { type BudgetCap, boundsOf, capOf } from './result.ts';

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
}

/** The ids of chunk `c` of a level cut into chunks of `chunk` ids: the first, and the one after the last. */
export function chunkSpan(level: { readonly start: number; readonly end: number; readonly chunk: number }, c: number): [from: number, to: number] {
  const from = level.start + c * level.chunk;
  return [from, Math.min(level.end, from + level.chunk)];
}

/** The buffers of a chunk result, which a worker hands over instead of copying. */
export function buffersOf(r: ChunkResult): ArrayBuffer[] {
  return [r.hi, r.lo, r.parent, r.action, r.step, r.stepFails, r.stateFails, r.goals].map((a) => a.buffer as ArrayBuffer);
}

/** What a thread needs to expand the chunks of one level. */
export interface LevelOf {
  readonly depth: number;
  readonly links: Links;
  /** Indices into `model.invariants` of those still checked. */
  readonly invariants: readonly number[];
}

/**
 * Expands chunks of levels on one thread. `seenBefore(hi, lo)` says the state was already met
 * earlier in the search order (in the table, or in a chunk this thread expanded before), so its
 * state invariants were checked where it was first added; a false answer only costs a check.
 */
export class ChunkExpander<S, A extends Action> {
  private readonly inBounds: (s: S) => boolean;
  private readonly inCap: ((s: S) => boolean) | null;
  private readonly view: (s: S) => unknown;
  private readonly fp = new Uint32Array(2);

  constructor(private readonly model: Model<S, A>, cap: BudgetCap | undefined, private readonly seenBefore: (hi: number, lo: number) => boolean) {
    this.inBounds = boundsOf(model);
    this.inCap = capOf(model, cap);
    this.view = model.fingerprintView ?? ((s: S) => s);
  }

  /** A function expanding chunks of this level; call it in increasing chunk order (the state rebuilt last is reused). */
  level(task: LevelOf): (index: number, from: number, to: number) => ChunkResult {
    const { model } = this;
    const ancestors = new Ancestors(model, task.links);
    const checked = (kind: 'state' | 'transition') => task.invariants.filter((i) => model.invariants[i].kind === kind);
    const stepIndex = checked('transition');
    const stepInvs = stepIndex.map((i) => model.invariants[i] as TransitionInvariant<S>);
    const stateIndex = checked('state');
    const stateInvs = stateIndex.map((i) => model.invariants[i] as StateInvariant<S>);
    const goals = model.goals;
    return (index, from, to) => {
      const out = new ChunkBuilder(index);
      for (let id = from; id < to; id++) {
        const s = ancestors.state(id, task.depth);
        const actions = ancestors.enabled(task.depth);
        for (let j = 0; j < actions.length; j++) {
          const a = actions[j];
          const n = model.step(s, a);
          if (!this.inBounds(n)) continue;
          if (this.inCap !== null && !this.inCap(n)) {
            if (out.capCutAt < 0) out.capCutAt = id;
            continue;
          }
          const fp = this.fp;
          fingerprintInto(this.view(n), fp);
          const i = out.add(fp[0], fp[1], id, j, a.step);
          for (let k = 0; k < stepInvs.length; k++) if (!stepInvs[k].holds(s, n)) out.stepFails.push(i, stepIndex[k]);
          if (stateInvs.length > 0 && !this.seenBefore(fp[0], fp[1])) {
            for (let k = 0; k < stateInvs.length; k++) if (!stateInvs[k].holds(n)) out.stateFails.push(i, stateIndex[k]);
          }
          for (let g = 0; g < goals.length; g++) if (goals[g].reached(s, a, n)) out.goals.push(i, g);
        }
      }
      return out.build();
    };
  }
}

/** The successors of a chunk as they are found, then as typed arrays. */
class ChunkBuilder {
  private readonly hi: number[] = [];
  private readonly lo: number[] = [];
  private readonly parent: number[] = [];
  private readonly action: number[] = [];
  private readonly step: number[] = [];
  private readonly names = new Map<string, number>();
  readonly stepFails: number[] = [];
  readonly stateFails: number[] = [];
  readonly goals: number[] = [];
  capCutAt = -1;

  constructor(private readonly index: number) {}

  /** Records a successor; its index within the chunk. */
  add(hi: number, lo: number, parent: number, action: number, step: string): number {
    let k = this.names.get(step);
    if (k === undefined) this.names.set(step, (k = this.names.size));
    this.hi.push(hi);
    this.lo.push(lo);
    this.parent.push(parent);
    this.action.push(action);
    this.step.push(k);
    return this.hi.length - 1;
  }

  build(): ChunkResult {
    return {
      kind: 'chunk', index: this.index, hi: new Uint32Array(this.hi), lo: new Uint32Array(this.lo),
      parent: new Int32Array(this.parent), action: new Int32Array(this.action), step: new Uint16Array(this.step),
      names: [...this.names.keys()], capCutAt: this.capCutAt,
      stepFails: new Int32Array(this.stepFails), stateFails: new Int32Array(this.stateFails), goals: new Int32Array(this.goals),
    };
  }
}

/**
 * States whose state invariants one worker already checked: a direct-mapped cache of 2^20
 * fingerprints (8 MB). A state met again needs no second check: the table takes chunks in order
 * and each thread takes its chunks in increasing order, so the first time this thread met it was
 * earlier in the search, where the table added it (and took any violation). A miss only costs a check.
 */
export class CheckedStates {
  private static readonly BITS = 20;
  private readonly hi = new Uint32Array(1 << CheckedStates.BITS);
  private readonly lo = new Uint32Array(1 << CheckedStates.BITS);

  /** True when `hi:lo` was marked before; marks it now. */
  readonly before = (hi: number, lo: number): boolean => {
    if (hi === 0 && lo === 0) return false; // what an empty slot holds
    const slot = (lo ^ Math.imul(hi, 0x9e3779b1)) >>> (32 - CheckedStates.BITS);
    if (this.hi[slot] === hi && this.lo[slot] === lo) return true;
    this.hi[slot] = hi;
    this.lo[slot] = lo;
    return false;
  };
}
