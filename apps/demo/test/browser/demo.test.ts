// The demo in a real browser: Debian's Chromium, headless, WebGPU on SwiftShader.
// Builds the app, serves the static site, opens every page, checks the backend,
// runs the benchmark for small N, and saves screenshots to apps/demo/test-results/.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { listAttentions } from '@attention-zoo/attention-core';
import { useBackend } from '@attention-zoo/test-utils';
import { VARIANT_PACKAGES } from '@attention-zoo/variants';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedModel } from '../export-model.js';
import { buildApp, collectErrors, inCI, launch, missingChromium, removeDir, screenshot, serve, shippedModel } from './harness.js';

const noChromium = missingChromium();

if (noChromium) {
  if (inCI) {
    it('Chromium is installed (the browser tests must run in CI)', () => {
      throw new Error(noChromium);
    });
  } else {
    console.warn(`demo browser tests skipped: ${noChromium}`);
  }
}

interface Site {
  url: string;
  dir: string;
  close: () => Promise<void>;
}

let site: Site | undefined;

async function theSite(): Promise<Site> {
  if (!site) {
    const dir = await buildApp();
    const s = await serve(dir);
    site = { url: s.url, dir, close: s.close };
  }
  return site;
}

afterAll(async () => {
  if (site) {
    await site.close();
    removeDir(site.dir);
  }
});

/** Registered variants, read through the page's own engine and registry. */
async function registered(page: Page): Promise<{ name: string; map: string; pattern: boolean }[]> {
  return page.evaluate(() =>
    (window as unknown as { attentionZooDemo: { registry: () => { name: string; capabilities: { attentionMap: string }; layer: { prototype: object } }[] } })
      .attentionZooDemo.registry()
      .map((d) => ({ name: d.name, map: d.capabilities.attentionMap, pattern: typeof (d.layer.prototype as { patternMask?: unknown }).patternMask === 'function' })),
  );
}

