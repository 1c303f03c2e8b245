/**
 * 64-bit structural fingerprints of plain-data states (objects, arrays, numbers, strings,
 * booleans, null), computed in one walk with no intermediate string. Two independent 32-bit
 * multiply-rotate mixes give the high and low words; an object's keys take part (one hash of its
 * key sequence) so differently shaped values differ. As with TLC's fingerprints, two distinct
 * states collide with probability about 2^-64 per pair: about n²/2^65 over n states, below one
 * in a million for six million states.
 *
 * Every object or array is hashed on its own, from fresh seeds, and its 64-bit hash mixed into its
 * container's, so the hash of a part is a function of its value alone and can be remembered. A step changes a
 * few parts and shares the others with the state it came from, and successive states of a search
 * are siblings or cousins; so each position in the tree of parts (a path of indices, mapped onto
 * a table of `POSITIONS` entries) keeps the last `WAYS` parts met there with their hashes, most
 * recent first, for the parts down to `PART_DEPTH` levels below the state, and a part that is the
 * very same object as one of them is not walked again. A position that two paths share is
 * harmless: a hit is the same object, whose hash is the same wherever it is. Values must never
 * change once fingerprinted (a model's states are immutable).
 *
 * An object's keys are hashed once per shape: each position also keeps the key sequence of the
 * last object walked there and its hash, and an object whose keys are the same strings in the same
 * order (compared by identity first, which is how V8 stores property names) reuses the hash.
 */

/**
 * The two 32-bit lanes of the hash being built. A typed array, not two module variables: V8 reads
 * and writes its elements directly, where a module's `let` goes through its context with a check
 * that it was initialised (14% fewer instructions per fingerprint, callgrind).
 */
const H = new Int32Array(2);
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function mix(x: number): void {
  const a = Math.imul(H[0] ^ x, 0xcc9e2d51);
  H[0] = Math.imul((a << 15) | (a >>> 17), 0x1b873593);
  const b = Math.imul(H[1] + x, 0x85ebca77);
  H[1] = Math.imul(b ^ (b >>> 13), 0xc2b2ae35) + 0x27d4eb2f;
}

