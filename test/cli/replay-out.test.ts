/**
 * `kafka-spec replay --out FILE` writes the rendering to FILE in every format, text included, and
 * prints one line saying where; without --out the rendering goes to standard output.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.ts';

const run = runCli;

const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-replay-out-'));
const trace = join(dir, 'acks1.json');

describe('kafka-spec replay --out', () => {
  it('has a counterexample to render', async () => {
    expect((await run('check', '--acks', '1', '--first', '--out', trace, '--set', 'consumer=false')).code).toBe(1);
  });

  it('writes the text rendering to the file, and prints only where it went', async () => {
    const out = join(dir, 'trace.txt');
    const printed = await run('replay', trace, '--out', out);
    const explicit = await run('replay', trace, '--format', 'text', '--out', join(dir, 'explicit.txt'));
    expect(printed.code).toBe(1);
    expect(explicit.code).toBe(1);
    expect(printed.err).toBe('');
    expect(printed.out.split('\n')).toHaveLength(1);
    expect(printed.out).toContain(out);
    const written = readFileSync(out, 'utf8');
    // The file holds what replay prints without --out.
    expect(written).toBe(`${(await run('replay', trace)).out}\n`);
    expect(written).toContain('Violated after step 3: acks-one-durable');
    expect(readFileSync(join(dir, 'explicit.txt'), 'utf8')).toBe(written);
  });

  it('writes the JSON result to the file with --json', async () => {
    const out = join(dir, 'result.json');
    const r = await run('replay', trace, '--json', '--out', out);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toHaveLength(1);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ verdict: 'violated', violation: { invariant: 'acks-one-durable', step: 3 } });
  });

  it.each(['text', 'markdown', 'mermaid', 'html', 'itf', 'vitest'])('%s: one line naming the file, the file written', async (format) => {
    const out = join(dir, `rendered-${format}`);
    const r = await run('replay', trace, '--format', format, '--out', out);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toHaveLength(1);
    expect(r.out).toMatch(new RegExp(`^Wrote .*${format}.* to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.$`));
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8').endsWith('\n')).toBe(true);
  });

  it('says so on one line, exit 2, when the file cannot be written', async () => {
    const r = await run('replay', trace, '--out', join(dir, 'no-such-folder', 'x.txt'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^kafka-spec: --out: cannot write '.*x\.txt' \(ENOENT\)$/);
    expect(r.out).toBe('');
  });
});
