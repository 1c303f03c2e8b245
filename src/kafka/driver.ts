/**
 * The harness's side of the JSON-lines driver (kafka/driver): Kafka's own producer, consumer and
 * admin client in a small JVM, one request and one answer a line.
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { HarnessError } from './errors.ts';
import { startJava, type Started } from './processes.ts';
import type { Jars } from './environment.ts';

/** An answer: `ok`, or the Java exception's class and message. */
export type Answer = { ok: true; [k: string]: unknown } | { ok: false; error: string; message: string };

/** What `describe` answers: the controller's view as the Admin API gives it. */
export interface Description {
  readonly leader: number;
  readonly isr: number[];
  readonly elr: number[];
  readonly lastKnownElr: number[];
  readonly replicas: number[];
}

/** A completed produce request. */
export interface Completion {
  readonly id: number;
  readonly value: string;
  readonly offset: number | null;
  readonly error: string | null;
}

/** A record the consumer returned. */
export interface Consumed {
  readonly offset: number;
  readonly value: string;
  readonly leaderEpoch: number;
}

export class Driver {
  private seq = 0;
  private readonly waiting = new Map<number, (a: Answer) => void>();

  private constructor(private readonly proc: Started) {
    const lines = createInterface({ input: proc.child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      let a: Answer & { seq?: number };
      try {
        a = JSON.parse(line) as Answer & { seq?: number };
      } catch {
        return;
      }
      const w = a.seq === undefined ? undefined : this.waiting.get(a.seq);
      if (w !== undefined && a.seq !== undefined) {
        this.waiting.delete(a.seq);
        w(a);
      }
    });
    void proc.exited.then((how) => {
      for (const w of this.waiting.values()) w({ ok: false, error: 'DriverExited', message: `the driver exited (${how})` });
      this.waiting.clear();
    });
  }

  /** Starts the driver JVM against the brokers at `bootstrap`, its output (stderr) in `outFile`. */
  static start(java: string, jars: Jars, bootstrap: string, outFile: string): Driver {
    const cp = `${jars.driver}:${join(jars.lib, '*')}`;
    const proc = startJava(java, ['-Xmx192m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Dlog4j2.level=WARN', '-cp', cp, 'kafkaspec.driver.Driver', bootstrap], outFile);
    // Its stdout is the answers, read line by line below, not copied to the log file (stderr is).
    proc.child.stdout?.unpipe();
    return new Driver(proc);
  }

  /** Sends one command; its answer, or a DriverTimeout answer after `timeoutMs`. */
  request(cmd: Record<string, unknown>, timeoutMs = 20_000): Promise<Answer> {
    const seq = this.seq++;
    return new Promise<Answer>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        resolve({ ok: false, error: 'DriverTimeout', message: `no answer to ${String(cmd.op)} in ${timeoutMs} ms` });
      }, timeoutMs);
      this.waiting.set(seq, (a) => {
        clearTimeout(timer);
        resolve(a);
      });
      this.proc.child.stdin?.write(`${JSON.stringify({ ...cmd, seq })}\n`);
    });
  }

  /** A command that must succeed: its answer, or a HarnessError with the Java error. */
  async must(cmd: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>> {
    const a = await this.request(cmd, timeoutMs);
    if (!a.ok) throw new HarnessError(`driver ${String(cmd.op)}: ${a.error}: ${a.message}`);
    return a;
  }

  /** Ends the driver (quit, then SIGKILL if it lingers). */
  async close(): Promise<void> {
    this.proc.child.stdin?.end('{"op":"quit"}\n');
    const t = setTimeout(() => this.proc.child.kill('SIGKILL'), 2000);
    await this.proc.exited;
    clearTimeout(t);
  }
}
