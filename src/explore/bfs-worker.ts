/**
 * A worker thread of the parallel breadth-first search (parallel.ts): rebuilds the model from its
 * source, then for each level takes chunks of ids off a shared counter, rebuilds each state from
 * the shared parent links, steps it and reports every successor within bounds.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import type { Action, Model } from '../model.ts';
import { Ancestors, type Links } from './exhaustive.ts';
import { fingerprintInto } from './fingerprint.ts';
import type { ChunkResult, LevelTask } from './parallel.ts';
import { type BudgetCap, boundsOf, capOf } from './result.ts';
import { loadModel, type ModelSource, postToCoordinator } from './threads.ts';

const { source, cap, port, shared } = workerData as { source: ModelSource; cap: BudgetCap | null; port: MessagePort; shared: Int32Array };

try {
  const model = await loadModel<unknown, Action>(source);
  const inBounds = boundsOf(model);
  const inCap = capOf(model, cap ?? undefined);
  port.on('message', (task: LevelTask) => {
    try {
      level(model, inBounds, inCap, task);
    } catch (e) {
      postToCoordinator(port, shared, { kind: 'failed', message: String((e as Error).message ?? e).split('\n')[0] });
    }
  });
  postToCoordinator(port, shared, { kind: 'ready' });
} catch (e) {
  postToCoordinator(port, shared, { kind: 'failed', message: String((e as Error).message ?? e).split('\n')[0] });
}

/**
 * States whose state invariants this worker already checked: a direct-mapped cache of 2^20
 * fingerprints (8 MB). A state met again needs no second check: the coordinator takes chunks in
 * the order workers took them, so the first time this worker met it was earlier in the search,
 * where the coordinator added it (and took any violation). A miss only costs a check.
 */
const CHECKED_BITS = 20;
const checkedHi = new Uint32Array(1 << CHECKED_BITS);
const checkedLo = new Uint32Array(1 << CHECKED_BITS);

/** True when `hi:lo` was marked before; marks it now. */
function checkedBefore(hi: number, lo: number): boolean {
  if (hi === 0 && lo === 0) return false; // what an empty slot holds
  const slot = (lo ^ Math.imul(hi, 0x9e3779b1)) >>> (32 - CHECKED_BITS);
  if (checkedHi[slot] === hi && checkedLo[slot] === lo) return true;
  checkedHi[slot] = hi;
  checkedLo[slot] = lo;
  return false;
}

/** Takes chunks of the level until none is left. */
function level<S, A extends Action>(model: Model<S, A>, inBounds: (s: S) => boolean, inCap: ((s: S) => boolean) | null, task: LevelTask): void {
  const links: Links = { parentOf: (id) => task.parents[id], actionOf: (id) => task.actions[id] };
  const ancestors = new Ancestors(model, links);
  const view = model.fingerprintView ?? ((s: S) => s);
  const invs = task.invariants.map((i) => [i, model.invariants[i]] as const);
  const stepInvs = invs.filter(([, inv]) => inv.kind === 'transition');
  const stateInvs = invs.filter(([, inv]) => inv.kind === 'state');
  const fp = new Uint32Array(2);
  for (;;) {
    const c = Atomics.add(task.next, 0, 1);
    const from = task.start + c * task.chunk;
    if (from >= task.end) return;
    const to = Math.min(task.end, from + task.chunk);
    const hi: number[] = [], lo: number[] = [], parent: number[] = [], action: number[] = [], step: number[] = [];
    const stepFails: number[] = [], stateFails: number[] = [], goals: number[] = [];
    const names = new Map<string, number>();
    let cut = false;
    for (let id = from; id < to; id++) {
      const s = ancestors.state(id, task.depth);
      const actions = ancestors.enabled(task.depth);
      for (let j = 0; j < actions.length; j++) {
        const a = actions[j];
        const n = model.step(s, a);
        if (!inBounds(n)) continue;
        if (inCap !== null && !inCap(n)) {
          cut = true;
          continue;
        }
        const i = hi.length;
        fingerprintInto(view(n), fp);
        hi.push(fp[0]);
        lo.push(fp[1]);
        parent.push(id);
        action.push(j);
        let k = names.get(a.step);
        if (k === undefined) names.set(a.step, (k = names.size));
        step.push(k);
        for (const [index, inv] of stepInvs) if (!(inv.holds as (p: S, q: S) => boolean)(s, n)) stepFails.push(i, index);
        if (!checkedBefore(fp[0], fp[1])) for (const [index, inv] of stateInvs) if (!(inv.holds as (q: S) => boolean)(n)) stateFails.push(i, index);
        for (let g = 0; g < model.goals.length; g++) if (model.goals[g].reached(s, a, n)) goals.push(i, g);
      }
    }
    const result: ChunkResult = {
      kind: 'chunk', index: c, hi: Uint32Array.from(hi), lo: Uint32Array.from(lo), parent: Int32Array.from(parent), action: Int32Array.from(action),
      step: Uint16Array.from(step), names: [...names.keys()], capCut: cut, stepFails: Int32Array.from(stepFails), stateFails: Int32Array.from(stateFails), goals: Int32Array.from(goals),
    };
    postToCoordinator(port, shared, result, [result.hi.buffer, result.lo.buffer, result.parent.buffer, result.action.buffer, result.step.buffer,
      result.stepFails.buffer, result.stateFails.buffer, result.goals.buffer] as ArrayBuffer[]);
  }
}
