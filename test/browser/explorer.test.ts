/**
 * The explorer in a real headless browser (Debian's chromium, driven by playwright-core), bundled
 * from the current sources and served by `kafka-spec explore`'s server: run a known-bad
 * configuration to a counterexample in the Web Worker, step to the violation, take a step by
 * hand, turn the fixing switch on and replay, and see the violation gone; cancel a long check;
 * open a shared link and a trace file. The page labels every switch and setting with its declared
 * meaning, grouped, keeps Run in view, shows the initial state's enabled steps, draws the diagram
 * in Kafka's words scrolling sideways, and opened from disk runs checks on its own thread and says
 * so. Screenshots go to tmp/browser/. .ci/run installs chromium; elsewhere the test is skipped with
 * a visible reason if it is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bundleExplorer } from '../../explorer/bundle.ts';
import { serveExplorer } from '../../src/cli/explore.ts';

const CHROMIUM = '/usr/bin/chromium';
const TRACE = 'docs/traces/truncate-to-hw-loss.json';
const available = existsSync(CHROMIUM);
const SHOTS = join('tmp', 'browser');
const VIEWPORT = { width: 1280, height: 800 };
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);

describe.skipIf(!available)('the explorer in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: Server;
  let url: string;
  let dir: string;
  const errors: string[] = [];
  const foreign: string[] = [];
  const byId = (id: string) => page.getByTestId(id);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'explorer-'));
    mkdirSync(SHOTS, { recursive: true });
    await bundleExplorer(undefined, dir);
    ({ url, server } = await serveExplorer(dir, 0));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: VIEWPORT });
    page.on('request', (r) => { if (!r.url().startsWith(url)) foreign.push(r.url()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('body[data-ready]');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('shows the initial state\'s enabled steps before any step is taken', async () => {
    expect(await page.locator('#step-count').textContent()).toBe('0');
    const enabled = await byId('enabled-steps').locator('button').allTextContents();
    expect(enabled).toContain('producer sends v1 to broker 1');
    expect(await byId('enabled-steps').locator('li small').first().textContent()).toBe('ProducerSend');
    expect(await page.locator('#diagram .box.init').textContent()).toBe('initial state');
  });

  it('labels each setting with its meaning, its key in small type, grouped, and keeps Run in view', async () => {
    const field = (section: string, key: string) => page.locator(`#section-${section} label.field[data-key="${key}"]`);
    expect(await field('durability', 'minIsr').locator('.meaning').textContent()).toMatch(/^min\.insync\.replicas/);
    expect(await field('durability', 'minIsr').locator('.key').textContent()).toBe('minIsr');
    expect(await field('protocol', 'fetchCarriesLeaderEpoch').locator('.key').textContent()).toMatch(/^fetchCarriesLeaderEpoch · KIP-\d+, [\d.]+$/);
    expect(await field('faults', 'maxCrashes').locator('.meaning').textContent()).toBe('broker crashes, lossy ones included');
    expect(await field('clients', 'consumer').count()).toBe(1);
    expect(await field('mutation', 'mutation').count()).toBe(1);
    expect((await page.locator('#configuration summary').allTextContents()).slice(0, 6))
      .toEqual(['Protocol rules', 'Durability settings', 'Faults and bounds', 'Clients', 'Mutation (a rule broken on purpose)', 'Search']);
    const inView = async () => {
      const box = (await byId('run').boundingBox())!;
      return box.y >= 0 && box.y + box.height <= VIEWPORT.height;
    };
    expect(await inView()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'explorer-open.png') });
    await page.mouse.wheel(0, 600);
    await expect.poll(() => page.evaluate('window.scrollY')).toBeGreaterThan(0);
    expect(await inView()).toBe(true);
    await page.evaluate('window.scrollTo(0, 0)');
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
    expect(await page.locator('#diagram .box[data-step]').count()).toBe(4);
    expect(await page.locator('#diagram .box.bad').getAttribute('data-step')).toBe('4');
    expect(await byId('missing').isVisible()).toBe(false);
    expect(await page.locator('#state td.changed').count()).toBeGreaterThan(0);

    const first = byId('enabled-steps').locator('button').first();
    const taken = await first.textContent();
    await first.click();
    expect(await byId('step-index').inputValue()).toBe('5');
    expect(await page.locator('#step-count').textContent()).toBe('5');
    expect(await page.locator('#step-label').textContent()).toBe(`Step 5: ${taken}.`);
    expect(await byId('violation').textContent()).toMatch(/^Violates no-fenced-in-isr after step 4:/);

    await page.screenshot({ path: join(SHOTS, 'explorer-trace.png'), fullPage: true });
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
    expect(await byId('missing').textContent()).toMatch(/^v\d+, committed at offset \d+ at step \d+, is .*: broker 1 holds .*\.$/);
    const diagram = page.locator('#diagram');
    const [scrollWidth, clientWidth] = await diagram.evaluate((d) => [d.scrollWidth, d.clientWidth]);
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    await diagram.evaluate((d) => d.scrollTo(d.scrollWidth, 0));
    const frame = (await diagram.boundingBox())!;
    const consumer = (await page.locator('#diagram .lane[data-lane="consumer"]').boundingBox())!;
    expect(consumer.x + consumer.width).toBeLessThanOrEqual(frame.x + frame.width);
    expect(consumer.x).toBeGreaterThanOrEqual(frame.x);
    await diagram.evaluate((d) => d.scrollTo(0, 0));
    expect(await page.locator('#diagram svg line.message').count()).toBeGreaterThan(0);
    for (const text of await page.locator('#diagram .box').allTextContents()) expect(text).not.toContain('…');
    await page.screenshot({ path: join(SHOTS, 'explorer-trace-file.png') });
    await byId('setting-lossyCrashes').fill('0');
    await byId('setting-maxCrashes').fill('0');
    await byId('replay').click();
    const crash = trace.steps.findIndex((a: { step: string }) => a.step === 'BrokerCrash') + 1;
    expect(await byId('replay-outcome').textContent()).toBe(`Under this configuration the trace stops being possible: step ${crash} (BrokerCrash broker=2) is not enabled; before, it violated ${trace.violation.invariant} after step ${trace.violation.step}.`);
    expect(await page.locator('#diagram .unreplayed').count()).toBe(trace.steps.length - crash + 1);
    expect(await byId('violation').getAttribute('class')).toBe('warn');
    await byId('load-trace').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"steps": 3') });
    await expect.poll(() => page.locator('#error').textContent()).toMatch(/^broken\.json: not valid JSON: .* at line \d+, column \d+$/);
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

  it('opened from disk, runs checks on the page\'s own thread and says so in one sentence', async () => {
    const disk = await browser.newPage({ viewport: VIEWPORT });
    const failures: string[] = [];
    disk.on('pageerror', (e) => failures.push(e.message));
    await disk.goto(`file://${join(dir, 'index.html')}`);
    await disk.waitForSelector('body[data-ready]');
    const notice = disk.getByTestId('page-thread');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toMatch(/^Opened from disk: checks run on this page's own thread, .* run npx kafka-spec explore and open the address it prints/);
    await disk.getByTestId('protocol').selectOption('kafka-0.10');
    await disk.getByTestId('setting-rf').fill('2');
    await disk.getByTestId('setting-lossyCrashes').fill('0');
    await disk.getByTestId('setting-consumer').uncheck();
    await disk.getByTestId('engine').selectOption('exhaustive');
    await disk.getByTestId('first').check();
    await disk.getByTestId('run').click();
    await expect.poll(() => disk.getByTestId('verdict').textContent(), { timeout: 30_000 }).toMatch(/^Violated: no-fenced-in-isr/);
    await disk.evaluate('window.scrollTo(0, 0)');
    await disk.screenshot({ path: join(SHOTS, 'explorer-file.png') });
    expect(failures).toEqual([]);
    await disk.close();
  });
});
