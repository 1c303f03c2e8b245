/**
 * V8's heap sized for model checking. A search allocates fast (every step builds a new state)
 * but keeps little in the JavaScript heap: breadth-first search holds its visited states as
 * fingerprints in typed arrays outside it, random runs drop a run's states when it ends. V8's
 * defaults are sized for programs that keep more of what they allocate: the young generation
 * grows to two 16 MB semi-spaces, and the old generation may grow to several times what
 * survived its last collection before it is collected again; here it fills with states that
 * lived through two young collections and died soon after. Together they took a breadth-first
 * search of 300,000 states to a peak 65 MB higher, four times what it added above the process's
 * start with these settings (`npx tsx bench/run.ts memory`).
 *
 * Two settings V8 reads each time it grows the heap, so they take effect when set by the running
 * process (unlike the semi-spaces' maximum size): the young generation stays at the size it has
 * when the command starts (2 MB; its collections happen more often and copy as little each, for
 * about the same total time), and the old generation grows by half of what survived, not by up
 * to four times. Node only (the browser build never
 * imports this); the results of a search do not depend on it.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * Sizes the heap of this process for exploring. Worker threads do not follow the young
 * generation's setting: the engine's pool sets theirs (src/explore/threads.ts).
 */
export function sizeHeapForSearch(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=50');
}
