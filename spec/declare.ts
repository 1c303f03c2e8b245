/**
 * How a configuration key is declared: its type (a zod schema, and how to read it from a
 * `key=value` string), what it means in one line, and, for a protocol switch, the change in Kafka
 * that flipped it. Types, validation, `--set` parsing, `kafka-spec list` and the docs all derive
 * from these declarations, so a key is declared once.
 */
import { z } from 'zod';

export interface Declaration<T> {
  readonly schema: z.ZodType<T>;
  /** The value a `key=value` string names, or undefined when it names none of this type. */
  readonly parse: (text: string) => T | undefined;
  /** The values it takes, for people: `true | false`, `hw | kip101 | …`, `0..4`. */
  readonly values: string;
  readonly meaning: string;
  /** For a protocol switch: the KIP or JIRA whose change it models, and the release that shipped it. */
  readonly change?: { readonly by: string; readonly release: string };
}

/** A declaration's value type. */
export type ValueOf<D> = D extends Declaration<infer T> ? T : never;

/** A switch or setting that is on or off. */
export function flag(meaning: string, by?: string, release?: string): Declaration<boolean> {
  return {
    schema: z.boolean(),
    parse: (t) => (t === 'true' ? true : t === 'false' ? false : undefined),
    values: 'true | false',
    meaning,
    ...(by === undefined ? {} : { change: { by, release: release ?? '' } }),
  };
}

/** One of a few named values. */
export function choice<T extends string>(options: readonly T[], meaning: string, by?: string, release?: string): Declaration<T> {
  return {
    schema: z.enum(options as unknown as [T, ...T[]]) as unknown as z.ZodType<T>,
    parse: (t) => (options as readonly string[]).includes(t) ? (t as T) : undefined,
    values: options.join(' | '),
    meaning,
    ...(by === undefined ? {} : { change: { by, release: release ?? '' } }),
  };
}

/** A whole number in `min..max`. */
export function whole(min: number, max: number, meaning: string): Declaration<number> {
  return {
    schema: z.number().int().min(min).max(max),
    parse: (t) => (/^-?\d+$/.test(t) ? Number(t) : undefined),
    values: `${min}..${max}`,
    meaning,
  };
}

/** A whole number in `0..max` that a configuration may leave out (its absence has a meaning of its own). */
export function optionalWhole(max: number, meaning: string): Declaration<number | undefined> {
  return {
    schema: z.number().int().min(0).max(max).optional(),
    parse: (t) => (/^\d+$/.test(t) ? Number(t) : undefined),
    values: `0..${max}`,
    meaning,
  };
}

/** A declaration whose values are given by hand (e.g. acks: 0, 1 or `all`). */
export function custom<T>(schema: z.ZodType<T>, parse: (t: string) => T | undefined, values: string, meaning: string): Declaration<T> {
  return { schema, parse, values, meaning };
}
