/**
 * docs/availability.md is generated (`kafka-spec guarantees`). Its
 * rf 3 rows take minutes, too long for every test run, so freshness is tested in two parts: the
 * fingerprint recorded in the page must be that of today's sources (any change to the model,
 * the liveness engine or the table's code makes it stale), and the rf 2 rows, cheap to compute,
 * are regenerated here and must match the page, and their lasso files, byte for byte. The three
 * rows of Kafka's documented table (rf 3, acks=all, min.insync.replicas 1, 2, 3) must say what it
 * says, and a linked lasso must replay as a violation.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AVAILABILITY_ROWS } from '../../properties/availability.ts';
import { availabilityLine, sourcesFingerprint } from '../../src/cli/availability.ts';
import { availabilityRow } from '../../src/report/availability.ts';
import { runCli } from '../cli/run-cli.ts';

const root = join(import.meta.dirname, '../..');
const page = readFileSync(join(root, 'docs/availability.md'), 'utf8');
const REGENERATE = 'regenerate with: npx kafka-spec guarantees --part availability';

describe('docs/availability.md', () => {
  it('was computed from today\'s sources', () => {
    const recorded = page.match(/model sources with fingerprint `([0-9a-f]{16})`/)?.[1];
    expect(recorded, REGENERATE).toBe(sourcesFingerprint(root));
  });

  it('has the rf 2 rows and their lassos as they come out now', () => {
    for (const row of AVAILABILITY_ROWS.filter((r) => r.rf === 2)) {
      const { line, traces } = availabilityLine(row);
      expect(page, REGENERATE).toContain(`${availabilityRow(line)}\n`);
      for (const [file, text] of Object.entries(traces)) expect(readFileSync(join(root, 'docs', file), 'utf8'), file).toBe(text);
    }
  });

  it('agrees with Kafka\'s documented tolerance for rf 3: min.insync.replicas m keeps acks=all writes with 3 − m brokers down', () => {
    for (const m of [1, 2, 3]) {
      const line = page.split('\n').find((l) => l.startsWith(`| 3 | ${m} | off | on |`));
      expect(line, `row rf 3, min ${m}`).toBeDefined();
      expect(line!.split(' | ')[4]).toMatch(new RegExp(`^${3 - m === 0 ? 'none|0' : String(3 - m)}\\b`));
    }
  });

  it('links lassos that replay as violations', async () => {
    const link = page.match(/\((counterexamples\/availability-rf3-[^)]+\.json)\)/)?.[1];
    expect(link).toBeDefined();
    expect((await runCli('replay', join(root, 'docs', link!))).code).toBe(1);
  });
});
