/**
 * The explorer in a real headless browser (Debian's chromium, driven by playwright-core), bundled
 * from the current sources and served by `kafka-spec explore`'s server: run a known-bad
 * configuration to a counterexample in the Web Worker, step to the violation, take a step by
 * hand, turn the fixing switch on and replay, and see the violation gone; cancel a long check;
 * open a shared link and a trace file. .ci/run installs chromium; elsewhere the test is skipped with a visible
 * reason if it is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bundleExplorer } from '../../explorer/bundle.ts';
import { serveExplorer } from '../../src/cli/explore.ts';

const CHROMIUM = '/usr/bin/chromium';
const TRACE = 'docs/traces/truncate-to-hw-loss.json';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);

describe.skipIf(!available)('the explorer in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: Server;
  let url: string;
  const errors: string[] = [];
  const foreign: string[] = [];
  const byId = (id: string) => page.getByTestId(id);

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'explorer-'));
    await bundleExplorer(undefined, dir);
    ({ url, server } = await serveExplorer(dir, 0));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    page.on('request', (r) => { if (!r.url().startsWith(url)) foreign.push(r.url()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('body[data-ready]');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('runs a known-bad configuration to a counterexample, steps to it, extends it by hand, and replays it with the fix', async () => {
    await byId('protocol').selectOption('kafka-0.10');
    await byId('setting-rf').fill('2');
    await byId('setting-lossyCrashes').fill('0');
    await byId('setting-consumer').uncheck();
    await byId('engine').selectOption('exhaustive');
    await byId('first').check();
    await byId('run').click();
    await expect.poll(() => byId('verdict').textContent(), { timeout: 20_000 }).toMatch(/^Violated: no-fenced-in-isr/);
    expect(await byId('violation').textContent()).toMatch(/^Violates no-fenced-in-isr after step 4:/);
    expect(await byId('progress').textContent()).toMatch(/states, .* transitions, depth \d+/);
    const report = await byId('report').textContent();
    expect(report).toContain('VIOLATED no-fenced-in-isr');
    expect(report).toMatch(/Reachability goals \(transitions that reached each\):\n  \S+ +(NOT REACHED|\d)/);
    expect(report).toMatch(/Kinds of step never taken|Every kind of step that can happen here was taken/);

    for (let k = 1; k <= 4; k++) {
      expect(await byId('step-verdict').getAttribute('class')).toBe('ok');
      await byId('step-next').click();
      expect(await byId('step-index').inputValue()).toBe(String(k));
    }
    expect(await byId('step-verdict').textContent()).toContain('no-fenced-in-isr fails');
    expect(await page.locator('#diagram g.row').count()).toBe(4);
    expect(await page.locator('#diagram g.row.bad').getAttribute('data-step')).toBe('4');
    expect(await page.locator('#state td.changed').count()).toBeGreaterThan(0);

    const first = byId('enabled-steps').locator('button').first();
    const taken = await first.textContent();
    await first.click();
    expect(await byId('step-index').inputValue()).toBe('5');
    expect(await page.locator('#step-count').textContent()).toBe('5');
    expect(await page.locator('#step-label').textContent()).toBe(`Step 5: ${taken}.`);
    expect(await byId('violation').textContent()).toMatch(/^Violates no-fenced-in-isr after step 4:/);

    await page.screenshot({ path: join(tmpdir(), 'kafka-spec-explorer.png'), fullPage: true });
    await byId('setting-isrEligibilityChecksBrokerState').check();
    await byId('replay').click();
    expect(await byId('violation').textContent()).not.toContain('Violates');
    expect(await byId('replay-outcome').textContent()).toMatch(/before, it violated no-fenced-in-isr after step 4\.$/);
    expect(await byId('replay-outcome').textContent()).toMatch(/stops being possible at step \d|no invariant is violated/);

    await byId('setting-isrEligibilityChecksBrokerState').uncheck();
    await byId('replay').click();
    expect(await byId('violation').textContent()).toMatch(/^Violates no-fenced-in-isr after step 4:/);
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('shares the configuration and the trace in the address', async () => {
    await byId('share').click();
    const shared = page.url();
    expect(shared).toMatch(/#s=/);
    const other = await browser.newPage();
    await other.goto(shared);
    await other.waitForSelector('body[data-ready]');
    expect(await other.getByTestId('protocol').inputValue()).toBe('kafka-0.10');
    expect(await other.getByTestId('setting-rf').inputValue()).toBe('2');
    expect(await other.locator('#step-count').textContent()).toBe('5');
    expect(await other.getByTestId('violation').textContent()).toMatch(/^Violates no-fenced-in-isr after step 4:/);
    await other.close();
  });

  it('opens a trace file with its configuration, and says which file is wrong', async () => {
    const trace = JSON.parse(readFileSync(TRACE, 'utf8'));
    await byId('load-trace').setInputFiles(TRACE);
    await expect.poll(() => page.locator('#step-count').textContent()).toBe(String(trace.steps.length));
    expect(await byId('protocol').inputValue()).toBe(trace.config.protocol);
    expect(await byId('violation').textContent()).toMatch(new RegExp(`^Violates ${trace.violation.invariant} after step ${trace.violation.step}:`));
    await byId('setting-lossyCrashes').fill('0');
    await byId('setting-maxCrashes').fill('0');
    await byId('replay').click();
    const crash = trace.steps.findIndex((a: { step: string }) => a.step === 'BrokerCrash') + 1;
    expect(await byId('replay-outcome').textContent()).toBe(`Under this configuration the trace stops being possible: step ${crash} (BrokerCrash broker=2) is not enabled; before, it violated ${trace.violation.invariant} after step ${trace.violation.step}.`);
    expect(await page.locator('#diagram g.row.unreplayed').count()).toBe(trace.steps.length - crash + 1);
    expect(await byId('violation').getAttribute('class')).toBe('warn');
    await byId('load-trace').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"steps": 3') });
    await expect.poll(() => page.locator('#error').textContent()).toBe('broken.json: not valid JSON');
  });

  it('shows progress of a long check and cancels it', async () => {
    await byId('protocol').selectOption('kafka-4.1');
    await byId('setting-maxCrashes').fill('1');
    await byId('setting-rf').fill('3');
    await byId('setting-consumer').check();
    await byId('first').uncheck();
    await byId('run').click();
    await expect.poll(() => byId('progress').textContent(), { timeout: 10_000 }).toMatch(/^… [\d,]+ states/);
    expect(await byId('run').isDisabled()).toBe(true);
    await byId('cancel').click();
    expect(await byId('verdict').textContent()).toBe('Cancelled: no verdict.');
    expect(await byId('run').isEnabled()).toBe(true);
  });
});