function stringHash(s: string): number {
  let h = 0x811c9dc5 ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Recently hashed strings (a state's strings are few: roles, message kinds, phases), direct-mapped by length and first character. */
const STRINGS = 256;
const strings: (string | null)[] = new Array(STRINGS).fill(null);
const stringHashes = new Int32Array(STRINGS);

function cachedStringHash(s: string): number {
  const slot = (s.length * 37 + (s.length > 0 ? s.charCodeAt(0) + s.charCodeAt(s.length - 1) * 7 : 0)) & (STRINGS - 1);
  if (strings[slot] === s) return stringHashes[slot];
  const h = stringHash(s);
  strings[slot] = s;
  stringHashes[slot] = h;
  return h;
}

const SEED1 = 0x9747b28c;
const SEED2 = 0x5bd1e995;

/** Levels below the state whose objects are remembered as parts; deeper ones are walked in full. */
const PART_DEPTH = 6;
const POSITION_BITS = 12;
const POSITIONS = 1 << POSITION_BITS;
/** Parts remembered per position. */
const WAYS = 4;
const memoParts: unknown[] = new Array(POSITIONS * WAYS).fill(null);
const memoHi = new Int32Array(POSITIONS * WAYS);
const memoLo = new Int32Array(POSITIONS * WAYS);
const shapeKeys: (string[] | null)[] = new Array(POSITIONS).fill(null);
const shapeHashes = new Int32Array(POSITIONS);
/** [0]: 1 while parts are remembered (a typed array for the reason `H` is one). */
const remembering = new Uint8Array([1]);

/** The position of child `k` of the part at `position`. */
function childPosition(position: number, k: number): number {
  return Math.imul(position * 64 + k + 1, 0x9e3779b1) >>> (32 - POSITION_BITS);
}

function primitive(x: unknown): void {
  switch (typeof x) {
    case 'number':
      if ((x | 0) === x) {
        mix(1);
        mix(x);
      } else {
        f64[0] = x;
        mix(2);
        mix(u32[0]);
        mix(u32[1]);
      }
      return;
    case 'string':
      mix(3);
      mix(cachedStringHash(x));
      return;
    case 'boolean':
      mix(x ? 4 : 5);
      return;
    case 'undefined':
      mix(6);
      return;
    default:
      throw new TypeError(`cannot fingerprint a ${typeof x}`);
  }
}

/** Mixes in `x`, found at `position`, `depth` levels below the state (a position of -1: not remembered). */
function value(x: unknown, position: number, depth: number): void {
  if (typeof x !== 'object') primitive(x);
  else if (x === null) mix(7);
  else part(x, depth < PART_DEPTH ? position : -1, depth);
}

/** The hash of the key sequence of `o`; at a `position`, remembered for the next object of its shape there. */
function shapeOf(o: Record<string, unknown>, position: number): number {
  const known = position < 0 ? null : shapeKeys[position];
  let k = 0;
  let same = known !== null;
  for (const key in o) {
    if (same && known![k] !== key) same = false;
    k++;
  }
  if (same && k === known!.length) return shapeHashes[position];
  const keys = Object.keys(o);
  let h = 0x2545f491 ^ keys.length;
  for (let i = 0; i < keys.length; i++) h = Math.imul(h ^ cachedStringHash(keys[i]), 0x01000193);
  if (position >= 0) {
    shapeKeys[position] = keys;
    shapeHashes[position] = h;
  }
  return h;
}

/**
 * Mixes in the hash of part `v`: walked from fresh seeds, whatever its depth, so that its hash
 * depends on its value alone; at a `position` (not -1), only when it is not one of the parts
 * remembered there.
 */
function part(v: object, position: number, depth: number): void {
  const first = position * WAYS;
  if (remembering[0] === 1 && position >= 0) {
    for (let w = first; w < first + WAYS; w++) {
      if (memoParts[w] !== v) continue;
      const hi = memoHi[w];
      const lo = memoLo[w];
      if (w !== first) {
        memoParts[w] = memoParts[first];
        memoHi[w] = memoHi[first];
        memoLo[w] = memoLo[first];
        memoParts[first] = v;
        memoHi[first] = hi;
        memoLo[first] = lo;
      }
      mix(hi);
      mix(lo);
      return;
    }
  }
  const outer1 = H[0];
  const outer2 = H[1];
  H[0] = SEED1;
  H[1] = SEED2;
  const below = position < 0;
  if (Array.isArray(v)) {
    mix(8);
    mix(v.length);
    for (let k = 0; k < v.length; k++) value(v[k], below ? -1 : childPosition(position, k), depth + 1);
  } else {
    const o = v as Record<string, unknown>;
    mix(9);
    mix(shapeOf(o, position));
    let k = 0;
    for (const key in o) value(o[key], below ? -1 : childPosition(position, k++), depth + 1);
  }
  const inner1 = H[0];
  const inner2 = H[1];
  H[0] = outer1;
  H[1] = outer2;
  if (position >= 0) {
    for (let w = first + WAYS - 1; w > first; w--) {
      memoParts[w] = memoParts[w - 1];
      memoHi[w] = memoHi[w - 1];
      memoLo[w] = memoLo[w - 1];
    }
    memoParts[first] = v;
    memoHi[first] = inner1;
    memoLo[first] = inner2;
  }
  mix(inner1);
  mix(inner2);
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Turns remembering parts off (every part walked every time) or back on; the fingerprints are the
 * same either way. For tests, which check exactly that, and the benchmark, which times both.
 */
export function rememberParts(on: boolean): void {
  remembering[0] = on ? 1 : 0;
  memoParts.fill(null);
}

/** Writes the fingerprint of `value` into `out[0]` (high word) and `out[1]` (low word). */
export function fingerprintInto(v: unknown, out: Uint32Array): void {
  H[0] = SEED1;
  H[1] = SEED2;
  value(v, 1, 0);
  out[0] = finish(H[0]);
  out[1] = finish(H[1] ^ H[0]);
}

/** The fingerprint as a 16-digit hex string (for tests and diagnostics, not the hot path). */
export function fingerprint(v: unknown): string {
  const out = new Uint32Array(2);
  fingerprintInto(v, out);
  return out[0].toString(16).padStart(8, '0') + out[1].toString(16).padStart(8, '0');
}