async function open(page: Page, url: string, route: string): Promise<void> {
  await page.goto(`${url}#/${route}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  await page.waitForSelector(`main[data-page="${route}"]`);
}

describe.skipIf(noChromium !== null)('demo in Chromium with WebGPU (SwiftShader)', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let url: string;

  beforeAll(async () => {
    url = (await theSite()).url;
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    errors = collectErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('starts on the WebGPU backend and says so', async () => {
    await open(page, url, 'explorer');
    expect(await page.evaluate(() => (window as unknown as { attentionZooDemo: { backend: () => string } }).attentionZooDemo.backend())).toBe('webgpu');
    await expect.poll(() => page.textContent('[data-testid="backend"]')).toMatch(/^backend: webgpu/);
    expect(await page.isHidden('#backend-note')).toBe(true);
  });

  it('registers every variant of every published package, as in Node: the bundle kept each package', async () => {
    await open(page, url, 'explorer');
    const demo = await page.evaluate(() => (window as unknown as { attentionZooDemo: { packages: string[] } }).attentionZooDemo.packages);
    expect(demo).toEqual([...VARIANT_PACKAGES]);
    const inPage = (await registered(page)).map((v) => v.name).sort();
    expect(inPage).toEqual(listAttentions().map((d) => d.name).sort());
  });

  it('attention explorer: one map per registered variant, a rank per head, and the query follows the click', async () => {
    await open(page, url, 'explorer');
    await page.waitForSelector('[data-testid="explorer-status"][data-state="done"]', { timeout: 120_000 });
    const all = await registered(page);
    // The explorer starts with the paper's comparison checked; every registered variant has a box.
    const boxes = page.locator('[data-testid="explorer-variants"] input[type="checkbox"]');
    expect(await boxes.count()).toBe(all.length);
    const checked = await boxes.evaluateAll((els) => els.filter((e) => (e as HTMLInputElement).checked).map((e) => (e as HTMLInputElement).value));
    expect(checked.sort()).toEqual(['aft-simple', 'flatten', 'linear-elu', 'softmax'].filter((n) => all.some((v) => v.name === n)).sort());
    const variants = all.filter((v) => checked.includes(v.name));
    expect(variants.map((v) => v.name)).toContain('softmax');
    const cards = page.locator('[data-testid="map-card"]');
    expect(await cards.count()).toBe(variants.length);
    for (const v of variants) {
      const card = page.locator(`[data-testid="map-card"][data-variant="${v.name}"]`);
      if (v.map === 'none') {
        await expect.poll(() => card.textContent()).toContain('defines no attention map');
        continue;
      }
      // A variant that could not be built says why; that is a failure here, with its reason.
      const error = card.locator('p.error');
      expect(await error.count(), `${v.name}: ${await error.first().textContent().catch(() => '')}`).toBe(0);
      // 8×8 patches of a 32×32 image: 64 tokens, 2 heads; each rank between 1 and 64.
      const rank = (await card.locator('[data-testid="rank"]').textContent()) ?? '';
      const m = /rank per head: (\d+), (\d+) \(of 64\)/.exec(rank);
      expect(m, `rank line of ${v.name}: "${rank}"`).not.toBeNull();
      for (const r of [m![1], m![2]]) {
        expect(Number(r)).toBeGreaterThanOrEqual(1);
        expect(Number(r)).toBeLessThanOrEqual(64);
      }
    }
    // Softmax with q and k tied: rows are strictly positive and not all equal, so the map changes with the query.
    const softmaxMap = page.locator('[data-testid="map-card"][data-variant="softmax"] canvas');
    const before = await softmaxMap.evaluate((c: HTMLCanvasElement) => c.toDataURL());
    const box = (await page.locator('[data-testid="explorer-input"]').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.8, box.y + box.height * 0.7); // patch row 5, col 6 of 8
    expect(await page.getAttribute('[data-testid="explorer-input"]', 'data-query')).toBe(String(5 * 8 + 6));
    const after = await softmaxMap.evaluate((c: HTMLCanvasElement) => c.toDataURL());
    expect(after).not.toBe(before);
    await screenshot(page, 'explorer-webgpu');

    // A token sequence: characters on a 1×N strip.
    await page.selectOption('[data-testid="explorer-source"]', 'text');
    await page.waitForSelector('[data-testid="explorer-status"][data-state="done"]', { timeout: 120_000 });
    const n = [...'the cat sat on the mat, the dog sat on the log'].length;
    expect(await page.textContent('[data-testid="explorer-status"]')).toContain(`${n} tokens`);
    await screenshot(page, 'explorer-text-webgpu');
  });

  it('pattern gallery: a pattern for every variant with patternMask, or a clear empty state', async () => {
    await open(page, url, 'patterns');
    const withPattern = (await registered(page)).filter((v) => v.pattern);
    if (withPattern.length === 0) {
      const text = await page.textContent('[data-testid="patterns-empty"]');
      expect(text).toContain('patternMask');
      expect(text).toContain('softmax');
    } else {
      const cards = page.locator('[data-testid="pattern-card"]');
      expect(await cards.count()).toBe(withPattern.length);
      for (const v of withPattern) {
        const card = page.locator(`[data-testid="pattern-card"][data-variant="${v.name}"]`);
        await expect.poll(() => card.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
        expect(await card.locator('[data-testid="pattern-info"]').textContent()).toMatch(/64×64, [\d.]+% of pairs computed/);
      }
    }
    await screenshot(page, 'patterns-webgpu');
  });

  /** Runs the lab for N = 16, 64 on `backend` and checks every point ran and every series got an exponent. */
  async function bench(backend: string): Promise<void> {
    await page.selectOption('[data-testid="bench-backend"]', backend);
    await expect.poll(() => page.textContent('[data-testid="bench-active"]'), { timeout: 60_000 }).toBe(backend);
    await page.fill('[data-testid="bench-tokens"]', '16, 64');
    await page.fill('[data-testid="bench-dim"]', '32');
    await page.fill('[data-testid="bench-heads"]', '2');
    await page.fill('[data-testid="bench-repeats"]', '2');
    await page.click('[data-testid="bench-run"]');
    await page.waitForSelector('[data-testid="bench-results"][data-state="done"]', { state: 'attached', timeout: 120_000 });
    const variants = await registered(page);
    const rows = page.locator('[data-testid="bench-row"]');
    expect(await rows.count()).toBe(variants.length * 2);
    for (const v of variants) {
      for (const n of [16, 64]) {
        const row = page.locator(`[data-testid="bench-row"][data-variant="${v.name}"][data-tokens="${n}"]`);
        expect(await row.getAttribute('data-ok'), `${v.name} at N=${n} on ${backend}: ${await row.textContent()}`).toBe('true');
      }
      const exponent = await page.textContent(`[data-testid="bench-exponent"][data-variant="${v.name}"]`);
      expect(Number(exponent), `time exponent of ${v.name}`).not.toBeNaN();
    }
    expect(await page.textContent('[data-testid="bench-status"]')).toContain(`on ${backend}`);
    expect(await page.locator('svg.chart polyline').count()).toBe(2 * variants.length);
  }

  it('complexity lab: runs the benchmark for small N on webgpu', async () => {
    await open(page, url, 'complexity');
    expect(await page.textContent('[data-testid="bench-active"]')).toBe('webgpu');
    await bench('webgpu');
    await screenshot(page, 'complexity-webgpu');
  });

  it('complexity lab: switches to wasm, webgl and cpu and runs on each', async () => {
    await open(page, url, 'complexity');
    for (const backend of ['wasm', 'webgl', 'cpu']) {
      await bench(backend);
      expect(await page.evaluate(() => (window as unknown as { attentionZooDemo: { backend: () => string } }).attentionZooDemo.backend())).toBe(backend);
      expect(await page.textContent('[data-testid="backend"]')).toContain(`backend: ${backend}`);
    }
    await screenshot(page, 'complexity-cpu');
    await page.selectOption('[data-testid="bench-backend"]', 'webgpu');
    await expect.poll(() => page.textContent('[data-testid="bench-active"]'), { timeout: 60_000 }).toBe('webgpu');
  });

  it('classifier: says plainly when no trained model is shipped', async () => {
    await open(page, url, 'classifier');
    if (shippedModel()) {
      await page.waitForSelector('[data-testid="classifier-status"][data-state="ready"]', { timeout: 60_000 });
    } else {
      await page.waitForSelector('[data-testid="classifier-status"][data-state="missing"]', { timeout: 60_000 });
      expect(await page.textContent('[data-testid="classifier-status"]')).toContain('No trained model is shipped');
    }
    await screenshot(page, 'classifier-webgpu');
  });

  it('classifier: classifies drawn digits correctly', async () => {
    // The demo ships the trainer's default MNIST model (apps/demo/public/models/mnist-flatten): no skip.
    expect(shippedModel(), 'apps/demo/public/models/index.json must list the shipped trained model').toBe(true);
    await open(page, url, 'classifier');
    await page.waitForSelector('[data-testid="classifier-status"][data-state="ready"]', { timeout: 60_000 });
    const pad = (await page.locator('[data-testid="classifier-pad"]').boundingBox())!;
    const stroke = async (pts: [number, number][]) => {
      await page.mouse.move(pad.x + pts[0]![0] * pad.width, pad.y + pts[0]![1] * pad.height);
      await page.mouse.down();
      for (const [x, y] of pts.slice(1)) await page.mouse.move(pad.x + x * pad.width, pad.y + y * pad.height, { steps: 4 });
      await page.mouse.up();
    };
    const digits: [string, [number, number][][]][] = [
      ['1', [[[0.5, 0.15], [0.5, 0.5], [0.5, 0.85]]]],
      ['0', [Array.from({ length: 25 }, (_, i) => [0.5 + 0.22 * Math.sin((i / 24) * 2 * Math.PI), 0.5 - 0.33 * Math.cos((i / 24) * 2 * Math.PI)] as [number, number])]],
      ['7', [[[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]]]],
    ];
    for (const [label, strokes] of digits) {
      await page.click('text=Clear');
      for (const s of strokes) await stroke(s);
      await page.click('[data-testid="classifier-run"]');
      await expect.poll(() => page.getAttribute('[data-testid="classifier-result"]', 'data-label'), { timeout: 60_000 }).toBe(label);
      await page.evaluate(() => document.querySelector('[data-testid="classifier-result"]')!.removeAttribute('data-label'));
    }
    await screenshot(page, 'classifier-digit-webgpu');
  });

  it('logs no console errors', () => {
    expect(errors).toEqual([]);
  });
});

describe.skipIf(noChromium !== null)('demo in Chromium without WebGPU', () => {
  it('falls back to WebGL, says so, and still works', async () => {
    const { url } = await theSite();
    const browser = await launch({ webgpu: false });
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      const errors = collectErrors(page);
      await open(page, url, 'explorer');
      expect(await page.evaluate(() => (window as unknown as { attentionZooDemo: { backend: () => string } }).attentionZooDemo.backend())).toBe('webgl');
      expect(await page.textContent('[data-testid="backend"]')).toContain('backend: webgl');
      expect(await page.isVisible('#backend-note')).toBe(true);
      expect(await page.textContent('#backend-note')).toMatch(/WebGPU is not available \(.+\); running on webgl/);
      await page.waitForSelector('[data-testid="explorer-status"][data-state="done"]', { timeout: 120_000 });
      expect(await page.locator('[data-testid="map-card"] canvas').count()).toBeGreaterThan(0);
      await screenshot(page, 'explorer-no-webgpu');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe.skipIf(noChromium !== null)('classifier page with an exported model (untrained: wiring only)', () => {
  it('loads it, classifies a drawing into one of its classes, and draws the last attention over it', async () => {
    await useBackend('cpu');
    // A copy of the built site with an untrained model exported into models/, as the trainer would.
    const built = (await theSite()).dir;
    const dir = mkdtempSync(join(tmpdir(), 'attention-zoo-demo-model-'));
    cpSync(built, dir, { recursive: true });
    const { files, model } = await exportedModel('test-model');
    model.dispose();
    for (const [path, body] of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), typeof body === 'string' ? body : Buffer.from(body));
    }
    const server = await serve(dir);
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      const errors = collectErrors(page);
      await open(page, server.url, 'classifier');
      await page.waitForSelector('[data-testid="classifier-status"][data-state]', { timeout: 60_000 });
      expect(await page.textContent('[data-testid="classifier-status"]')).toContain('model test-model: mnist, attention softmax, input [16,49]');
      const pad = (await page.locator('[data-testid="classifier-pad"]').boundingBox())!;
      await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.15);
      await page.mouse.down();
      await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.85, { steps: 8 });
      await page.mouse.up();
      await page.click('[data-testid="classifier-run"]');
      await expect.poll(() => page.getAttribute('[data-testid="classifier-result"]', 'data-label'), { timeout: 60_000 }).toMatch(/^[0-9]$/);
      expect(await page.locator('.bars .bar').count()).toBe(10);
      await expect.poll(() => page.textContent('#page .muted:last-child')).toMatch(/block 2 › attn: 2 heads over a 4×4 token grid \(mean over queries\)/);
      await screenshot(page, 'classifier-test-model');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
      removeDir(dir);
    }
  });
});
