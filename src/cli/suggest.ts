/** "Did you mean …?": the known name closest to what was typed, when one is close enough. */

/** Lower case without separators, so `min_insync_replicas`, `MinIsr` and `min.insync.replicas` compare by their letters. */
const letters = (s: string) => s.toLowerCase().replace(/[._\-\s]/g, '');

/** Levenshtein distance between `a` and `b`, or a number above `max` once it must exceed it. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length];
}

/** The candidate closest to `typed` (at most a third of its letters apart, and at least 1), or undefined. */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const t = letters(typed);
  const max = Math.max(1, Math.floor(t.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = distance(t, letters(name), max);
    if (d <= max && (best === undefined || d < best.d)) best = { name, d };
  }
  return best?.name;
}
