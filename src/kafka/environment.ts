/**
 * What a real cluster needs on this machine, checked before anything starts: a Java 17+ runtime
 * and a Kafka release's jars fetched by `npm run kafka:fetch`. Each missing piece is one
 * HarnessError line naming the fix.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from './errors.ts';

/** The releases `npm run kafka:fetch` fetches (kafka/fetch.sh), newest 4.1 first as the default. */
export const RELEASES = ['4.1.2', '4.0.2', '4.1.0', '4.4.0'] as const;
export const DEFAULT_RELEASE = RELEASES[0];

/**
 * The java command: `$KAFKA_SPEC_JAVA`, else `$JAVA_HOME/bin/java`, else `java` on the PATH;
 * checked to run and to be Java 17 or newer.
 */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  const java = env.KAFKA_SPEC_JAVA ?? (env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java');
  const r = spawnSync(java, ['-version'], { encoding: 'utf8', env, timeout: 20_000 });
  if (r.error !== undefined || r.status !== 0) throw new HarnessError(`no Java: '${java}' does not run (a real cluster needs Java 17 or newer; set JAVA_HOME or put java on the PATH)`);
  const m = /version "(\d+)/.exec(`${r.stderr}${r.stdout}`);
  if (m !== null && Number(m[1]) < 17) throw new HarnessError(`Java ${m[1]} found at '${java}': Kafka 4 needs Java 17 or newer`);
  return java;
}

/** A fetched release: the folder of its jars and of the compiled driver. */
export interface Jars {
  readonly version: string;
  readonly lib: string;
  readonly driver: string;
}

/** Release `version`'s jars under `root`/kafka/.jars, or a HarnessError naming `npm run kafka:fetch`. */
export function findJars(root: string, version: string): Jars {
  const dir = join(root, 'kafka', '.jars', version);
  const lib = join(dir, 'lib');
  const driver = join(dir, 'driver');
  const broker = `kafka_2.13-${version}.jar`;
  const fetched = existsSync(lib) && readdirSync(lib).includes(broker) && existsSync(join(driver, 'kafkaspec', 'driver', 'Driver.class'));
  if (!fetched) {
    const known = (RELEASES as readonly string[]).includes(version) ? '' : ` (the releases it fetches: ${RELEASES.join(', ')}; another with kafka/fetch.sh ${version})`;
    throw new HarnessError(`Kafka ${version}'s jars are not fetched: run \`npm run kafka:fetch\`${known}`);
  }
  return { version, lib, driver };
}
