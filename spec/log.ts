/**
 * Pure log algebra: a replica's log, its leader-epoch cache, truncation and the epoch lookups that
 * leaders answer (LeaderEpochFileCache, UnifiedLog). Logs start at offset 0 (no retention is
 * modelled); the log end offset (LEO) is the next offset to be written.
 */
import type { Entry, EpochEndOffset, EpochEntry } from './types.ts';

export const UNDEFINED: EpochEndOffset = { epoch: -1, end: -1 };

/** The epoch of the newest cache entry, or -1 for an empty cache (`latestEpoch`). */
export function latestEpoch(cache: readonly EpochEntry[]): number {
  return cache.length === 0 ? -1 : cache[cache.length - 1].epoch;
}

/**
 * E1 `assign(epoch, start)`: a no-op when the newest entry already has this epoch and an earlier or
 * equal start; otherwise drop every entry with an epoch ≥ `epoch` or a start ≥ `start`, then add.
 */
export function assignEpoch(cache: readonly EpochEntry[], epoch: number, start: number): readonly EpochEntry[] {
  const last = cache[cache.length - 1];
  if (last !== undefined && last.epoch === epoch && start >= last.start) return cache;
  let keep = cache.length;
  while (keep > 0 && (cache[keep - 1].epoch >= epoch || cache[keep - 1].start >= start)) keep--;
  return [...cache.slice(0, keep), { epoch, start }];
}

/** `truncateFromEnd(offset)`: forget the epochs that start at or after `offset` (KAFKA-10706). */
export function truncateCacheFromEnd(cache: readonly EpochEntry[], offset: number): readonly EpochEntry[] {
  let keep = cache.length;
  while (keep > 0 && cache[keep - 1].start >= offset) keep--;
  return keep === cache.length ? cache : cache.slice(0, keep);
}

/**
 * E3 `endOffsetFor(requested)`: `(requested, LEO)` for the latest epoch; undefined when no epoch is
 * greater; `(requested, start of the next epoch)` when none is smaller or equal; otherwise
 * `(largest epoch ≤ requested, start of the next epoch)`.
 */
export function endOffsetForEpoch(cache: readonly EpochEntry[], leo: number, requested: number): EpochEndOffset {
  if (requested < 0) return UNDEFINED;
  if (latestEpoch(cache) === requested) return { epoch: requested, end: leo };
  const higher = cache.findIndex((e) => e.epoch > requested);
  if (higher < 0) return UNDEFINED;
  if (higher === 0) return { epoch: requested, end: cache[0].start };
  return { epoch: cache[higher - 1].epoch, end: cache[higher].start };
}

/**
 * KIP-101's (0.11) answer to OffsetsForLeaderEpoch: the LEO when `requested` is the latest epoch,
 * else the start offset of the first greater epoch, else undefined.
 */
export function kip101EndOffset(cache: readonly EpochEntry[], leo: number, requested: number): EpochEndOffset {
  if (requested < 0) return UNDEFINED;
  if (latestEpoch(cache) === requested) return { epoch: requested, end: leo };
  const higher = cache.find((e) => e.epoch > requested);
  return higher === undefined ? UNDEFINED : { epoch: requested, end: higher.start };
}

/** Entries appended by a follower, with the epoch cache learning each batch's epoch (E2). */
export function appendEntries(
  log: readonly Entry[],
  cache: readonly EpochEntry[],
  entries: readonly Entry[],
): { log: readonly Entry[]; cache: readonly EpochEntry[] } {
  let next = cache;
  for (let i = 0; i < entries.length; i++) next = assignEpoch(next, entries[i].epoch, log.length + i);
  return { log: log.concat(entries), cache: next };
}

/** True when both logs hold the same entry at every offset below `upTo`. */
export function samePrefix(a: readonly Entry[], b: readonly Entry[], upTo: number): boolean {
  if (a.length < upTo || b.length < upTo) return false;
  for (let o = 0; o < upTo; o++) if (!sameEntry(a[o], b[o])) return false;
  return true;
}

export function sameEntry(a: Entry | undefined, b: Entry | undefined): boolean {
  return a !== undefined && b !== undefined && a.epoch === b.epoch && a.value === b.value;
}

/** `v3@e1` style: value 3 appended in leader epoch 1; `v3@e1/p0s2` for an idempotent producer's batch (producer epoch 0, sequence 2). */
export function formatEntry(e: Entry): string {
  return e.sequence === undefined ? `v${e.value}@e${e.epoch}` : `v${e.value}@e${e.epoch}/p${e.producerEpoch}s${e.sequence}`;
}
