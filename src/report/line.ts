/**
 * Every error the CLI prints is one line; text quoted from a command line or an input file may
 * hold line breaks, so messages built from it go through `oneLine`.
 */

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** `text` with control characters (newlines, tabs, …) written as escapes: `\n`, `\t`, `\u000b`, … */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
