/**
 * The HTML trace viewer in a real headless browser (Debian's chromium, driven by
 * playwright-core): the diagram draws every step, and stepping shows the state after that step.
 * .ci/run installs chromium; elsewhere the test is skipped with a visible reason if it is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { exploreExhaustive } from '../../src/explore/index.ts';
import { replay } from '../../src/trace/replay.ts';
import { renderTraceHtml } from '../../src/report/html.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);

const model = kafkaModelOf({ protocol: 'kafka-0.10', rf: 2, lossyCrashes: 0, consumer: false });
const v = exploreExhaustive(model, { invariants: ['leader-completeness'], stopAtFirst: true }).violations[0];
const { states, violation } = replay(model, v.trace, { invariants: [v.invariant] });

describe.skipIf(!available)('HTML trace viewer in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'viewer-')), 'trace.html');
    writeFileSync(file, renderTraceHtml(model, v.trace, states, 'truncate-to-HW loss', violation));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);
  afterAll(async () => browser?.close());

  it('draws one row per step and one lifeline per participant', async () => {
    expect(await page.locator('svg g.step').count()).toBe(v.length);
    expect(await page.locator('svg > line').count()).toBe(model.views!.participants.length);
    expect(await page.locator('#steps li').count()).toBe(v.length + 1);
    expect(await page.locator('#violation').textContent()).toContain(`Violated after step ${v.length}: leader-completeness`);
  });

  it('shows the full state after the step chosen with the slider, the list or the keyboard', async () => {
    const expectCells = async (k: number) => {
      const cells = model.views!.cells(states[k]);
      for (const [key, text] of Object.entries(cells)) {
        expect(await page.locator(`#state td[data-cell="${key}"]`).textContent()).toBe(text);
      }
    };
    await expectCells(0);
    await page.locator('#slider').fill('4');
    await expectCells(4);
    expect(await page.locator('#current').textContent()).toBe('4');
    await page.locator('#steps li').nth(7).click();
    await expectCells(7);
    expect(await page.locator('g.step.current').getAttribute('data-step')).toBe('7');
    await page.keyboard.press('ArrowRight');
    await expectCells(8);
    await page.screenshot({ path: join(tmpdir(), 'kafka-spec-viewer.png') });
  });
});
