/**
 * The Java processes the harness starts, and the guarantee that none outlives it: every child is
 * registered while it runs, killed (SIGKILL) when this process exits however it exits, and noted
 * in a pid folder in the system's temp folder with the pid of the Node process that owns it, so
 * that the next run kills what a run killed with SIGKILL (which no exit hook survives) left behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The system property that marks a JVM as the harness's, so a leftover is never confused with another Java process. */
export const MARK = '-Dkafka.spec.harness=1';

const PIDS = join(tmpdir(), 'kafka-spec-harness-pids');
const live = new Set<ChildProcess>();
let hooked = false;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isHarnessJvm(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(MARK);
  } catch {
    return false;
  }
}

/** Kills the harness JVMs whose owning Node process is gone (a run killed outright); returns how many. */
export function reapLeftovers(): number {
  let reaped = 0;
  let files: string[] = [];
  try {
    files = readdirSync(PIDS);
  } catch {
    return 0;
  }
  for (const f of files) {
    const pid = Number(f);
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(PIDS, f), 'utf8'));
    } catch { /* removed meanwhile */ }
    if (owner === process.pid || (Number.isFinite(owner) && alive(owner))) continue;
    if (alive(pid) && isHarnessJvm(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
        reaped++;
      } catch { /* gone */ }
    }
    rmSync(join(PIDS, f), { force: true });
  }
  return reaped;
}

function killAllNow(): void {
  for (const c of live) {
    try {
      if (c.pid !== undefined) process.kill(c.pid, 'SIGKILL');
    } catch { /* already gone */ }
    if (c.pid !== undefined) rmSync(join(PIDS, String(c.pid)), { force: true });
  }
  live.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllNow);
}

/** Every harness process still running, killed at once (SIGKILL); for signal handlers and failures. */
export function killAll(): void {
  killAllNow();
}

/** A started JVM: its process, and a promise of its exit code (or the signal's name). */
export interface Started {
  readonly child: ChildProcess;
  readonly exited: Promise<string>;
}

/** Starts `java args…` with its output appended to `outFile`; it is killed when this process exits. */
export function startJava(java: string, args: readonly string[], outFile: string, env: NodeJS.ProcessEnv = process.env): Started {
  hook();
  const out = createWriteStream(outFile, { flags: 'a' });
  const child = spawn(java, [MARK, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  live.add(child);
  if (child.pid !== undefined) {
    mkdirSync(PIDS, { recursive: true });
    writeFileSync(join(PIDS, String(child.pid)), String(process.pid));
  }
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      if (child.pid !== undefined) rmSync(join(PIDS, String(child.pid)), { force: true });
      out.end();
      resolve(signal ?? String(code));
    });
    child.once('error', (e) => {
      live.delete(child);
      out.end();
      resolve(`error: ${e.message}`);
    });
  });
  return { child, exited };
}

/** How many harness processes this Node process has running. */
export function running(): number {
  return live.size;
}
