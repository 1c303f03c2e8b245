/**
 * The distinct states a search met, as a file (`check --states-out`), so that `merge --states`
 * counts a state that shards in processes of their own both met once, as the engine counts the
 * shards of a random campaign on threads. Little-endian words: the magic `KSFP`, the format's
 * version (1), the number of fingerprints, flags (bit 0: counting had stopped at its cap, so
 * the campaign met more states than the file holds), then each 64-bit fingerprint, high word first.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Counted } from '../explore/index.ts';
import { oneLine } from '../report/line.ts';
import { UsageError } from './options.ts';

const MAGIC = 0x5046534b;
const VERSION = 1;
const HEADER_WORDS = 4;

/** The fingerprints a counter holds (its empty slots left out), as the file's bytes. */
export function encodeStates(counted: Counted): Uint8Array {
  const { hi, lo } = counted;
  let n = 0;
  for (let i = 0; i < hi.length; i++) if (hi[i] !== 0 || lo[i] !== 0) n++;
  const bytes = new Uint8Array(4 * (HEADER_WORDS + 2 * n));
  const view = new DataView(bytes.buffer);
  [MAGIC, VERSION, n, counted.capped ? 1 : 0].forEach((x, i) => view.setUint32(4 * i, x, true));
  let at = 4 * HEADER_WORDS;
  for (let i = 0; i < hi.length; i++) {
    if (hi[i] === 0 && lo[i] === 0) continue;
    view.setUint32(at, hi[i], true);
    view.setUint32(at + 4, lo[i], true);
    at += 8;
  }
  return bytes;
}

/** The fingerprints in a file's bytes; throws a one-line UsageError naming `file` when they are not a states file. */
export function decodeStates(bytes: Uint8Array, file: string): Counted {
  const bad = (why: string) => new UsageError(oneLine(`merge: '${file}' is not a states file written by check --states-out (${why})`));
  if (bytes.byteLength < HEADER_WORDS * 4 || bytes.byteLength % 4 !== 0) throw bad(`${bytes.byteLength} bytes, not a header and whole fingerprints`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (i: number) => view.getUint32(4 * i, true);
  if (word(0) !== MAGIC) throw bad('no KSFP header');
  if (word(1) !== VERSION) throw bad(`version ${word(1)}, this kafka-spec reads ${VERSION}`);
  const n = word(2);
  if (bytes.byteLength !== 4 * (HEADER_WORDS + 2 * n)) throw bad(`it says ${n} fingerprints but holds ${(bytes.byteLength / 4 - HEADER_WORDS) / 2}`);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    hi[i] = word(HEADER_WORDS + 2 * i);
    lo[i] = word(HEADER_WORDS + 2 * i + 1);
  }
  return { hi, lo, capped: (word(3) & 1) === 1 };
}

/** A breadth-first search's visited-state table, as its slots (empty ones 0:0). */
export type VisitedStates = Pick<Counted, 'hi' | 'lo'>;

/** Writes the fingerprints a counter or a search's table holds to `file`; a one-line UsageError when it cannot. */
export function writeStates(file: string, counted: VisitedStates & { readonly capped?: boolean }): void {
  try {
    writeFileSync(file, encodeStates({ capped: false, ...counted }));
  } catch (e) {
    throw new UsageError(oneLine(`--states-out: cannot write '${file}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
  }
}

/** The fingerprints in `file`; a one-line UsageError when it cannot be read or is not a states file. */
export function readStates(file: string): Counted {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(oneLine(`merge: cannot read '${file}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
  }
  return decodeStates(bytes, file);
}
