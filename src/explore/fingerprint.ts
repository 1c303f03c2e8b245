/**
 * 64-bit structural fingerprints of plain-data states (objects, arrays, numbers, strings,
 * booleans, null), computed in one walk with no intermediate string. Two independent 32-bit
 * multiply-rotate mixes give the high and low words; object keys take part (through a cache of
 * their hashes) so differently shaped values differ. As with TLC's fingerprints, two distinct
 * states collide with probability about 2^-64 per pair: about n²/2^65 over n states, below one
 * in a million for six million states.
 *
 * The parts of a value one and two levels down (a state's controller, its replicas array, each
 * replica's slot) are hashed on their own and their 64-bit hashes mixed in, so a part can be
 * remembered: a step changes a few parts and shares the others with the state it came from, and
 * successive states of a search are siblings or cousins. Each position keeps the last part met
 * there with its hash, and a part that is the very same object is not walked again. The
 * fingerprint is a function of the value alone; the memo only saves work, which is why values
 * must never change once fingerprinted (a model's states are immutable).
 */

let h1 = 0;
let h2 = 0;
const keyHashes = new Map<string, number>();
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function mix(x: number): void {
  h1 = Math.imul(h1 ^ x, 0xcc9e2d51);
  h1 = Math.imul((h1 << 15) | (h1 >>> 17), 0x1b873593);
  h2 = Math.imul(h2 + x, 0x85ebca77);
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35) + 0x27d4eb2f;
}

function stringHash(s: string): number {
  let h = 0x811c9dc5 ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function keyHash(key: string): number {
  let h = keyHashes.get(key);
  if (h === undefined) {
    h = stringHash(key);
    keyHashes.set(key, h);
  }
  return h;
}

function walk(v: unknown): void {
  switch (typeof v) {
    case 'number':
      if ((v | 0) === v) {
        mix(1);
        mix(v);
      } else {
        f64[0] = v;
        mix(2);
        mix(u32[0]);
        mix(u32[1]);
      }
      return;
    case 'string':
      mix(3);
      mix(stringHash(v));
      return;
    case 'boolean':
      mix(v ? 4 : 5);
      return;
    case 'undefined':
      mix(6);
      return;
    case 'object':
      if (v === null) mix(7);
      else if (Array.isArray(v)) walkArray(v);
      else walkObject(v as Record<string, unknown>);
      return;
    default:
      throw new TypeError(`cannot fingerprint a ${typeof v}`);
  }
}

function walkArray(a: readonly unknown[]): void {
  mix(8);
  mix(a.length);
  for (let i = 0; i < a.length; i++) walk(a[i]);
}

function walkObject(o: Record<string, unknown>): void {
  mix(9);
  for (const key in o) {
    mix(keyHash(key));
    walk(o[key]);
  }
  mix(10);
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const SEED1 = 0x9747b28c;
const SEED2 = 0x5bd1e995;

/** Positions remembered: 16 parts one level down (positions 0-15), each with 16 parts of its own (16 + 16 × i + j). */
const FANOUT = 16;
const memoParts: unknown[] = new Array(FANOUT * (FANOUT + 1)).fill(null);
const memoHi = new Int32Array(FANOUT * (FANOUT + 1));
const memoLo = new Int32Array(FANOUT * (FANOUT + 1));
let remembering = true;

/** Mixes in part `x` found at index `i` of the part at position `slot` of level `level`. */
function walkChild(x: unknown, slot: number, level: number, i: number): void {
  if (level === 1 && typeof x === 'object' && x !== null && i < FANOUT) walkPart(x, FANOUT * (slot + 1) + i, 2);
  else walk(x);
}

/**
 * Mixes in the hash of part `v` (an object or array) at memo position `slot`, walking it only
 * when it is not the part last met there. Parts one level down (`level` 1) hash their own parts
 * the same way.
 */
function walkPart(v: object, slot: number, level: number): void {
  if (memoParts[slot] === v && remembering) {
    mix(memoHi[slot]);
    mix(memoLo[slot]);
    return;
  }
  const outer1 = h1;
  const outer2 = h2;
  h1 = SEED1;
  h2 = SEED2;
  if (Array.isArray(v)) {
    mix(8);
    mix(v.length);
    for (let k = 0; k < v.length; k++) walkChild(v[k], slot, level, k);
  } else {
    mix(9);
    const o = v as Record<string, unknown>;
    let k = 0;
    for (const key in o) {
      mix(keyHash(key));
      walkChild(o[key], slot, level, k++);
    }
    mix(10);
  }
  const inner1 = h1;
  const inner2 = h2;
  h1 = outer1;
  h2 = outer2;
  memoParts[slot] = v;
  memoHi[slot] = inner1;
  memoLo[slot] = inner2;
  mix(inner1);
  mix(inner2);
}

/**
 * Turns remembering parts off (every part walked every time) or back on; the fingerprints are the
 * same either way. For tests, which check exactly that, and the benchmark, which times both.
 */
export function rememberParts(on: boolean): void {
  remembering = on;
  memoParts.fill(null);
}

/** Writes the fingerprint of `value` into `out[0]` (high word) and `out[1]` (low word). */
export function fingerprintInto(value: unknown, out: Uint32Array): void {
  h1 = SEED1;
  h2 = SEED2;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    mix(11);
    let i = 0;
    const o = value as Record<string, unknown>;
    for (const key in o) {
      mix(keyHash(key));
      const x = o[key];
      if (typeof x === 'object' && x !== null && i < FANOUT) walkPart(x, i, 1);
      else walk(x);
      i++;
    }
  } else {
    walk(value);
  }
  out[0] = finish(h1);
  out[1] = finish(h2 ^ h1);
}

/** The fingerprint as a 16-digit hex string (for tests and diagnostics, not the hot path). */
export function fingerprint(value: unknown): string {
  const out = new Uint32Array(2);
  fingerprintInto(value, out);
  return out[0].toString(16).padStart(8, '0') + out[1].toString(16).padStart(8, '0');
}
