/**
 * The HTML trace viewer in a real headless browser (Debian's chromium, driven by
 * playwright-core): it opens at the violation with a title naming protocol, replication factor
 * and invariant; each step's box tells what happened in Kafka's words (the step's name in its
 * tooltip), uncut; a fetch is one arrow from the step that sent it to the step that handled it;
 * the page says what is missing where; stepping shows the state after that step. Screenshots go
 * to tmp/browser/. .ci/run installs chromium; elsewhere the test is skipped if it is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import { exploreExhaustive } from '../../src/explore/index.ts';
import { replay } from '../../src/trace/replay.ts';
import { renderTraceHtml } from '../../src/report/html.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);
const SHOTS = join('tmp', 'browser');

const model = kafkaModelOf({ protocol: 'kafka-0.10', rf: 2, lossyCrashes: 0, consumer: false });
const v = exploreExhaustive(model, { invariants: ['leader-completeness'], stopAtFirst: true }).violations[0];
const { states, violation } = replay(model, v.trace, { invariants: [v.invariant] });
const steps = v.trace.map((a) => a.step);
/** The last fetch the leader handled, and the fetch step of its follower that sent it. */
const handled = steps.lastIndexOf('LeaderHandleFetch') + 1;
const follower = (v.trace[handled - 1] as Extract<ClusterAction, { step: 'LeaderHandleFetch' }>).from;
const sent = v.trace.findLastIndex((a, i) => i < handled - 1 && a.step === 'FollowerFetch' && a.broker === follower) + 1;

describe.skipIf(!available)('HTML trace viewer in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'viewer-')), 'trace.html');
    writeFileSync(file, renderTraceHtml(model, v.trace, states, 'kafka-spec trace hw.json', violation));
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);
  afterAll(async () => browser?.close());

  it('opens at the violating step under a title naming protocol, replication factor and invariant', async () => {
    const title = `kafka-0.10 · rf 2 · leader-completeness violated at step ${v.length}`;
    expect(await page.title()).toBe(title);
    expect(await page.locator('h1').textContent()).toBe(title);
    expect(await page.locator('#current').textContent()).toBe(String(v.length));
    expect(await page.locator('#steps li.current').getAttribute('data-step')).toBe(String(v.length));
    await page.screenshot({ path: join(SHOTS, 'viewer-open.png') });
  });

  it('says what is missing where', async () => {
    const missing = await page.locator('#missing').textContent();
    expect(missing).toMatch(/^v1, committed at offset 0 at step \d+, is missing from leader 2 \(which holds nothing there\); only broker 1 holds it: broker 1 holds v1, broker 2 holds nothing\.$/);
  });

  it('draws one box per step in Kafka\'s words, uncut, the step\'s name in its tooltip', async () => {
    const boxes = page.locator('#grid .box[data-step]');
    expect(await boxes.count()).toBe(v.length);
    expect(await page.locator('svg line.lifeline').count()).toBe(model.presentation!.views!.participants.length);
    const truncation = steps.lastIndexOf('BrokerApplyMetadata') + 1;
    const box = page.locator(`#grid .box[data-step="${truncation}"]`);
    expect(await box.textContent()).toContain('broker 2 truncates its log to offset 0 (its HW)');
    expect(await box.getAttribute('title')).toMatch(/^BrokerApplyMetadata: /);
    expect(await box.getAttribute('data-over')).toBe('b2');
    for (const text of await boxes.allTextContents()) expect(text).not.toContain('…');
    expect(await page.locator('#steps li').nth(truncation).textContent()).toContain('BrokerApplyMetadata');
  });

  it('draws a fetch as one arrow from the step that sent it to the step that handled it', async () => {
    expect(handled - sent).toBeGreaterThan(1);
    const arrow = page.locator(`svg line.message[data-sent="${sent}"][data-received="${handled}"]`);
    expect(await arrow.count()).toBe(1);
    expect(await arrow.getAttribute('data-from')).toBe(`b${follower}`);
    expect(await arrow.getAttribute('data-to')).toBe('b1');
    const [y1, y2] = [Number(await arrow.getAttribute('y1')), Number(await arrow.getAttribute('y2'))];
    const top = async (k: number) => (await page.locator(`#grid .box[data-step="${k}"]`).boundingBox())!.y;
    expect(y2 - y1).toBeGreaterThan((await top(handled)) - (await top(sent + 1)));
    expect(await page.locator(`#grid .box[data-step="${handled}"] .sent`).textContent()).toBe(`↖ sent at step ${sent}`);
    await page.setViewportSize({ width: 1400, height: 1500 });
    await page.locator('#diagram').evaluate((d) => d.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'viewer-arrow.png') });
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('shows the full state after the step chosen with the slider, the list or the keyboard', async () => {
    const expectCells = async (k: number) => {
      const cells = model.presentation!.views!.cells(states[k]);
      for (const [key, text] of Object.entries(cells)) {
        expect(await page.locator(`#state td[data-cell="${key}"]`).textContent()).toBe(text);
      }
    };
    await expectCells(v.length);
    await page.locator('#slider').fill('4');
    await expectCells(4);
    expect(await page.locator('#current').textContent()).toBe('4');
    await page.locator('#steps li').nth(7).click();
    await expectCells(7);
    expect(await page.locator('#grid .box.current').getAttribute('data-step')).toBe('7');
    await page.keyboard.press('ArrowRight');
    await expectCells(8);
  });
});
