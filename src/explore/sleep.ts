/**
 * Partial-order reduction for breadth-first search by sleep sets. When a state takes steps t and
 * then u that are independent (the model's footprints do not clash), the state u leads to need not
 * take t again: t·u and u·t reach the same state, and t·u was taken. Each state carries the set of
 * steps it may skip (its sleep set) to its successors, and a state reached by several shortest
 * paths skips only what every one of them lets it skip.
 *
 * Sleep sets skip steps, never states: every state the full search reaches is reached, at the same
 * depth, so state invariants, shortest counterexamples and state counts are those of the full
 * search. A skipped step t from state s·u stands for the step t taken from s, which left the
 * parts t reads as they are at s·u, so a transition invariant or goal that judges a step by its
 * footprint gives the same verdict on it. What changes is the number of steps taken, and so the
 * per-kind step counts in the coverage report. test/explore/sleep.test.ts compares both searches.
 *
 * Storage: the sleep sets of the level being expanded and of the next level, as lists of action
 * keys in a pool of 32-bit words; a state reached again within the next level keeps the
 * intersection. Ids of other levels are not kept.
 */
import type { Action, Independence } from '../model.ts';

/** Sleep sets of one level: per state (by id − `start`), a list of action keys in `pool`. */
class LevelSets {
  start = 0;
  offsets = new Int32Array(1024);
  lengths = new Int32Array(1024);
  pool = new Int32Array(4096);
  used = 0;
  count = 0;

  reset(start: number): void {
    this.start = start;
    this.used = 0;
    this.count = 0;
  }

  /** Stores the list `keys[0..n)` for the state with this id (ids arrive in increasing order, without gaps). */
  push(id: number, keys: Int32Array, n: number): void {
    const k = id - this.start;
    if (k !== this.count) throw new Error(`sleep sets: state ${id} stored out of order`);
    if (k >= this.offsets.length) {
      this.offsets = grown(this.offsets, k + 1);
      this.lengths = grown(this.lengths, k + 1);
    }
    if (this.used + n > this.pool.length) this.pool = grown(this.pool, this.used + n);
    this.offsets[k] = this.used;
    this.lengths[k] = n;
    this.pool.set(keys.subarray(0, n), this.used);
    this.used += n;
    this.count++;
  }

  /** Keeps in the state's list only the keys also in `keys[0..n)`. */
  intersect(id: number, keys: Int32Array, n: number): void {
    const k = id - this.start;
    const at = this.offsets[k];
    let kept = 0;
    for (let i = 0; i < this.lengths[k]; i++) {
      const key = this.pool[at + i];
      if (contains(keys, n, key)) this.pool[at + kept++] = key;
    }
    this.lengths[k] = kept;
  }

  /** Whether `key` is in the state's list. */
  has(id: number, key: number): boolean {
    const k = id - this.start;
    const at = this.offsets[k];
    for (let i = 0; i < this.lengths[k]; i++) if (this.pool[at + i] === key) return true;
    return false;
  }
}

function grown(a: Int32Array, atLeast: number): Int32Array<ArrayBuffer> {
  let length = a.length * 2;
  while (length < atLeast) length *= 2;
  const b = new Int32Array(length);
  b.set(a);
  return b;
}

function contains(keys: Int32Array, n: number, key: number): boolean {
  for (let i = 0; i < n; i++) if (keys[i] === key) return true;
  return false;
}

/**
 * The sleep sets of a breadth-first search. Per level: `nextLevel(end)` when the level [start, end)
 * begins; per state: `enter` with its enabled actions, then for each action `skips` and, for each
 * step taken, `arrive` with the successor's id.
 */
export class SleepSets<S, A extends Action> {
  private current = new LevelSets();
  private next = new LevelSets();
  private readonly words: number;
  /** Per enabled action of the state entered: key, asleep flag, footprint (2 × words each). */
  private keys = new Int32Array(64);
  private asleep = new Uint8Array(64);
  private prints = new Uint32Array(64 * 6);
  /** Indices of the actions the state entered has taken so far, or that are asleep there. */
  private done = new Int32Array(64);
  private doneCount = 0;
  /** The successor's sleep set being built. */
  private scratch = new Int32Array(64);
  private scratchCount = 0;
  private state!: S;
  private actions!: readonly A[];
  private printed = false;
  /** Steps skipped so far. */
  skipped = 0;

  constructor(private readonly independence: Independence<S, A>) {
    this.words = independence.words;
    this.next.reset(0);
    this.next.push(0, this.scratch, 0);
  }

  /** The level of ids from the current next-level start up to `end` (exclusive) is to be expanded; its successors start at `end`. */
  nextLevel(end: number): void {
    [this.current, this.next] = [this.next, this.current];
    this.next.reset(end);
  }

  /** State `id` (of the level being expanded) is about to take its enabled `actions`. */
  enter(id: number, state: S, actions: readonly A[]): void {
    const n = actions.length;
    const { words, independence } = this;
    if (n > this.keys.length) {
      this.keys = new Int32Array(n * 2);
      this.asleep = new Uint8Array(n * 2);
      this.done = new Int32Array(n * 2);
      this.scratch = new Int32Array(n * 2);
    }
    if (n * 2 * words > this.prints.length) this.prints = new Uint32Array(n * 4 * words);
    this.state = state;
    this.actions = actions;
    this.doneCount = 0;
    this.printed = false;
    for (let j = 0; j < n; j++) {
      const key = independence.key(actions[j]);
      this.keys[j] = key;
      const asleep = this.current.has(id, key);
      this.asleep[j] = asleep ? 1 : 0;
      if (asleep) this.done[this.doneCount++] = j;
    }
  }

  /** Whether action `j` of the state entered is asleep there (and so skipped). */
  skips(j: number): boolean {
    if (this.asleep[j] === 0) return false;
    this.skipped++;
    return true;
  }

  /**
   * The step by action `j` was taken and reached state `child` (an id, or the complement of the
   * id of a state met before, as `FingerprintSet.addOrFind` returns it). Records its sleep set:
   * the actions asleep or taken before `j` that are independent of it.
   */
  arrive(j: number, child: number): void {
    this.footprints();
    this.scratchCount = 0;
    for (let i = 0; i < this.doneCount; i++) {
      const t = this.done[i];
      if (this.independent(t, j)) this.scratch[this.scratchCount++] = this.keys[t];
    }
    this.done[this.doneCount++] = j;
    if (child >= 0) this.next.push(child, this.scratch, this.scratchCount);
    else if (~child >= this.next.start) this.next.intersect(~child, this.scratch, this.scratchCount);
  }

  /** Computes the footprints of the state entered, once, on its first step taken. */
  private footprints(): void {
    if (this.printed) return;
    const { words, independence } = this;
    for (let j = 0; j < this.actions.length; j++) {
      independence.footprint(this.state, this.actions[j], this.prints, j * 2 * words);
    }
    this.printed = true;
  }

  private independent(t: number, u: number): boolean {
    return independentAt(this.prints, t * 2 * this.words, u * 2 * this.words, this.words);
  }
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
