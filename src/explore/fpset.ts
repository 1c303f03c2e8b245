/**
 * The set of visited states: 64-bit fingerprints in an open-addressing table of typed arrays,
 * each new fingerprint given a dense id (the order it was added in), plus per id the parent's id
 * and the index of the action (within `enabled(parent)`) that reached it, so a trace is rebuilt by
 * re-execution instead of storing states. The table holds 8 bytes a slot at a load of at most 0.6,
 * the parent links 8 bytes an id, both grown by doubling. A set that only counts
 * (`FingerprintSet.withoutLinks`) keeps no parent links; one that must find the id of a state met
 * again (`FingerprintSet.withIds`, for partial-order reduction) keeps 4 more bytes a slot.
 */

const EMPTY = 0;

export class FingerprintSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  private count = 0;
  private parents: Int32Array;
  private actions: Int32Array;
  private readonly linked: boolean;
  /** Per slot, the id of the fingerprint there (`withIds` only). */
  private slotIds: Int32Array | null = null;

  /**
   * With `shared`, the parent links live in SharedArrayBuffers (`links`), so worker threads can
   * rebuild states from them without a copy.
   */
  constructor(initialCapacity = 1 << 16, private readonly shared = false, links = true) {
    this.linked = links;
    this.parents = this.newLinks(links ? 1024 : 0);
    this.actions = this.newLinks(links ? 1024 : 0);
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.mask = cap - 1;
  }

  /** A set whose `addOrFind` also names the id of a fingerprint already present. */
  static withIds(initialCapacity = 1 << 16, shared = false): FingerprintSet {
    const set = new FingerprintSet(initialCapacity, shared);
    set.slotIds = new Int32Array(set.hi.length);
    return set;
  }

  /** A set that records no parent links (`parentOf`, `actionOf` and `links` are empty): 8 bytes less per state. */
  static withoutLinks(initialCapacity = 1 << 16): FingerprintSet {
    return new FingerprintSet(initialCapacity, false, false);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table and the parent arrays. */
  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.parents.byteLength + this.actions.byteLength + (this.slotIds?.byteLength ?? 0);
  }

  /**
   * Adds a fingerprint reached from `parent` by action number `action`; returns its new id, or -1
   * if it was already present.
   */
  add(hi: number, lo: number, parent: number, action: number): number {
    if (hi === EMPTY && lo === EMPTY) lo = 1;
    const i = this.slotOf(hi, lo);
    return i >= 0 ? -1 : this.insert(~i, hi, lo, parent, action);
  }

  /**
   * As `add`, on a set made `withIds`: the new id, or for a fingerprint already present the
   * bitwise complement of its id (a negative number).
   */
  addOrFind(hi: number, lo: number, parent: number, action: number): number {
    if (hi === EMPTY && lo === EMPTY) lo = 1;
    const i = this.slotOf(hi, lo);
    return i >= 0 ? ~this.slotIds![i] : this.insert(~i, hi, lo, parent, action);
  }

  /** Whether the fingerprint is present. */
  has(hi: number, lo: number): boolean {
    if (hi === EMPTY && lo === EMPTY) lo = 1;
    return this.slotOf(hi, lo) >= 0;
  }

  /** The slot holding `hi:lo`, or the complement of the empty slot where it would go. */
  private slotOf(hi: number, lo: number): number {
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const h = this.hi[i];
      const l = this.lo[i];
      if (h === EMPTY && l === EMPTY) return ~i;
      if (h === hi && l === lo) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** Puts a new fingerprint in empty slot `i`; its id. */
  private insert(i: number, hi: number, lo: number, parent: number, action: number): number {
    const id = this.count++;
    this.hi[i] = hi;
    this.lo[i] = lo;
    if (this.slotIds !== null) this.slotIds[i] = id;
    if (this.linked) this.record(id, parent, action);
    if (this.count * 10 > this.hi.length * 6) this.grow();
    return id;
  }

  /**
   * The table's slots, for a set on another thread to take in with `addAll` (empty slots hold
   * 0:0). The arrays are the set's own: hand them over only once the set is done with.
   */
  get slots(): { readonly hi: Uint32Array; readonly lo: Uint32Array } {
    return { hi: this.hi, lo: this.lo };
  }

  /**
   * Adds the fingerprints of another set's `slots` (with no parent links) while this set holds
   * fewer than `cap`; true when one was left out for the cap.
   */
  addAll(slots: { readonly hi: Uint32Array; readonly lo: Uint32Array }, cap = Infinity): boolean {
    const { hi, lo } = slots;
    for (let j = 0; j < hi.length; j++) {
      if (hi[j] === EMPTY && lo[j] === EMPTY) continue;
      const i = this.slotOf(hi[j], lo[j]);
      if (i >= 0) continue;
      if (this.count >= cap) return true;
      this.insert(~i, hi[j], lo[j], -1, -1);
    }
    return false;
  }

  /** The parent ids and action indices by id (valid below `size`); shared memory when the set was made `shared`. */
  get links(): { readonly parents: Int32Array; readonly actions: Int32Array } {
    return { parents: this.parents, actions: this.actions };
  }

  parentOf(id: number): number {
    return this.parents[id];
  }

  actionOf(id: number): number {
    return this.actions[id];
  }

  private record(id: number, parent: number, action: number): void {
    if (id >= this.parents.length) {
      const parents = this.newLinks(this.parents.length * 2);
      parents.set(this.parents);
      this.parents = parents;
      const actions = this.newLinks(this.actions.length * 2);
      actions.set(this.actions);
      this.actions = actions;
    }
    this.parents[id] = parent;
    this.actions[id] = action;
  }

  private newLinks(length: number): Int32Array {
    return this.shared ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length);
  }

  private grow(): void {
    const { hi, lo, slotIds } = this;
    const cap = hi.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    if (slotIds !== null) this.slotIds = new Int32Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < hi.length; j++) {
      if (hi[j] === EMPTY && lo[j] === EMPTY) continue;
      let i = (lo[j] ^ Math.imul(hi[j], 0x9e3779b1)) & this.mask;
      while (this.hi[i] !== EMPTY || this.lo[i] !== EMPTY) i = (i + 1) & this.mask;
      this.hi[i] = hi[j];
      this.lo[i] = lo[j];
      if (slotIds !== null) this.slotIds![i] = slotIds[j];
    }
  }
}
