/**
 * The explored state graph that liveness checking needs: the breadth-first search's visited-state
 * table (fpset.ts, with ids for states met again), plus every edge, kept in one compressed row per
 * state: edge `k` of state `v` is its `k`-th enabled action, with the id of the state it leads to
 * and the fairness label of the action instance, and per state one bit per property saying it is
 * settled. A state costs the table's slot and links, a byte of bits and 8 bytes per outgoing edge;
 * all typed arrays, grown by doubling.
 */
import type { FingerprintSet } from './fpset.ts';

/** Edge target of a step the model's bounds cut (taken, the state would be past them). */
export const CUT = -1;
export { FAULT, UNFAIR } from './chunks.ts';

function grown<T extends Int32Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  let size = a.length * 2;
  while (size < need) size *= 2;
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/** The edges of the expanded states, row after row in id order, and every state's settled bits. */
export class EdgeRows {
  private settledBits = new Uint8Array(1024);
  /** `start[v]..start[v + 1]` are the edges of expanded state v. */
  private start = new Int32Array(1025);
  private targets = new Int32Array(4096);
  private labels = new Int32Array(4096);
  count = 0;
  /** States whose edges are recorded (a prefix of the ids, in breadth-first order). */
  rows = 0;

  get bytes(): number {
    return this.settledBits.byteLength + this.start.byteLength + this.targets.byteLength + this.labels.byteLength;
  }

  /** Records the next edge of the state being expanded. */
  add(target: number, label: number): void {
    this.targets = grown(this.targets, this.count + 1);
    this.labels = grown(this.labels, this.count + 1);
    this.targets[this.count] = target;
    this.labels[this.count] = label;
    this.count++;
  }

  /** Closes the row of the state being expanded and moves on to the next. */
  finishRow(): void {
    this.rows++;
    this.start = grown(this.start, this.rows + 1);
    this.start[this.rows] = this.count;
  }

  /** Sets state `id`'s settled bits (bit k: settled for property k). */
  settle(id: number, bits: number): void {
    this.settledBits = grown(this.settledBits, id + 1);
    this.settledBits[id] = bits;
  }

  settled(id: number, property: number): boolean {
    return (this.settledBits[id] & (1 << property)) !== 0;
  }

  first(id: number): number {
    return this.start[id];
  }

  end(id: number): number {
    return this.start[id + 1];
  }

  target(edge: number): number {
    return this.targets[edge];
  }

  label(edge: number): number {
    return this.labels[edge];
  }
}

/** The table and the edge rows as one graph. */
export class StateGraph {
  constructor(readonly states: FingerprintSet, readonly rows: EdgeRows) {}

  get size(): number {
    return this.states.size;
  }

  get edges(): number {
    return this.rows.count;
  }

  get expanded(): number {
    return this.rows.rows;
  }

  get bytes(): number {
    return this.states.bytes + this.rows.bytes;
  }

  parentOf(id: number): number {
    return this.states.parentOf(id);
  }

  actionOf(id: number): number {
    return this.states.actionOf(id);
  }

  settled(id: number, property: number): boolean {
    return this.rows.settled(id, property);
  }

  firstEdge(id: number): number {
    return this.rows.first(id);
  }

  endEdge(id: number): number {
    return this.rows.end(id);
  }

  target(edge: number): number {
    return this.rows.target(edge);
  }

  label(edge: number): number {
    return this.rows.label(edge);
  }
}
