/**
 * The explored state graph that liveness checking needs: every distinct state (a 64-bit
 * fingerprint with a dense id given in breadth-first order), its parent and the action index
 * that first reached it (so prefixes are rebuilt by re-execution, as in the safety search), and
 * every edge, kept in one compressed row per state: edge `k` of state `v` is its `k`-th enabled
 * action, with the id of the state it leads to and the fairness label of the action instance.
 *
 * A state costs its fingerprint slot (12 bytes at a load of at most 0.6), 13 bytes of links and
 * flags, and 8 bytes per outgoing edge; all typed arrays, grown by doubling.
 */

/** Edge target of a step the model's bounds cut (taken, the state would be past them). */
export const CUT = -1;
/** Edge label of a fault step; a fair step's label is its action instance's number (≥ 0). */
export const FAULT = -2;
/** Edge label of a step that is neither a fault nor owed. */
export const UNFAIR = -3;

const EMPTY = 0;

function grown<T extends Int32Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  let size = a.length * 2;
  while (size < need) size *= 2;
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

export class StateGraph {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private slotIds: Int32Array;
  private mask: number;
  private count = 0;
  private parents = new Int32Array(1024);
  private actions = new Int32Array(1024);
  /** Per state, one bit per liveness property: set when the state is settled for it. */
  private settledBits = new Uint8Array(1024);
  /** `edgeStart[v]..edgeStart[v + 1]` are the edges of expanded state v. */
  private edgeStart = new Int32Array(1025);
  private targets = new Int32Array(4096);
  private labels = new Int32Array(4096);
  private edgeCount = 0;
  /** States whose edges are recorded (a prefix of the ids, in breadth-first order). */
  expanded = 0;

  constructor(initialCapacity = 1 << 16) {
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.slotIds = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  get edges(): number {
    return this.edgeCount;
  }

  /** Bytes held by the fingerprint table, the per-state arrays and the edges. */
  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.slotIds.byteLength + this.parents.byteLength + this.actions.byteLength +
      this.settledBits.byteLength + this.edgeStart.byteLength + this.targets.byteLength + this.labels.byteLength;
  }

  /**
   * The id of the state with this fingerprint. A new state is added, reached from `parent` by
   * action number `action` (its settled bits are then set with `setSettled`); `isNew` tells which.
   */
  idOf(hi: number, lo: number, parent: number, action: number): { id: number; isNew: boolean } {
    if (hi === EMPTY && lo === EMPTY) lo = 1;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const h = this.hi[i];
      const l = this.lo[i];
      if (h === EMPTY && l === EMPTY) break;
      if (h === hi && l === lo) return { id: this.slotIds[i], isNew: false };
      i = (i + 1) & this.mask;
    }
    const id = this.count++;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.slotIds[i] = id;
    this.parents = grown(this.parents, id + 1);
    this.actions = grown(this.actions, id + 1);
    this.settledBits = grown(this.settledBits, id + 1);
    this.parents[id] = parent;
    this.actions[id] = action;
    this.settledBits[id] = 0;
    if (this.count * 10 > this.hi.length * 6) this.rehash();
    return { id, isNew: true };
  }

  /** Records the next edge of the state being expanded (states are expanded in id order). */
  addEdge(target: number, label: number): void {
    this.targets = grown(this.targets, this.edgeCount + 1);
    this.labels = grown(this.labels, this.edgeCount + 1);
    this.targets[this.edgeCount] = target;
    this.labels[this.edgeCount] = label;
    this.edgeCount++;
  }

  /** Closes the edge row of state `expanded` and moves on to the next. */
  finishExpanding(): void {
    this.expanded++;
    this.edgeStart = grown(this.edgeStart, this.expanded + 1);
    this.edgeStart[this.expanded] = this.edgeCount;
  }

  parentOf(id: number): number {
    return this.parents[id];
  }

  actionOf(id: number): number {
    return this.actions[id];
  }

  /** Sets state `id`'s settled bits (bit k: settled for property k). */
  setSettled(id: number, bits: number): void {
    this.settledBits[id] = bits;
  }

  settled(id: number, property: number): boolean {
    return (this.settledBits[id] & (1 << property)) !== 0;
  }

  firstEdge(id: number): number {
    return this.edgeStart[id];
  }

  endEdge(id: number): number {
    return this.edgeStart[id + 1];
  }

  target(edge: number): number {
    return this.targets[edge];
  }

  label(edge: number): number {
    return this.labels[edge];
  }

  private rehash(): void {
    const { hi, lo, slotIds } = this;
    const cap = hi.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.slotIds = new Int32Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < hi.length; j++) {
      if (hi[j] === EMPTY && lo[j] === EMPTY) continue;
      let i = (lo[j] ^ Math.imul(hi[j], 0x9e3779b1)) & this.mask;
      while (this.hi[i] !== EMPTY || this.lo[i] !== EMPTY) i = (i + 1) & this.mask;
      this.hi[i] = hi[j];
      this.lo[i] = lo[j];
      this.slotIds[i] = slotIds[j];
    }
  }
}
